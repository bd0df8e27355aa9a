#!/usr/bin/env bash
# The TorchScript export table of docs/EXPORT.md: for each fixture of make_models.py (traced
# here by /usr/bin/python3, torch 1.13), `ferry export` (distinct aten op kinds, wall time of
# the export) and `ferry check model.pt model.onnx` on the fixture's inputs (max abs error of
# ferry's runtime against libtorch, over all outputs; pass = atol 1e-4, rtol 1e-3).
#   bench/export/table.sh [FERRY] [MODEL ...]      (prints a Markdown table)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
FERRY="${1:-$here/../../build/ferry}"
shift || true
PY=/usr/bin/python3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
models="$*"
[ -n "$models" ] || models="$("$PY" "$here/make_models.py" "$work" list | sed 's/ unsupported//')"
echo "| model | input | distinct aten ops | export time (ms) | max abs error vs libtorch | check |"
echo "|---|---|---:|---:|---:|---|"
exported=0; matched=0; total=0
for m in $models; do
  total=$((total + 1))
  d="$work/$m"
  if ! "$PY" "$here/make_models.py" "$work" "$m" >"$work/trace.log" 2>&1; then
    echo "| $m | | | | | trace failed |"; continue
  fi
  shape="$("$PY" -c "import json,sys; m=json.load(open(sys.argv[1])); print(' '.join(t+'['+s+']' for s,t in zip(m['input_shapes'], m['input_dtypes'])))" "$d/meta.json")"
  start=$(date +%s%N)
  # shellcheck disable=SC2046
  if ! "$FERRY" export "$d/model.pt" -o "$d/model.onnx" $(cat "$d/flags") >"$d/export.out" 2>&1; then
    echo "| $m | $shape | | | | export failed: $(tail -1 "$d/export.out" | cut -c1-160) |"; continue
  fi
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  exported=$((exported + 1))
  kinds=$(grep '^aten ops:' "$d/export.out" | wc -w); kinds=$((kinds - 2))
  # shellcheck disable=SC2046
  a="$d/model.pt"; b="$d/model.onnx"
  grep -q int "$d/flags" && { a="$d/model.onnx"; b="$d/model.pt"; }  # libtorch side: float inputs
  "$FERRY" check "$a" "$b" --atol 1e-4 --rtol 1e-3 --json "$d/check.json" \
    $(sed 's/\([^ ]*\)/--input \1/g' "$d/inputs") >"$d/check.out" 2>&1
  rc=$?
  if [ ! -s "$d/check.json" ]; then
    echo "| $m | $shape | $kinds | $ms | | check failed: $(tail -1 "$d/check.out" | cut -c1-160) |"; continue
  fi
  err=$("$PY" -c "import json,sys; j=json.load(open(sys.argv[1])); print('%.2e' % max(o['max_abs_error'] for o in j['outputs']))" "$d/check.json")
  if [ $rc = 0 ]; then result=pass; matched=$((matched + 1)); else result=MISMATCH; fi
  echo "| $m | $shape | $kinds | $ms | $err | $result |"
done
echo
echo "$exported of $total export, $matched of $total match libtorch (atol 1e-4, rtol 1e-3)."
