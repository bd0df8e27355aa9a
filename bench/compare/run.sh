#!/usr/bin/env bash
# ferry next to onnxruntime-node 1.30 on the same model file, inputs and thread count,
# alternating the two engines in rounds; prints medians and the ratio ferry/onnxruntime.
#   bash bench/compare/run.sh [--threads 2] [--rounds 5] [--iters 50] [--models "simplecnn_b1 ..."]
# Needs build/ferry (scripts/build.sh) and tests/oracles/node_modules (scripts/install-deps.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
threads=2 rounds=5 iters=50
models="simplecnn_b1 simplecnn_b64 resnet18_b1 resnet18_b8 mobilenet_v2_b1 transformer_b1"
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --iters) iters="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done
FERRY="${FERRY:-$here/build/ferry}"  # override to bench another build
PY=/usr/bin/python3
work="${FERRY_BENCH_DIR:-$here/build/bench-compare}"
mkdir -p "$work"

# Models, made once and cached in $work.
[ -f "$work/simplecnn.onnx" ] || {
  "$FERRY" train --max-steps 20 --val-split 0 --out "$work/simplecnn_run" >/dev/null 2>&1
  "$FERRY" export "$work/simplecnn_run/model.pt" -o "$work/simplecnn.onnx" --force >/dev/null
}
for m in resnet18 mobilenet_v2; do
  [ -f "$work/$m/model.onnx" ] || "$PY" "$here/tests/fixtures/export_torchvision.py" "$work/$m" --model "$m" --dynamic-batch >/dev/null
done
[ -f "$work/transformer.onnx" ] || "$PY" - "$work/transformer.onnx" <<'PYEOF'
import sys, torch
torch.manual_seed(0)
layer = torch.nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=256, batch_first=True)
model = torch.nn.TransformerEncoder(layer, num_layers=2).eval()
x = torch.randn(1, 32, 64)
torch.onnx.export(model, x, sys.argv[1], input_names=["input"], output_names=["output"],
                  dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=13)
PYEOF

model_of() {
  case "$1" in
    simplecnn_*) echo "$work/simplecnn.onnx" ;;
    resnet18_*) echo "$work/resnet18/model.onnx" ;;
    mobilenet_v2_*) echo "$work/mobilenet_v2/model.onnx" ;;
    transformer_*) echo "$work/transformer.onnx" ;;
  esac
}
shape_of() {
  local b="${1##*_b}"
  case "$1" in
    simplecnn_*) echo "$b,1,28,28" ;;
    resnet18_*|mobilenet_v2_*) echo "$b,3,224,224" ;;
    transformer_*) echo "$b,32,64" ;;
  esac
}

printf "%-18s %8s %12s %12s %8s\n" model threads "ferry ms" "ort ms" ratio
for m in $models; do
  model="$(model_of "$m")"
  x="$work/${m}_input.npy"
  "$PY" -c "import numpy as np; np.save('$x', np.random.RandomState(0).randn($(shape_of "$m")).astype(np.float32))"
  fm=() om=()
  for r in $(seq "$rounds"); do
    "$FERRY" bench "$model" --threads "$threads" --iters "$iters" --warmup 5 --input input="$x" --json "$work/f.json" >/dev/null
    fm+=("$("$PY" -c "import json; print(json.load(open('$work/f.json'))['median_ms'])")")
    node "$here/tests/oracles/bench_ort.js" "$model" --threads "$threads" --iters "$iters" --warmup 5 input="$x" >"$work/o.json"
    om+=("$("$PY" -c "import json; print(json.load(open('$work/o.json'))['median_ms'])")")
  done
  "$PY" - "$m" "$threads" "${fm[*]}" "${om[*]}" <<'PYEOF'
import sys, statistics
m, t, f, o = sys.argv[1], sys.argv[2], [float(v) for v in sys.argv[3].split()], [float(v) for v in sys.argv[4].split()]
fm, om = statistics.median(f), statistics.median(o)
print(f"{m:<18} {t:>8} {fm:12.3f} {om:12.3f} {fm / om:8.2f}")
PYEOF
done
