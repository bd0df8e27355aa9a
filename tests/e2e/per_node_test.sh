#!/usr/bin/env bash
# ferry check --per-node and the convert options of issue 4: a small convnet written by the
# onnx Python helper is converted to every TF format and checked node by node; a model whose
# conversion is wrong at one node (an activation swapped) must be pinned to that node;
# --input-layout NHWC, --keep-nchw and --overwrite-input-shape convert and check.
source "$(dirname "$0")/lib.sh"

"$PY" - "$WORK" <<'PYEOF'
import sys, numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto as T
w = sys.argv[1]
def model(act, path):
    r = np.random.RandomState(0)
    init = [numpy_helper.from_array(a.astype(np.float32), n) for n, a in [
        ("w1", r.randn(6, 3, 3, 3) * 0.3), ("b1", r.randn(6)), ("w2", r.randn(4, 6, 3, 3) * 0.3),
        ("b2", r.randn(4)), ("fw", r.randn(5, 4)), ("fb", r.randn(5))]]
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node(act, ["c1"], ["a1"], name="act1"),
        helper.make_node("Conv", ["a1", "w2", "b2"], ["c2"], name="conv2", strides=[2, 2]),
        helper.make_node("Sigmoid", ["c2"], ["a2"], name="act2"),
        helper.make_node("GlobalAveragePool", ["a2"], ["p"], name="gap"),
        helper.make_node("Flatten", ["p"], ["f"], name="flat"),
        helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], name="fc", transB=1),
    ]
    g = helper.make_graph(nodes, "net", [helper.make_tensor_value_info("x", T.FLOAT, ["batch", 3, 8, 8])],
                          [helper.make_tensor_value_info("y", T.FLOAT, ["batch", 5])], init)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), path)
model("Relu", f"{w}/net.onnx")
model("Elu", f"{w}/net_elu.onnx")  # same value names, act1 differs: a planted converter bug
PYEOF

expect_exit 0 "convert to SavedModel, frozen .pb and TF.js" -- \
  "$FERRY" convert "$WORK/net.onnx" -o "$WORK/sm" --frozen-pb "$WORK/net.pb" --tfjs "$WORK/tfjs"
for out in sm net.pb tfjs; do
  expect_exit 0 "check --per-node onnx vs $out" -- \
    "$FERRY" check "$WORK/net.onnx" "$WORK/$out" --per-node --json "$WORK/$out.json" --html "$WORK/$out.html"
  grep -q "per-node: 8 values compared" "$WORK/out" && pass "$out: 8 values compared" \
    || fail "$out: $(grep per-node "$WORK/out")"
  "$PY" -c "import json,sys; j=json.load(open(sys.argv[1])); assert len(j['nodes']) == 8 and j['first_failing_node'] is None and all(n['pass'] for n in j['nodes']), j" "$WORK/$out.json" \
    && pass "$out: --json lists every node" || fail "$out: --json nodes"
  grep -q 'id="nodes"' "$WORK/$out.html" && pass "$out: --html has the per-node table" || fail "$out: --html"
done

expect_exit 0 "convert the model with a wrong activation" -- "$FERRY" convert "$WORK/net_elu.onnx" -o "$WORK/sm_elu"
expect_exit 1 "check --per-node finds the mismatch" -- \
  "$FERRY" check "$WORK/net.onnx" "$WORK/sm_elu" --per-node --json "$WORK/elu.json"
grep -q "first node outside the tolerance: Relu 'act1'" "$WORK/out" && pass "act1 named first" \
  || fail "first failing node: $(grep -i 'first node' "$WORK/out")"
"$PY" -c "import json,sys; j=json.load(open(sys.argv[1])); assert j['first_failing_node'] == 'act1', j['first_failing_node']" "$WORK/elu.json" \
  && pass "--json first_failing_node is act1" || fail "--json first_failing_node"

expect_exit 2 "--per-node wants an ONNX A" -- "$FERRY" check "$WORK/sm" "$WORK/tfjs" --per-node
expect_one_line_error "per-node: A must be an ONNX model"

expect_exit 0 "convert --input-layout NHWC" -- \
  "$FERRY" convert "$WORK/net.onnx" -o "$WORK/sm_nhwc" --input-layout NHWC
grep -q "(0 Transpose)" "$WORK/out" && pass "NHWC input: no Transpose" || fail "$(head -1 "$WORK/out")"
expect_exit 0 "check onnx vs NHWC-input SavedModel (input transposed for B)" -- \
  "$FERRY" check "$WORK/net.onnx" "$WORK/sm_nhwc" --per-node --batch 2

expect_exit 0 "convert --keep-nchw" -- "$FERRY" convert "$WORK/net.onnx" -o "$WORK/sm_nchw" --keep-nchw
grep -q "(6 Transpose)" "$WORK/out" && pass "keep-nchw: a Transpose pair around conv1, conv2, gap" \
  || fail "$(head -1 "$WORK/out")"
expect_exit 0 "check onnx vs --keep-nchw SavedModel" -- \
  "$FERRY" check "$WORK/net.onnx" "$WORK/sm_nchw" --per-node

expect_exit 0 "convert --overwrite-input-shape" -- \
  "$FERRY" convert "$WORK/net.onnx" -o "$WORK/sm_fixed" --overwrite-input-shape x:2,3,8,8
expect_exit 0 "inspect the fixed-shape SavedModel" -- "$FERRY" inspect "$WORK/sm_fixed" --format json
grep -q '2,3,8,8\|\[2, *3, *8, *8\]' "$WORK/out" && pass "signature shape is [2,3,8,8]" \
  || fail "fixed shape not in: $(grep -m3 -i shape "$WORK/out")"
expect_exit 2 "--overwrite-input-shape with a wrong rank" -- \
  "$FERRY" convert "$WORK/net.onnx" -o "$WORK/sm_bad" --overwrite-input-shape x:2,3
expect_one_line_error "input 'x' has rank 4, not 2"
[ ! -e "$WORK/sm_bad" ] && pass "nothing written" || fail "wrote $WORK/sm_bad"
finish
