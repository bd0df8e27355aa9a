#!/usr/bin/env bash
# The TorchScript export table of docs/EXPORT.md: for each fixture of make_models.py (traced
# here by /usr/bin/python3, torch 1.13), `ferry export` (distinct aten op kinds, wall time of
# the export) and `ferry check model.pt model.onnx` on the fixture's inputs (max abs error of
# ferry's runtime against libtorch, over all outputs; pass = atol 1e-4, rtol 1e-3), and
# onnxruntime-node (tests/oracles/run_onnx.js) on the same ONNX file and inputs against the
# outputs libtorch gave in Python (same tolerance).
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
echo "| model | input | distinct aten ops | export time (ms) | ferry: max abs error vs libtorch | check | onnxruntime: max abs error vs libtorch | check |"
echo "|---|---|---:|---:|---:|---|---:|---|"
exported=0; matched=0; ort_matched=0; total=0
ORACLES="$here/../../tests/oracles"
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
  # shellcheck disable=SC2046
  if node "$ORACLES/run_onnx.js" "$d/model.onnx" "$d/ort" $(cat "$d/inputs") >"$d/ort.out" 2>&1; then
    read -r ort_err ort_result < <("$PY" - "$d" <<'PYEOF'
import glob, os, sys, numpy as np
d = sys.argv[1]
worst, ok = 0.0, True
for want in sorted(glob.glob(os.path.join(d, "output_*.npy"))):
    a = np.load(want).astype(np.float64)
    b = np.load(os.path.join(d, "ort", os.path.basename(want))).astype(np.float64)
    ok = ok and a.shape == b.shape and bool(np.all(np.abs(b - a) <= 1e-4 + 1e-3 * np.abs(a)))
    if a.shape == b.shape and a.size:
        worst = max(worst, float(np.max(np.abs(b - a))))
print("%.2e %s" % (worst, "pass" if ok else "MISMATCH"))
PYEOF
)
  else
    ort_err=""; ort_result="onnxruntime failed: $(tail -1 "$d/ort.out" | cut -c1-120)"
  fi
  [ "$ort_result" = pass ] && ort_matched=$((ort_matched + 1))
  echo "| $m | $shape | $kinds | $ms | $err | $result | $ort_err | $ort_result |"
done
echo
echo "$exported of $total export, $matched of $total match libtorch in ferry's runtime and $ort_matched of $total in onnxruntime-node (atol 1e-4, rtol 1e-3)."
