#!/usr/bin/env bash
# Big-model conversion cost (issue 4 item 7): `ferry convert MODEL.onnx -o SavedModel` beside
# `cp` of the same file, RUNS times each (alternating), with /usr/bin/time -v; prints each run
# (wall s, peak RSS kB, CPU user+sys s, ferry's load/convert/write ms), then the medians, the
# file size and the load average. CPU seconds and the phases stay meaningful on a shared
# machine, where wall times follow the other processes.
#   bench/big_model/measure.sh FERRY MODEL.onnx [RUNS=3]
set -euo pipefail
ferry="$1" model="$2" runs="${3:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
field() { grep "$1" "$2" | awk -F': ' '{print $2}'; }
secs() { awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }'; }
cpu() { awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.2f", u + s}' "$1"; }
: >"$work/cp" ; : >"$work/conv"
cat "$model" >/dev/null  # page cache warm for both
for i in $(seq "$runs"); do
  rm -rf "$work/copy.onnx" "$work/sm"
  /usr/bin/time -v cp "$model" "$work/copy.onnx" 2>"$work/t"
  echo "$(field 'Elapsed' "$work/t" | secs) $(field 'Maximum resident' "$work/t") $(cpu "$work/t")" >>"$work/cp"
  /usr/bin/time -v "$ferry" convert "$model" -o "$work/sm" >"$work/out" 2>"$work/t"
  # "converted ... in C ms (load L ms, write W ms)" -> L C W
  phases=$(head -1 "$work/out" | sed -E 's/.* in ([0-9.]+) ms \(load ([0-9.]+) ms, write ([0-9.]+) ms\).*/\2 \1 \3/')
  echo "$(field 'Elapsed' "$work/t" | secs) $(field 'Maximum resident' "$work/t") $(cpu "$work/t") $phases" >>"$work/conv"
  echo "run $i: cp $(tail -1 "$work/cp") | convert $(tail -1 "$work/conv") (wall s, RSS kB, CPU s, load/convert/write ms) | load $(cut -d' ' -f1-3 /proc/loadavg)"
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
bytes=$(stat -c %s "$model")
cp_s=$(cut -d' ' -f1 "$work/cp" | median); cv_s=$(cut -d' ' -f1 "$work/conv" | median)
cp_kb=$(cut -d' ' -f2 "$work/cp" | median); cv_kb=$(cut -d' ' -f2 "$work/conv" | median)
cp_cpu=$(cut -d' ' -f3 "$work/cp" | median); cv_cpu=$(cut -d' ' -f3 "$work/conv" | median)
ph() { cut -d' ' -f"$1" "$work/conv" | median; }
echo "file: $bytes bytes; SavedModel: $(stat -c %s "$work/sm/saved_model.pb") bytes"
echo "median time: cp ${cp_s} s, convert ${cv_s} s ($(awk -v a="$cv_s" -v b="$cp_s" 'BEGIN{printf "%.1f", a/b}')x)"
echo "median CPU user+sys: cp ${cp_cpu} s, convert ${cv_cpu} s ($(awk -v a="$cv_cpu" -v b="$cp_cpu" 'BEGIN{printf "%.1f", a/b}')x)"
echo "median phases of convert: load $(ph 4) ms, conversion $(ph 5) ms, write $(ph 6) ms"
echo "median peak RSS: cp ${cp_kb} kB, convert ${cv_kb} kB ($(awk -v a="$cv_kb" -v b="$bytes" 'BEGIN{printf "%.2f", a*1024/b}')x the file)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
