#!/usr/bin/env bash
# Scale benchmark: generates ROWS rows of the flights model through
# `vgmsynth generate` on the default runner and, in the same run, through
# bench/ceiling (the same generator and encoders in plain goroutines, no
# Beam), alternating, REPEATS times each; prints the medians of wall time,
# user+sys CPU and peak RSS (from /usr/bin/time) and the rows/s ratio to the
# ceiling. Output files are deleted after every run.
#
# Usage: bench/scale.sh [ROWS] [REPEATS] [FORMATS] [COMPRESSION]
#   bench/scale.sh 50000000 3 "csv parquet"
#   bench/scale.sh 1000000000 1 csv zstd
# Needs ../shared/data/flights-3m.parquet (or MODEL=path to a model file).
# MODEL_TYPE=forest (or network, copula, independent) fits that model type
# instead of fit's default; the model file is then named after it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-50000000}
REPEATS=${2:-3}
FORMATS=${3:-"csv parquet"}
COMPRESSION=${4:-}
WORK=${WORK:-/tmp/vgmsynth-bench}
mkdir -p "$WORK/bin" "$WORK/out"
go build -o "$WORK/bin/vgmsynth" ./cmd/vgmsynth
go build -o "$WORK/bin/ceiling" ./bench/ceiling
MODEL_TYPE=${MODEL_TYPE:-}
mtype=()
[ -n "$MODEL_TYPE" ] && mtype=(--model-type "$MODEL_TYPE")
MODEL=${MODEL:-$WORK/flights-model${MODEL_TYPE:+-$MODEL_TYPE}.json}
if [ ! -f "$MODEL" ]; then
  "$WORK/bin/vgmsynth" fit --input ../shared/data/flights-3m.parquet --model "$MODEL" "${mtype[@]}" --quiet
fi
comp=()
[ -n "$COMPRESSION" ] && comp=(--compression "$COMPRESSION")

# measure NAME COMMAND...: runs the command under /usr/bin/time, appends
# "wall cpu rss_kb bytes" to $WORK/NAME.times, deletes the output.
measure() {
  local name=$1; shift
  rm -rf "$WORK/out"; mkdir -p "$WORK/out"
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" "$@" >/dev/null
  local bytes
  bytes=$(du -sb "$WORK/out" | cut -f1)
  read -r wall user sys rss < "$WORK/time.txt"
  echo "$wall $(awk "BEGIN {print $user + $sys}") $rss $bytes" >> "$WORK/$name.times"
  rm -rf "$WORK/out"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

printf "%-8s %-9s %12s %9s %9s %10s %9s %11s\n" format runner rows wall_s cpu_s rss_MB MB/s rows/s
for format in $FORMATS; do
  rm -f "$WORK"/*.times
  for ((i = 0; i < REPEATS; i++)); do
    measure beam "$WORK/bin/vgmsynth" generate --model "$MODEL" --rows "$ROWS" --output "$WORK/out/x" --format "$format" "${comp[@]}" --quiet
    measure plain "$WORK/bin/ceiling" --model "$MODEL" --rows "$ROWS" --output "$WORK/out/x" --format "$format" "${comp[@]}"
  done
  for name in beam plain; do
    wall=$(cut -d' ' -f1 "$WORK/$name.times" | median)
    cpu=$(cut -d' ' -f2 "$WORK/$name.times" | median)
    rss=$(cut -d' ' -f3 "$WORK/$name.times" | median)
    bytes=$(cut -d' ' -f4 "$WORK/$name.times" | median)
    label=vgmsynth; [ $name = plain ] && label=ceiling
    printf "%-8s %-9s %12s %9.2f %9.2f %10.0f %9.0f %11.0f\n" "$format${COMPRESSION:++$COMPRESSION}" $label "$ROWS" "$wall" "$cpu" "$(awk "BEGIN {print $rss / 1024}")" "$(awk "BEGIN {print $bytes / 1048576 / $wall}")" "$(awk "BEGIN {print $ROWS / $wall}")"
    eval "wall_$name=$wall"
  done
  printf "ratio vgmsynth/ceiling (rows/s, median walls): %.3f\n" "$(awk "BEGIN {print $wall_plain / $wall_beam}")"
done
