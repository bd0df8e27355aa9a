#!/usr/bin/env bash
# Big-model conversion cost (issue 4 item 7): `ferry convert MODEL.onnx -o SavedModel` beside
# `cp` of the same file, RUNS times each (alternating), with /usr/bin/time -v; prints each run,
# then the medians of wall time and peak RSS, the file size and the load average.
#   bench/big_model/measure.sh FERRY MODEL.onnx [RUNS=3]
set -euo pipefail
ferry="$1" model="$2" runs="${3:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
field() { grep "$1" "$2" | awk -F': ' '{print $2}'; }
secs() { awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }'; }
: >"$work/cp" ; : >"$work/conv"
cat "$model" >/dev/null  # page cache warm for both
for i in $(seq "$runs"); do
  rm -rf "$work/copy.onnx" "$work/sm"
  /usr/bin/time -v cp "$model" "$work/copy.onnx" 2>"$work/t"
  echo "$(field 'Elapsed' "$work/t" | secs) $(field 'Maximum resident' "$work/t")" >>"$work/cp"
  /usr/bin/time -v "$ferry" convert "$model" -o "$work/sm" >"$work/out" 2>"$work/t"
  echo "$(field 'Elapsed' "$work/t" | secs) $(field 'Maximum resident' "$work/t")" >>"$work/conv"
  echo "run $i: cp $(tail -1 "$work/cp") | convert $(tail -1 "$work/conv") | $(head -1 "$work/out") | load $(cut -d' ' -f1-3 /proc/loadavg)"
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
bytes=$(stat -c %s "$model")
cp_s=$(cut -d' ' -f1 "$work/cp" | median); cv_s=$(cut -d' ' -f1 "$work/conv" | median)
cp_kb=$(cut -d' ' -f2 "$work/cp" | median); cv_kb=$(cut -d' ' -f2 "$work/conv" | median)
echo "file: $bytes bytes; SavedModel: $(stat -c %s "$work/sm/saved_model.pb") bytes"
echo "median time: cp ${cp_s} s, convert ${cv_s} s ($(awk -v a="$cv_s" -v b="$cp_s" 'BEGIN{printf "%.1f", a/b}')x)"
echo "median peak RSS: cp ${cp_kb} kB, convert ${cv_kb} kB ($(awk -v a="$cv_kb" -v b="$bytes" 'BEGIN{printf "%.2f", a*1024/b}')x the file)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
