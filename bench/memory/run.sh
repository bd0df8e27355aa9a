#!/usr/bin/env bash
# Peak resident memory of one inference: `ferry run` beside onnxruntime-node 1.30
# (tests/oracles/run_onnx.js) on the same ONNX file and input, at the same thread count,
# measured by /usr/bin/time -v ("Maximum resident set size"). Also prints the weights' size
# and the goal of issue 3: weights + the largest two live activations + 50 MB.
#   bash bench/memory/run.sh [--model resnet18] [--batch 1] [--threads 2]
# Also measured: `ferry run` with FERRY_NO_OPTIMIZE=1 and `ferry --help` (the process alone,
# before any model is read). Models come from bench/compare/run.sh's cache (build/bench-compare,
# FERRY_BENCH_DIR overrides it); FERRY overrides the binary (default build/ferry).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model=resnet18 batch=1 threads=2
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done
FERRY="${FERRY:-$here/build/ferry}"
PY=/usr/bin/python3
work="${FERRY_BENCH_DIR:-$here/build/bench-compare}"
onnx="$work/$model/model.onnx"
[ -f "$onnx" ] || { echo "$onnx missing: run bash bench/compare/run.sh --models ${model}_b1 first" >&2; exit 2; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
x="$tmp/input.npy"
"$PY" -c "import numpy as np; np.save('$x', np.random.RandomState(0).randn($batch,3,224,224).astype(np.float32))"

peak_kb() {  # peak RSS in KiB of the command after --
  /usr/bin/time -v "$@" 2>"$tmp/time.txt" >/dev/null || { cat "$tmp/time.txt" >&2; exit 1; }
  awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt"
}
ferry_kb=$(peak_kb "$FERRY" run "$onnx" --threads "$threads" --input input="$x" --output-dir "$tmp/f")
plain_kb=$(FERRY_NO_OPTIMIZE=1 peak_kb "$FERRY" run "$onnx" --threads "$threads" --input input="$x" --output-dir "$tmp/p")
help_kb=$(peak_kb "$FERRY" --help)
ort_kb=$(FERRY_ORACLE_THREADS="$threads" peak_kb node "$here/tests/oracles/run_onnx.js" "$onnx" "$tmp/o" input="$x")

# Weights and the goal's activation term, from the model itself (float32 activations of the
# exported graph, by onnx shape inference; the two largest).
"$PY" - "$onnx" "$batch" "$ferry_kb" "$ort_kb" "$plain_kb" "$help_kb" <<'PYEOF'
import sys, onnx, numpy as np
from onnx import shape_inference, numpy_helper
path, batch = sys.argv[1], int(sys.argv[2])
ferry_kb, ort_kb, plain_kb, help_kb = (int(a) for a in sys.argv[3:7])
m = onnx.load(path)
weights = sum(numpy_helper.to_array(t).nbytes for t in m.graph.initializer)
inp = m.graph.input[0].type.tensor_type.shape.dim[0]
inp.ClearField("dim_param"); inp.dim_value = batch
m = shape_inference.infer_shapes(m)
sizes = []
for vi in list(m.graph.value_info) + list(m.graph.output) + list(m.graph.input):
    dims = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    if dims and all(d > 0 for d in dims):
        sizes.append(int(np.prod(dims)) * 4)
sizes.sort(reverse=True)
goal = weights + sum(sizes[:2]) + 50 * 2**20
mb = lambda b: b / 2**20
print(f"weights {mb(weights):.1f} MB, largest two activations {mb(sum(sizes[:2])):.1f} MB, "
      f"goal <= {mb(goal):.1f} MB")
print(f"{'engine':<24} {'peak RSS MB':>12}")
print(f"{'ferry':<24} {ferry_kb / 1024:12.1f}")
print(f"{'ferry FERRY_NO_OPTIMIZE=1':<24} {plain_kb / 1024:12.1f}")
print(f"{'onnxruntime':<24} {ort_kb / 1024:12.1f}")
print(f"{'ferry --help (no model)':<24} {help_kb / 1024:12.1f}")
PYEOF
