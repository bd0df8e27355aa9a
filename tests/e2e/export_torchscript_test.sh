#!/usr/bin/env bash
# ferry export on TorchScript files traced at test time by Debian's torch 1.13
# (bench/export/make_models.py): for each model, the exported ONNX passes the onnx checker
# (ferry export runs it), `ferry check model.pt model.onnx` agrees with libtorch within
# atol 1e-4 / rtol 1e-3, and onnxruntime-node agrees with the outputs Python computed.
# FERRY_EXPORT_MODELS overrides the list (bench/export/make_models.py OUT list names them all).
source "$(dirname "$0")/lib.sh"
models="${FERRY_EXPORT_MODELS:-resnet18 mobilenet_v2 lstm gru transformer_encoder embedding upsample_convtranspose}"
expect_exit 0 "trace fixtures with torch 1.13" -- "$PY" "$SRC/bench/export/make_models.py" "$WORK" $models
for m in $models; do
  d="$WORK/$m"
  # shellcheck disable=SC2046
  expect_exit 0 "$m: ferry export" -- "$FERRY" export "$d/model.pt" -o "$d/model.onnx" $(cat "$d/flags")
  # libtorch's side of `ferry check` takes float32 inputs (a TorchScript file does not declare
  # dtypes); a model with integer inputs is checked with the ONNX model as A.
  a="$d/model.pt"; b="$d/model.onnx"
  grep -q int "$d/flags" && { a="$d/model.onnx"; b="$d/model.pt"; }
  # shellcheck disable=SC2046
  expect_exit 0 "$m: ferry check (ferry runtime vs libtorch)" -- "$FERRY" check "$a" "$b" \
    --atol 1e-4 --rtol 1e-3 $(sed 's/\([^ ]*\)/--input \1/g' "$d/inputs")
  n=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['outputs'])" "$d/meta.json")
  # shellcheck disable=SC2046
  expect_exit 0 "$m: onnxruntime-node" -- node "$ORACLES/run_onnx.js" "$d/model.onnx" "$d/ort" $(cat "$d/inputs")
  for ((i = 0; i < n; i++)); do
    allclose "$d/output_$i.npy" "$d/ort/output_$i.npy" 1e-4 1e-3 "$m output_$i: onnxruntime vs torch"
  done
done
# --dynamic-batch: traced at batch 1 or 2, run at batch 3 (shapes computed from Shape ops).
for m in resnet18 transformer_encoder lstm; do
  case " $models " in *" $m "*) ;; *) continue ;; esac
  d="$WORK/$m"
  # shellcheck disable=SC2046
  expect_exit 0 "$m: export --dynamic-batch" -- "$FERRY" export "$d/model.pt" -o "$d/dyn.onnx" --dynamic-batch $(cat "$d/flags")
  expect_exit 0 "$m: batch 3 against libtorch" -- "$FERRY" check "$d/dyn.onnx" "$d/model.pt" --batch 3 --atol 1e-4 --rtol 1e-3
done
# opset 17 writes LayerNormalization (below 17 it is written out with ReduceMean).
for m in transformer_encoder; do
  case " $models " in *" $m "*) ;; *) continue ;; esac
  d="$WORK/$m"
  # shellcheck disable=SC2046
  expect_exit 0 "$m: export --opset 17" -- "$FERRY" export "$d/model.pt" -o "$d/o17.onnx" --opset 17 $(cat "$d/flags")
  # shellcheck disable=SC2046
  expect_exit 0 "$m opset 17: check" -- "$FERRY" check "$d/model.pt" "$d/o17.onnx" --atol 1e-4 --rtol 1e-3 $(sed 's/\([^ ]*\)/--input \1/g' "$d/inputs")
done
finish
