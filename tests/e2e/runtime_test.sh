#!/usr/bin/env bash
# The runtime from the command line (issue 3): the same inputs give bitwise the same outputs
# at the same thread count (--threads or FERRY_NUM_THREADS), a dynamic-batch model runs at
# several batch sizes, and an input too large to hold is a one-line error with exit code 2.
source "$(dirname "$0")/lib.sh"

"$PY" - "$WORK" <<'PYEOF'
import sys, numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
w = sys.argv[1]
rng = np.random.RandomState(0)
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 16, 16])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 10])
inits = [numpy_helper.from_array(rng.randn(8, 3, 3, 3).astype(np.float32), "w"),
         numpy_helper.from_array(rng.randn(8).astype(np.float32), "b"),
         numpy_helper.from_array(rng.randn(8 * 8 * 8, 10).astype(np.float32), "gw"),
         numpy_helper.from_array(rng.randn(10).astype(np.float32), "gb"),
         numpy_helper.from_array(np.array(0, np.int64), "zero"),
         numpy_helper.from_array(np.array([0], np.int64), "axes"),
         numpy_helper.from_array(np.array([-1], np.int64), "minus1")]
nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1], name="conv"),
         helper.make_node("Relu", ["c"], ["r"], name="relu"),
         helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2], name="pool"),
         # torch's x.view(x.size(0), -1): Shape -> Gather -> Unsqueeze -> Concat -> Reshape
         helper.make_node("Shape", ["p"], ["s"], name="shape"),
         helper.make_node("Gather", ["s", "zero"], ["n"], name="gather"),
         helper.make_node("Unsqueeze", ["n", "axes"], ["n1"], name="unsqueeze"),
         helper.make_node("Concat", ["n1", "minus1"], ["shp"], axis=0, name="concat"),
         helper.make_node("Reshape", ["p", "shp"], ["f"], name="reshape"),
         helper.make_node("Gemm", ["f", "gw", "gb"], ["g"], name="gemm"),
         helper.make_node("Softmax", ["g"], ["y"], axis=1, name="softmax")]
g = helper.make_graph(nodes, "g", [x], [y], inits)
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), f"{w}/cnn.onnx")
for b in (1, 4):
    np.save(f"{w}/x{b}.npy", rng.randn(b, 3, 16, 16).astype(np.float32))
# A .npy header claiming 2^40 x 2^40 floats, with no data behind it.
hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }"
hdr += " " * (118 - len(hdr)) + "\n"
open(f"{w}/huge.npy", "wb").write(b"\x93NUMPY\x01\x00" + len(hdr).to_bytes(2, "little") + hdr.encode())
PYEOF

for b in 1 4; do
  expect_exit 0 "run batch $b with --threads 2" -- "$FERRY" run "$WORK/cnn.onnx" --threads 2 --input x="$WORK/x$b.npy" --output-dir "$WORK/a$b"
  expect_exit 0 "run batch $b, FERRY_NUM_THREADS=2" -- env FERRY_NUM_THREADS=2 "$FERRY" run "$WORK/cnn.onnx" --input x="$WORK/x$b.npy" --output-dir "$WORK/b$b"
  if cmp -s "$WORK/a$b/y.npy" "$WORK/b$b/y.npy"; then pass "batch $b: bitwise identical outputs"; else fail "batch $b: outputs differ between runs"; fi
  if "$PY" -c "import numpy as np, sys; y = np.load('$WORK/a$b/y.npy'); sys.exit(0 if y.shape == ($b, 10) and np.allclose(y.sum(1), 1, atol=1e-5) else 1)"; then
    pass "batch $b: shape ($b, 10), rows sum to 1"; else fail "batch $b: wrong output"; fi
done

# bench --profile: one row per node that ran, each timed in every timed run, named as the
# graph (or its fused) nodes are; the rows add up to no more than a whole run.
expect_exit 0 "bench --profile" -- "$FERRY" bench "$WORK/cnn.onnx" --threads 2 --batch 4 --iters 7 --warmup 2 --profile --json "$WORK/prof.json"
if "$PY" - "$WORK/prof.json" <<'PYEOF'
import json, sys
j = json.load(open(sys.argv[1]))
nodes = j["nodes"]
names = {n["name"] for n in nodes}
ops = {n["op_type"] for n in nodes}
ok = (nodes and all(n["runs"] == 7 and n["median_us"] > 0 for n in nodes)
      and {"Conv", "Gemm"} <= ops and "conv" in names and "gemm" in names
      and sum(n["median_us"] for n in nodes) <= 1000 * j["p90_ms"] * 1.5)
sys.exit(0 if ok else 1)
PYEOF
then pass "bench --profile: every node timed in each of the 7 runs"; else fail "bench --profile: wrong per-node rows"; fi

expect_exit 2 "run: .npy too large to hold" -- "$FERRY" run "$WORK/cnn.onnx" --input x="$WORK/huge.npy" --output-dir "$WORK/h"
expect_one_line_error "huge.npy"
finish
