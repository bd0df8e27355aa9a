#!/usr/bin/env bash
# Bad input: a one-line error naming what is wrong, exit code 2, nothing half-written.
source "$(dirname "$0")/lib.sh"

# Training data.
expect_exit 2 "train: missing data folder" -- "$FERRY" train --data "$WORK/nowhere" --out "$WORK/r1"
expect_one_line_error "nowhere"
mkdir -p "$WORK/trunc"
cp /usr/share/datasets/fashion-mnist/*.gz "$WORK/trunc/"
head -c 5000 /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz > "$WORK/trunc/train-images-idx3-ubyte.gz"
expect_exit 2 "train: truncated IDX" -- "$FERRY" train --data "$WORK/trunc" --out "$WORK/r2"
expect_one_line_error "train-images-idx3-ubyte"
mkdir -p "$WORK/garbage"
cp /usr/share/datasets/fashion-mnist/*.gz "$WORK/garbage/"
rm "$WORK/garbage/train-labels-idx1-ubyte.gz"
head -c 3000 /dev/urandom > "$WORK/garbage/train-labels-idx1-ubyte"
expect_exit 2 "train: garbage IDX" -- "$FERRY" train --data "$WORK/garbage" --out "$WORK/r3"
expect_one_line_error "train-labels-idx1-ubyte"
rm "$WORK/garbage/train-labels-idx1-ubyte"
expect_exit 2 "train: missing IDX file" -- "$FERRY" train --data "$WORK/garbage" --out "$WORK/r4"
expect_one_line_error "train-labels-idx1-ubyte"

# Models.
expect_exit 2 "run: missing model" -- "$FERRY" run "$WORK/none.onnx"
expect_one_line_error "none.onnx"
head -c 300 /dev/urandom > "$WORK/garbage.onnx"
expect_exit 2 "inspect: garbage .onnx" -- "$FERRY" inspect "$WORK/garbage.onnx"
expect_one_line_error "garbage.onnx"

# A small valid model to cut and to feed wrong inputs.
"$PY" - "$WORK" <<'PYEOF'
import sys, numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
w = sys.argv[1]
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 3])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 3])
init = numpy_helper.from_array(np.arange(3, dtype=np.float32), "b")
idx = numpy_helper.from_array(np.zeros((1, 1, 1, 1), dtype=np.int64), "idx")
g = helper.make_graph([helper.make_node("Add", ["x", "b"], ["y"], name="add0")], "g", [x], [y], [init])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
onnx.save(m, f"{w}/add.onnx")
data = open(f"{w}/add.onnx", "rb").read()
open(f"{w}/truncated.onnx", "wb").write(data[: len(data) // 2])
# Unsupported ops: one custom-domain op neither the runtime nor the converter knows, with two
# the runtime has but the converter lacks (Unique, StringNormalizer: no TF.js form).
u = helper.make_graph([
    helper.make_node("Add", ["x", "b"], ["t"], name="add0"),
    helper.make_node("FancyOp", ["t"], ["u"], name="fancy0", domain="com.example"),
    helper.make_node("Unique", ["u"], ["v"], name="unique0"),
    helper.make_node("StringNormalizer", ["v"], ["y"], name="strnorm0"),
], "g", [x], [y], [init, idx])
onnx.save(helper.make_model(u, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("com.example", 1)]), f"{w}/unsupported.onnx")
np.save(f"{w}/x_ok.npy", np.ones((2, 3), np.float32))
np.save(f"{w}/x_rank.npy", np.ones((2, 3, 1), np.float32))
np.save(f"{w}/x_dtype.npy", np.ones((2, 3), np.float64))
# float64 in and out (through an int64 Cast, int32 in TF graphs): TF.js computes them as float32.
x64 = helper.make_tensor_value_info("x", TensorProto.DOUBLE, ["n", 3])
y64 = helper.make_tensor_value_info("y", TensorProto.DOUBLE, ["n", 3])
g64 = helper.make_graph([
    helper.make_node("Cast", ["x"], ["i"], name="to_int", to=TensorProto.INT64),
    helper.make_node("Cast", ["i"], ["y"], name="to_double", to=TensorProto.DOUBLE),
], "g", [x64], [y64])
onnx.save(helper.make_model(g64, opset_imports=[helper.make_opsetid("", 13)]), f"{w}/f64.onnx")
PYEOF
expect_exit 2 "inspect: truncated .onnx" -- "$FERRY" inspect "$WORK/truncated.onnx"
expect_one_line_error "truncated.onnx"
expect_exit 0 "run: a valid model" -- "$FERRY" run "$WORK/add.onnx" --input x="$WORK/x_ok.npy" --output-dir "$WORK/o"
expect_exit 2 "run: input of the wrong rank" -- "$FERRY" run "$WORK/add.onnx" --input x="$WORK/x_rank.npy" --output-dir "$WORK/o2"
expect_one_line_error "input 'x'"
expect_exit 2 "check: .npy of the wrong dtype" -- "$FERRY" check "$WORK/add.onnx" "$WORK/add.onnx" --input x="$WORK/x_dtype.npy"
expect_one_line_error "input 'x'.*float64"
expect_exit 2 "check: .npy of the wrong shape" -- "$FERRY" check "$WORK/add.onnx" "$WORK/add.onnx" --input x="$WORK/x_rank.npy"
expect_one_line_error "input 'x'"
[ ! -e "$WORK/o2" ] || [ -z "$(ls -A "$WORK/o2")" ] && pass "no output after a failed run" || fail "run left files in o2"

expect_exit 2 "convert: unsupported ops" -- "$FERRY" convert "$WORK/unsupported.onnx" -o "$WORK/sm_unsupported"
expect_one_line_error "StringNormalizer.*Unique.*FancyOp"
[ ! -e "$WORK/sm_unsupported" ] && pass "nothing written for an unsupported model" || fail "convert wrote $WORK/sm_unsupported"
expect_exit 2 "run: unsupported ops listed" -- "$FERRY" run "$WORK/unsupported.onnx"
expect_one_line_error "fancy0"

# convert --tfjs says where TF.js computes in another dtype than the TF graph.
expect_exit 0 "convert: float64 model to TF.js" -- "$FERRY" convert "$WORK/f64.onnx" --tfjs "$WORK/f64_js"
grep -q "note: input 'x' is float64: TF.js computes it as float32" "$WORK/out" \
  && pass "notes the float64 input" || { fail "no float64 input note:"; sed 's/^/    /' "$WORK/out"; }
grep -q "note: output 'y' is float64" "$WORK/out" \
  && pass "notes the float64 output" || { fail "no float64 output note:"; sed 's/^/    /' "$WORK/out"; }
expect_exit 0 "convert: float32 model to TF.js" -- "$FERRY" convert "$WORK/add.onnx" --tfjs "$WORK/add_js"
! grep -q "TF.js computes" "$WORK/out" && pass "no dtype note for float32" || fail "float32 model got a dtype note"

# Output folders.
mkdir -p "$WORK/occupied" && echo keep > "$WORK/occupied/file"
expect_exit 2 "convert: -o names a non-empty folder" -- "$FERRY" convert "$WORK/add.onnx" -o "$WORK/occupied"
expect_one_line_error "occupied.*--force"
[ "$(cat "$WORK/occupied/file")" = keep ] && pass "occupied folder untouched" || fail "occupied folder changed"
expect_exit 0 "convert: --force replaces it" -- "$FERRY" convert "$WORK/add.onnx" -o "$WORK/occupied" --force
[ -f "$WORK/occupied/saved_model.pb" ] && [ ! -e "$WORK/occupied/file" ] && pass "replaced by a SavedModel" || fail "force replace"

# An interrupted convert leaves no half-written SavedModel: kill it while it writes
# (SIGKILL at random points of a run on a model with a large constant).
"$PY" - "$WORK" <<'PYEOF'
import sys, numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
w = sys.argv[1]
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 4000000])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 4000000])
init = numpy_helper.from_array(np.ones(4000000, dtype=np.float32), "b")
g = helper.make_graph([helper.make_node("Add", ["x", "b"], ["y"], name="add0")], "g", [x], [y], [init])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), f"{w}/big.onnx")
PYEOF
for delay in 0.05 0.1 0.2 0.3; do
  rm -rf "$WORK/killed"
  "$FERRY" convert "$WORK/big.onnx" -o "$WORK/killed" --tfjs "$WORK/killed_js" >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"; kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  if [ -e "$WORK/killed" ] && [ ! -f "$WORK/killed/saved_model.pb" ]; then
    fail "killed after ${delay}s: half-written SavedModel"; else pass "killed after ${delay}s: SavedModel whole or absent"; fi
done

# libtorch is loaded only by the commands that need it, from libferry_torch.so beside the
# binary (src/torch/backend.h): ferry does not link it, runs ONNX models without the module,
# and a missing or broken module is a one-line error naming the file.
if readelf -d "$FERRY" | grep NEEDED | grep -qE 'libtorch|libc10'; then
  fail "ferry links libtorch: $(readelf -d "$FERRY" | grep NEEDED | grep -E 'libtorch|libc10' | tr -s ' ' | tr '\n' ' ')"
else pass "ferry does not link libtorch"; fi
expect_exit 0 "run .onnx without the libtorch module" -- env FERRY_TORCH_MODULE="$WORK/nowhere/libferry_torch.so" \
  "$FERRY" run "$WORK/add.onnx" --input x="$WORK/x_ok.npy" --output-dir "$WORK/o3"
expect_exit 2 "train: libtorch module missing" -- env FERRY_TORCH_MODULE="$WORK/nowhere/libferry_torch.so" \
  "$FERRY" train --data /usr/share/datasets/fashion-mnist --out "$WORK/r5" --max-steps 1
expect_one_line_error "nowhere/libferry_torch.so"
[ ! -e "$WORK/r5" ] && pass "nothing written without the module" || fail "train wrote $WORK/r5"
head -c 3000 /dev/urandom > "$WORK/broken.so"
touch "$WORK/empty.pt"
expect_exit 2 "check .pt: broken libtorch module" -- env FERRY_TORCH_MODULE="$WORK/broken.so" \
  "$FERRY" check "$WORK/empty.pt" "$WORK/add.onnx"
expect_one_line_error "broken.so"
mkdir -p "$WORK/bin" && cp "$FERRY" "$WORK/bin/ferry"
expect_exit 2 "export: no module beside a copied binary" -- "$WORK/bin/ferry" export "$WORK/none.pt" -o "$WORK/y.onnx"
expect_one_line_error "$WORK/bin/libferry_torch.so.*not found"

# Usage errors are bad input too.
expect_exit 2 "export: bad --batch" -- "$FERRY" export "$WORK/none.pt" -o "$WORK/x.onnx" --batch zero
expect_one_line_error "--batch"
expect_exit 2 "unknown flag" -- "$FERRY" run --bogus
finish
