#!/usr/bin/env bash
# ferry export MNIST.ckpt --arch simplecnn: a checkpoint with Lightning's structure (state_dict
# 'model.conv1.weight' ..., optimizer state, loops, callbacks, hyper_parameters), written by
# torch 1.13 at test time; the ONNX export matches the Python model's outputs in ferry's
# runtime and in onnxruntime-node.
source "$(dirname "$0")/lib.sh"
d="$WORK/pl"
expect_exit 0 "write a Lightning-style checkpoint" -- "$PY" "$SRC/bench/export/make_lightning_ckpt.py" "$d"
expect_exit 0 "ferry export --arch simplecnn" -- "$FERRY" export "$d/MNIST.ckpt" --arch simplecnn -o "$d/model.onnx"
expect_exit 0 "ferry run" -- "$FERRY" run "$d/model.onnx" --input input="$d/input.npy" --output-dir "$d/ferry"
allclose "$d/output.npy" "$d/ferry/output.npy" 1e-4 1e-3 "ferry runtime vs Python model"
expect_exit 0 "onnxruntime-node" -- node "$ORACLES/run_onnx.js" "$d/model.onnx" "$d/ort" input="$d/input.npy"
allclose "$d/output.npy" "$d/ort/output.npy" 1e-4 1e-3 "onnxruntime vs Python model"
expect_exit 2 "unknown --arch refused" -- "$FERRY" export "$d/MNIST.ckpt" --arch resnet -o "$d/x.onnx"
expect_one_line_error "--arch resnet is not known"
[ ! -e "$d/x.onnx" ] && pass "nothing written" || fail "x.onnx was written"
finish
