#!/usr/bin/env bash
# Self-test of the oracles: proves each independent executor runs and agrees with NumPy before
# any ferry test trusts it.
#   tests/oracles/selftest.sh npy|onnx|tfjs|tfjs_wasm|bench|errors
# Fails (never skips) when node_modules is missing: the oracles are part of the test suite.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode="${1:?usage: selftest.sh npy|onnx|tfjs|tfjs_wasm|bench|errors}"
py=/usr/bin/python3  # Debian's, which has numpy and onnx (FACTS.md)

if [ ! -d "$here/node_modules/onnxruntime-node" ] ||
   [ ! -d "$here/node_modules/@tensorflow/tfjs" ]; then
  echo "FAIL: $here/node_modules is missing; run scripts/install-deps.sh" \
       "(npm ci --ignore-scripts in tests/oracles)" >&2
  exit 1
fi

if ! command -v node >/dev/null; then
  echo "FAIL: node is not on PATH; run scripts/install-deps.sh" >&2
  exit 1
fi
tmp="$(mktemp -d "${TMPDIR:-/tmp}/ferry_oracle_${mode}.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
"$py" "$here/make_selftest_models.py" "$tmp"

# compare.py: allclose of every expected file against the oracle's file of the same name,
# with exact dtype and shape; prints the max abs error per output.
compare() {  # compare OUTDIR name:expected_name...
  local out="$1"; shift
  "$py" - "$tmp/expected" "$out" "$@" <<'EOF'
import sys
import numpy as np
expected_dir, out_dir, *pairs = sys.argv[1:]
for pair in pairs:
    got_name, exp_name = pair.split(":")
    got = np.load(f"{out_dir}/{got_name}.npy")
    exp = np.load(f"{expected_dir}/{exp_name}.npy")
    assert got.dtype == exp.dtype, f"{got_name}: dtype {got.dtype}, expected {exp.dtype}"
    assert got.shape == exp.shape, f"{got_name}: shape {got.shape}, expected {exp.shape}"
    diff = np.abs(got.astype(np.float64) - exp.astype(np.float64))
    err = float(diff.max()) if got.size else 0.0
    assert np.allclose(got, exp, rtol=1e-5, atol=1e-6), f"{got_name}: max abs error {err}"
    print(f"{got_name}: {got.dtype}{list(got.shape)} max_abs_err={err:.3g} OK")
EOF
}

case "$mode" in
  npy)
    # numpy writes, npy.js reads and writes back, numpy checks dtype, shape and every value.
    node -e '
      const npy = require(process.argv[1] + "/npy.js");
      const fs = require("fs");
      const [src, dst] = process.argv.slice(2);
      fs.mkdirSync(dst);
      for (const f of fs.readdirSync(src)) {
        const a = npy.readNpy(`${src}/${f}`);
        if (a.dtype === "int64" && typeof a.data[0] !== "bigint") {
          throw new Error("int64 data is not a BigInt64Array");
        }
        npy.writeNpy(`${dst}/${f}`, a);
      }' "$here" "$tmp/npy" "$tmp/npy_js"
    "$py" - "$tmp/npy" "$tmp/npy_js" <<'EOF'
import os, sys
import numpy as np
src, dst = sys.argv[1:]
names = sorted(os.listdir(src))
assert names == sorted(os.listdir(dst)), (names, os.listdir(dst))
for f in names:
    a, b = np.load(f"{src}/{f}"), np.load(f"{dst}/{f}")
    assert a.dtype == b.dtype and a.shape == b.shape and (a == b).all(), (f, a, b)
    print(f"{f}: {b.dtype}{list(b.shape)} round trip OK")
