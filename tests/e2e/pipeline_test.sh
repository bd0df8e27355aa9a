#!/usr/bin/env bash
# The guide's pipeline end to end on a short training run, each hop checked by ferry and
# by the independent oracles (onnxruntime-node for ONNX, TensorFlow.js for the TF.js model).
source "$(dirname "$0")/lib.sh"

expect_exit 0 "train 300 steps" -- "$FERRY" train --max-steps 300 --val-split 1000 --out "$WORK/run"
grep -q "^step,epoch,train_loss,train_loss_epoch,val_loss,val_acc" "$WORK/run/metrics.csv" \
  && pass "metrics.csv header" || fail "metrics.csv header: $(head -1 "$WORK/run/metrics.csv")"
acc=$(grep -oE "t10k accuracy [0-9.]+" "$WORK/out" | awk '{print $3}')
"$PY" -c "import sys; sys.exit(0 if float('$acc') > 0.70 else 1)" \
  && pass "300 steps reach t10k accuracy $acc > 0.70" || fail "t10k accuracy $acc"

expect_exit 0 "export dynamic batch" -- "$FERRY" export "$WORK/run/model.pt" -o "$WORK/model.onnx"
"$PY" - "$WORK/model.onnx" <<'PYEOF' && pass "onnx checker, shape inference, names, dynamic batch" || fail "onnx file"
import sys, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
onnx.shape_inference.infer_shapes(m, strict_mode=True)
assert [i.name for i in m.graph.input] == ["input"], m.graph.input
assert [o.name for o in m.graph.output] == ["output"]
d = m.graph.input[0].type.tensor_type.shape.dim
assert d[0].dim_param and not d[0].dim_value, d
assert [x.dim_value for x in d[1:]] == [1, 28, 28]
assert len(m.graph.initializer) == 8
PYEOF
expect_exit 0 "export fixed batch 4, opset 17" -- "$FERRY" export "$WORK/run/model.pt" -o "$WORK/b4.onnx" --batch 4 --opset 17

expect_exit 0 "check torch vs onnx" -- "$FERRY" check "$WORK/run/model.pt" "$WORK/model.onnx" --batch 5 --json "$WORK/check.json"
grep -q '"pass": true' "$WORK/check.json" && pass "check JSON says pass" || fail "check JSON"

expect_exit 0 "convert to SavedModel, frozen pb, TF.js" -- "$FERRY" convert "$WORK/model.onnx" -o "$WORK/sm" --frozen-pb "$WORK/model.pb" --tfjs "$WORK/tfjs"
[ -f "$WORK/sm/saved_model.pb" ] && [ -d "$WORK/sm/variables" ] && pass "SavedModel layout" || fail "SavedModel layout"
# The one-channel NCHW input becomes NHWC by a Reshape (a Transpose that moves only a size-1
# axis is one), so the graph has no Transpose at all.
grep -q "(0 Transpose)" "$WORK/out" && pass "no Transpose in the TF graph" || fail "transposes: $(cat "$WORK/out")"
for m in "$WORK/sm" "$WORK/model.pb" "$WORK/tfjs"; do
  expect_exit 0 "check onnx vs $(basename "$m")" -- "$FERRY" check "$WORK/model.onnx" "$m" --batch 3
done

# Independent oracles on the same input at batch 3.
"$PY" -c "import numpy as np; np.save('$WORK/x.npy', np.random.RandomState(1).rand(3,1,28,28).astype(np.float32))"
expect_exit 0 "ferry run onnx" -- "$FERRY" run "$WORK/model.onnx" --input input="$WORK/x.npy" --output-dir "$WORK/ferry_onnx"
expect_exit 0 "ferry run tfjs" -- "$FERRY" run "$WORK/tfjs" --input input="$WORK/x.npy" --output-dir "$WORK/ferry_tfjs"
expect_exit 0 "onnxruntime-node runs our ONNX" -- node "$ORACLES/run_onnx.js" "$WORK/model.onnx" "$WORK/ort" input="$WORK/x.npy"
allclose "$WORK/ort/output.npy" "$WORK/ferry_onnx/output.npy" 1e-4 0 "ferry ONNX runtime vs onnxruntime"
expect_exit 0 "TensorFlow.js runs our TF.js model" -- node "$ORACLES/run_tfjs.js" "$WORK/tfjs" "$WORK/tfjs_out" input="$WORK/x.npy"
allclose "$WORK/tfjs_out/output.npy" "$WORK/ferry_tfjs/output.npy" 1e-4 0 "ferry TF runtime vs TensorFlow.js"
allclose "$WORK/ort/output.npy" "$WORK/tfjs_out/output.npy" 1e-4 0 "onnxruntime vs TensorFlow.js"
finish
