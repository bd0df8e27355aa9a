#!/usr/bin/env bash
# ferry export's refusals: a TorchScript module with aten ops ferry does not map gets one
# error line listing every such op kind with the Python line that made it, exit 2, and no
# file; a missing --input-shape is refused the same way.
source "$(dirname "$0")/lib.sh"
expect_exit 0 "trace the fixture" -- "$PY" "$SRC/bench/export/make_models.py" "$WORK" unsupported
d="$WORK/unsupported"
expect_exit 2 "unsupported ops: exit 2" -- "$FERRY" export "$d/model.pt" -o "$d/model.onnx" --input-shape 2,5
expect_one_line_error "2 unsupported aten ops: aten::cumsum \(.*make_models.py:[0-9]+\); aten::erfinv \(.*make_models.py:[0-9]+\)"
[ ! -e "$d/model.onnx" ] && pass "nothing written" || fail "model.onnx was written"
expect_exit 2 "no --input-shape: exit 2" -- "$FERRY" export "$d/model.pt" -o "$d/model.onnx"
expect_one_line_error "give one --input-shape per forward input"
expect_exit 2 "two shapes for one input: exit 2" -- "$FERRY" export "$d/model.pt" -o "$d/model.onnx" --input-shape 2,5 --input-shape 2,5
expect_one_line_error "forward takes 1 tensors, got 2 input shapes"
expect_exit 2 "opset 12 refused" -- "$FERRY" export "$d/model.pt" -o "$d/model.onnx" --input-shape 2,5 --opset 12
expect_one_line_error "opsets 13 to 17"
[ ! -e "$d/model.onnx" ] && pass "still nothing written" || fail "model.onnx was written"
finish
