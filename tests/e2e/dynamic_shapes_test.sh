#!/usr/bin/env bash
# Dynamic batch through conversion (issue 4): a tiny ViT-like model (tests/fixtures/
# export_class_token.py: class-token expand(batch, -1, -1), torch.zeros(batch, ...), reshapes
# by batch) exported by torch 1.13 with a dynamic batch, converted without
# --overwrite-input-shape, then run at batch 1 and 3 by ferry's TF runtime (SavedModel and
# TF.js) and by TensorFlow.js, each against ferry's ONNX runtime and PyTorch.
source "$(dirname "$0")/lib.sh"
d="$WORK/ct"
expect_exit 0 "export with torch 1.13" -- "$PY" "$SRC/tests/fixtures/export_class_token.py" "$d"
expect_exit 0 "convert (no pinned shapes)" -- "$FERRY" convert "$d/model.onnx" -o "$d/sm" --tfjs "$d/tfjs"
# The signature keeps the batch dynamic.
if "$PY" - "$d/tfjs/model.json" <<'PYEOF' >"$WORK/cmp" 2>&1; then pass "TF.js signature input is [-1,3,16,16]"; else fail "signature: $(cat "$WORK/cmp")"; fi
import json, sys
m = json.load(open(sys.argv[1]))
dims = [int(x["size"]) for x in m["signature"]["inputs"]["input"]["tensorShape"]["dim"]]
assert dims == [-1, 3, 16, 16], dims
PYEOF
for b in 1 3; do
  x="$d/input_b$b.npy"
  expect_exit 0 "b$b: ferry run onnx" -- "$FERRY" run "$d/model.onnx" --input input="$x" --output-dir "$d/onnx_$b"
  allclose "$d/output_torch_b$b.npy" "$d/onnx_$b/output.npy" 1e-5 1e-4 "b$b: ferry onnx vs torch"
  expect_exit 0 "b$b: ferry run savedmodel" -- "$FERRY" run "$d/sm" --input input="$x" --output-dir "$d/sm_$b"
  allclose "$d/onnx_$b/output.npy" "$d/sm_$b/output.npy" 1e-5 1e-4 "b$b: ferry TF (SavedModel) vs ferry onnx"
  expect_exit 0 "b$b: TensorFlow.js" -- node "$ORACLES/run_tfjs.js" "$d/tfjs" "$d/tfjs_$b" input="$x"
  allclose "$d/onnx_$b/output.npy" "$d/tfjs_$b/output.npy" 1e-5 1e-4 "b$b: TensorFlow.js vs ferry onnx"
done
finish
