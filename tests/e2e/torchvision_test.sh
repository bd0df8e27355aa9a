#!/usr/bin/env bash
# torchvision's resnet18 and mobilenet_v2 (random weights, dynamic batch, exported by Debian's
# torch 1.13 at test time): ferry's ONNX runtime against onnxruntime-node and PyTorch, then
# convert, and ferry's TF runtime on the TF.js output against TensorFlow.js, at batch 1 and 3;
# then the same for a UNet-style model (tests/fixtures/export_unet.py).
source "$(dirname "$0")/lib.sh"
models="${FERRY_TORCHVISION_MODELS:-resnet18 mobilenet_v2}"
for m in $models; do
  d="$WORK/$m"
  expect_exit 0 "$m: export with torch 1.13" -- "$PY" "$SRC/tests/fixtures/export_torchvision.py" "$d" --model "$m" --dynamic-batch
  expect_exit 0 "$m: convert" -- "$FERRY" convert "$d/model.onnx" -o "$d/sm" --tfjs "$d/tfjs"
  # One Transpose for the one 4-D input, no other.
  grep -q "(1 Transpose)" "$WORK/out" && pass "$m: exactly one Transpose" || fail "$m: $(head -1 "$WORK/out")"
  for b in 1 3; do
    x="$d/input_b$b.npy"
    expect_exit 0 "$m b$b: ferry run onnx" -- "$FERRY" run "$d/model.onnx" --input input="$x" --output-dir "$d/f_onnx_$b"
    expect_exit 0 "$m b$b: onnxruntime-node" -- node "$ORACLES/run_onnx.js" "$d/model.onnx" "$d/ort_$b" input="$x"
    allclose "$d/ort_$b/output.npy" "$d/f_onnx_$b/output.npy" 1e-4 0 "$m b$b: ferry onnx vs onnxruntime"
    allclose "$d/output_torch_b$b.npy" "$d/f_onnx_$b/output.npy" 1e-4 1e-3 "$m b$b: ferry onnx vs torch"
    expect_exit 0 "$m b$b: ferry run tfjs" -- "$FERRY" run "$d/tfjs" --input input="$x" --output-dir "$d/f_tfjs_$b"
    expect_exit 0 "$m b$b: TensorFlow.js" -- node "$ORACLES/run_tfjs.js" "$d/tfjs" "$d/tfjs_$b" input="$x"
    allclose "$d/tfjs_$b/output.npy" "$d/f_tfjs_$b/output.npy" 1e-4 0 "$m b$b: ferry TF vs TensorFlow.js"
    expect_exit 0 "$m b$b: check onnx vs savedmodel" -- "$FERRY" check "$d/model.onnx" "$d/sm" --input input="$x" --atol 1e-4
  done
done
# A UNet-style model (MaxPool, ConvTranspose, bilinear Upsample, Concat; no torchvision
# classifier has ConvTranspose): 4-D input and 4-D output, so exactly two Transposes.
d="$WORK/unet"
expect_exit 0 "unet: export with torch 1.13" -- "$PY" "$SRC/tests/fixtures/export_unet.py" "$d" --dynamic-batch
expect_exit 0 "unet: convert" -- "$FERRY" convert "$d/model.onnx" -o "$d/sm" --tfjs "$d/tfjs"
grep -q "(2 Transpose)" "$WORK/out" && pass "unet: exactly two Transposes" || fail "unet: $(head -1 "$WORK/out")"
for b in 1 3; do
  x="$d/input_b$b.npy"
  expect_exit 0 "unet b$b: ferry run tfjs" -- "$FERRY" run "$d/tfjs" --input input="$x" --output-dir "$d/f_tfjs_$b"
  allclose "$d/output_torch_b$b.npy" "$d/f_tfjs_$b/output.npy" 1e-4 1e-3 "unet b$b: ferry TF vs torch"
  expect_exit 0 "unet b$b: TensorFlow.js" -- node "$ORACLES/run_tfjs.js" "$d/tfjs" "$d/tfjs_$b" input="$x"
  allclose "$d/tfjs_$b/output.npy" "$d/f_tfjs_$b/output.npy" 1e-4 0 "unet b$b: ferry TF vs TensorFlow.js"
done
finish
