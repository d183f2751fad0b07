#!/usr/bin/env bash
# Measures how generated values keep their input's shape (docs/formats.md,
# "Shapes"): builds a 3,000-row table with one column per shape, runs
# vgmsynth on it and checks every generated value with a regular expression.
# Usage: bench/shapes.sh [rows]   (needs python3; run from the repository root)
set -euo pipefail
rows=${1:-20000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/vgmsynth" ./cmd/vgmsynth
python3 bench/shapes/make_table.py "$dir/shapes.csv"
"$dir/vgmsynth" run --input "$dir/shapes.csv" --rows "$rows" --output "$dir/out/s" --quiet
python3 bench/shapes/check.py "$dir/shapes.csv" "$dir/out/s-*-of-*.csv"