EOF
    ;;
  onnx)
    node "$here/run_onnx.js" "$tmp/onnx/model.onnx" "$tmp/out" \
         "x=$tmp/inputs/x.npy" "idx=$tmp/inputs/idx.npy"
    compare "$tmp/out" y:y idx_sum:idx_sum idx32:idx32
    ;;
  tfjs|tfjs_wasm)
    [ "$mode" = tfjs_wasm ] && export FERRY_TFJS_BACKEND=wasm
    # Signature keys for one input, a Placeholder name for the other; int64 idx is cast to int32.
    node "$here/run_tfjs.js" "$tmp/tfjs" "$tmp/out" \
         "features=$tmp/inputs/x.npy" "idx=$tmp/inputs/idx.npy"
    compare "$tmp/out" scores:y idx_sum:idx_sum_int32
    # No signature: fed by Placeholder name, output named after its node.
    node "$here/run_tfjs.js" "$tmp/tfjs_conv" "$tmp/out_conv" "image=$tmp/inputs/image.npy"
    compare "$tmp/out_conv" relu:conv_relu
    ;;
  bench)
    json="$(node "$here/bench_ort.js" "$tmp/onnx/model.onnx" --threads 1 --iters 20 --warmup 2 \
            "x=$tmp/inputs/x.npy" "idx=$tmp/inputs/idx.npy")"
    echo "$json"
    "$py" -c "
import json, sys
r = json.loads(sys.argv[1])
assert 0 < r['p10_ms'] <= r['median_ms'] <= r['p90_ms'], r
assert r['iters'] == 20 and r['threads'] == 1, r
assert 'nodes' not in r, r
print('bench_ort.js OK')" "$json"
    # --profile: onnxruntime's per-node times, every node with a time, no profile file left.
    json="$(TMPDIR="$tmp" node "$here/bench_ort.js" "$tmp/onnx/model.onnx" --threads 1 --iters 5 \
            --warmup 2 --profile "x=$tmp/inputs/x.npy" "idx=$tmp/inputs/idx.npy")"
    "$py" -c "
import json, sys, os, glob
r = json.loads(sys.argv[1])
nodes = r['nodes']
assert nodes and all(n['median_us'] >= 0 and n['name'] and n['op_type'] for n in nodes), r
assert not glob.glob(os.path.join(sys.argv[2], 'ort-profile-*')), 'profile left behind'
print('bench_ort.js --profile OK:', len(nodes), 'nodes')" "$json" "$tmp"
    ;;
  errors)
    # Every failure is exit status 2 with exactly one line on stderr.
    expect_fail() {  # expect_fail "substring" command...
      local want="$1"; shift
      set +e
      "$@" >"$tmp/stdout" 2>"$tmp/stderr"
      local rc=$?
      set -e
      local lines; lines=$(wc -l <"$tmp/stderr")
      if [ "$rc" != 2 ] || [ "$lines" != 1 ] || ! grep -qF -- "$want" "$tmp/stderr"; then
        echo "FAIL: '$*' gave rc=$rc, $lines stderr lines, wanted rc=2 and '$want':" >&2
        cat "$tmp/stderr" >&2
        exit 1
      fi
      echo "rc=2: $(cat "$tmp/stderr")"
    }
    printf 'not a model' >"$tmp/bad.onnx"
    printf 'this is not a .npy file' >"$tmp/bad.npy"
    expect_fail "no such file" node "$here/run_onnx.js" "$tmp/absent.onnx" "$tmp/out"
    expect_fail "cannot load the model" node "$here/run_onnx.js" "$tmp/bad.onnx" "$tmp/out"
    expect_fail "missing inputs idx" node "$here/run_onnx.js" "$tmp/onnx/model.onnx" "$tmp/out" \
      "x=$tmp/inputs/x.npy"
    expect_fail "has no input 'nope'" node "$here/run_onnx.js" "$tmp/onnx/model.onnx" "$tmp/out" \
      "nope=$tmp/inputs/x.npy"
    expect_fail "bad magic" node "$here/run_onnx.js" "$tmp/onnx/model.onnx" "$tmp/out" \
      "x=$tmp/bad.npy"
    expect_fail "no such file" node "$here/run_tfjs.js" "$tmp/absent" "$tmp/out"
    expect_fail "missing inputs idx" node "$here/run_tfjs.js" "$tmp/tfjs" "$tmp/out" \
      "features=$tmp/inputs/x.npy"
    "$py" -c "import numpy as np; np.save('$tmp/big.npy', np.array([2**40, 0, 0, 0, 0]))"
    expect_fail "does not fit TF.js's int32" node "$here/run_tfjs.js" "$tmp/tfjs" "$tmp/out" \
      "features=$tmp/inputs/x.npy" "idx=$tmp/big.npy"
    expect_fail "--iters needs a positive integer" node "$here/bench_ort.js" \
      "$tmp/onnx/model.onnx" --iters 0
    ;;
  *)
    echo "unknown mode '$mode'" >&2
    exit 1
    ;;
esac
