#!/usr/bin/env bash
# Read benchmark: fits a model on ROWS rows of flights data through
# `vgmsynth fit` on the default runner and, in the same run, reads the same
# CSV files through bench/readceiling (plain goroutines that split every
# line into fields and parse every number, no Beam), alternating, REPEATS
# times each; prints the medians of wall time, user+sys CPU and peak RSS
# (from /usr/bin/time) and the ratio of fit's wall time to the ceiling's.
# With "parquet" in FORMATS it also fits the same rows as Parquet files and
# compares that with the CSV ceiling.
#
# Usage: bench/read.sh [ROWS] [REPEATS] [FORMATS]
#   bench/read.sh 20000000 3 "csv parquet"
# The input (two files made by `vgmsynth generate` from a model fitted on
# ../shared/data/flights-3m.parquet) is made once under WORK and kept;
# delete WORK afterwards (KEEP=0 deletes it at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-20000000}
REPEATS=${2:-3}
FORMATS=${3:-"csv parquet"}
WORK=${WORK:-/tmp/vgmsynth-read-bench}
mkdir -p "$WORK/bin"
go build -o "$WORK/bin/vgmsynth" ./cmd/vgmsynth
go build -o "$WORK/bin/readceiling" ./bench/readceiling
MODEL=${MODEL:-$WORK/flights-model.json}
if [ ! -f "$MODEL" ]; then
  "$WORK/bin/vgmsynth" fit --input ../shared/data/flights-3m.parquet --model "$MODEL" --quiet
fi
for format in csv $FORMATS; do
  if [ ! -f "$WORK/$format-$ROWS/done" ]; then
    rm -rf "$WORK/$format-$ROWS"
    "$WORK/bin/vgmsynth" generate --model "$MODEL" --rows "$ROWS" --shards 2 --format "$format" --output "$WORK/$format-$ROWS/part" --quiet
    rm -f "$WORK/$format-$ROWS"/*MANIFEST*
    touch "$WORK/$format-$ROWS/done"
  fi
done

# measure NAME COMMAND...: runs the command under /usr/bin/time and appends
# "wall cpu rss_kb" to $WORK/NAME.times.
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" "$@" >/dev/null
  read -r wall user sys rss < "$WORK/time.txt"
  echo "$wall $(awk "BEGIN {print $user + $sys}") $rss" >> "$WORK/$name.times"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

rm -f "$WORK"/*.times
for ((i = 0; i < REPEATS; i++)); do
  measure ceiling "$WORK/bin/readceiling" "$WORK/csv-$ROWS"/*.csv
  for format in $FORMATS; do
    measure "$format" "$WORK/bin/vgmsynth" fit --input "$WORK/$format-$ROWS/*.$format" --model "$WORK/m.json" --quiet
  done
done
printf "%-20s %12s %9s %9s %10s %9s\n" reader rows wall_s cpu_s rss_MB ratio
wall_ceiling=$(cut -d' ' -f1 "$WORK/ceiling.times" | median)
for name in ceiling $FORMATS; do
  wall=$(cut -d' ' -f1 "$WORK/$name.times" | median)
  cpu=$(cut -d' ' -f2 "$WORK/$name.times" | median)
  rss=$(cut -d' ' -f3 "$WORK/$name.times" | median)
  label="vgmsynth fit $name"; [ $name = ceiling ] && label="ceiling csv"
  printf "%-20s %12s %9.2f %9.2f %10.0f %9.2f\n" "$label" "$ROWS" "$wall" "$cpu" "$(awk "BEGIN {print $rss / 1024}")" "$(awk "BEGIN {print $wall / $wall_ceiling}")"
done
echo "ratio: wall time / the CSV ceiling's wall time in the same run (medians)"
if [ "${KEEP:-1}" = 0 ]; then rm -rf "$WORK"; fi
