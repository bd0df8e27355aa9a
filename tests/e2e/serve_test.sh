#!/usr/bin/env bash
# ferry serve end to end: a SimpleCNN exported by PyTorch at test time, served over loopback
# and queried with curl in TF Serving's and KServe's formats; answers compared with PyTorch.
# Then a SavedModel version hot-loaded, a corrupt version refused, bad requests, SIGTERM.
source "$(dirname "$0")/lib.sh"

mkdir -p "$WORK/models/cnn/1"
"$PY" - "$WORK" <<'PYEOF' && pass "SimpleCNN exported by PyTorch, requests written" || fail "export"
import json, sys
import numpy as np, torch, torch.nn as nn
work = sys.argv[1]
torch.manual_seed(0)

class SimpleCNN(nn.Module):  # the guide's network (src/torch/simple_cnn.cc)
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 5, stride=2)
        self.conv2 = nn.Conv2d(32, 64, 5, stride=2)
        self.fc = nn.Sequential(nn.Linear(1024, 512), nn.ReLU(), nn.Dropout(0.5), nn.Linear(512, 10))
    def forward(self, x):
        x = torch.flatten(self.conv2(self.conv1(x)), 1).relu()
        return torch.log_softmax(self.fc(x), -1)

m = SimpleCNN().eval()
torch.onnx.export(m, torch.zeros(1, 1, 28, 28), f"{work}/models/cnn/1/model.onnx",
                  input_names=["input"], output_names=["output"],
                  dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=13)
x = np.random.RandomState(3).rand(3, 1, 28, 28).astype(np.float32)
with torch.no_grad():
    y = m(torch.from_numpy(x)).numpy()
np.save(f"{work}/expected.npy", y)
json.dump({"instances": x.tolist()}, open(f"{work}/row.json", "w"))
json.dump({"inputs": {"input": x.tolist()}}, open(f"{work}/col.json", "w"))
json.dump({"inputs": [{"name": "input", "shape": list(x.shape), "datatype": "FP32",
                       "data": x.reshape(-1).tolist()}]}, open(f"{work}/v2.json", "w"))
PYEOF

# Compares a JSON answer's tensor (jq-like path given in Python) with expected.npy.
close_to_torch() {  # FILE PYEXPR DESC
  if "$PY" - "$WORK" "$1" "$2" <<'PYEOF' >"$WORK/cmp" 2>&1; then pass "$3: $(cat "$WORK/cmp")"; else fail "$3: $(cat "$WORK/cmp")"; fi
import json, sys
import numpy as np
work, path, expr = sys.argv[1:]
j = json.load(open(path))
got = np.array(eval(expr, {"j": j, "np": np}), dtype=np.float32)
want = np.load(f"{work}/expected.npy")
assert got.shape == want.shape, f"shape {got.shape} vs {want.shape}"
print(f"max_abs {np.abs(got - want).max():.2e}", end="")
np.testing.assert_allclose(got, want, atol=1e-4, rtol=1e-4)
PYEOF
}

# http CODE_WANTED DESC METHOD PATH [BODY_FILE]: curl on loopback; the body lands in $WORK/resp.
http() {
  local want="$1" desc="$2" method="$3" path="$4" body="${5:-}"
  local args=(-s -o "$WORK/resp" -w "%{http_code}" -X "$method" "http://127.0.0.1:$PORT$path")
  [ -n "$body" ] && args+=(-H "Content-Type: application/json" --data-binary "@$body")
  local got; got=$(curl "${args[@]}") || true
  if [ "$got" = "$want" ]; then pass "$desc ($got)"; else fail "$desc: HTTP $got, expected $want: $(head -c 300 "$WORK/resp")"; fi
}

"$FERRY" serve --model_name cnn --model_base_path "$WORK/models/cnn" --rest_api_port 0 \
  --file_system_poll_wait_seconds 1 --max_body_bytes 2000000 >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=
for _ in $(seq 1 100); do
  PORT=$(grep -oE "listening on http://127.0.0.1:[0-9]+" "$WORK/serve.out" 2>/dev/null | grep -oE "[0-9]+$" || true)
  [ -n "$PORT" ] && break
  kill -0 $SERVER 2>/dev/null || break
  sleep 0.2
done
if [ -z "$PORT" ]; then fail "server did not start: $(cat "$WORK/serve.err")"; finish; exit 1; fi
pass "server listening on 127.0.0.1:$PORT"

http 200 "ready" GET /v2/health/ready
http 200 "model status" GET /v1/models/cnn
grep -q '"state":"AVAILABLE","status":{"error_code":"OK","error_message":""},"version":"1"' "$WORK/resp" \
  && pass "version 1 AVAILABLE" || fail "status: $(cat "$WORK/resp")"
http 200 "metadata" GET /v1/models/cnn/metadata
grep -q '"input":{"dtype":"DT_FLOAT","name":"input","tensor_shape":{"dim":\[{"name":"","size":"-1"},{"name":"","size":"1"},{"name":"","size":"28"},{"name":"","size":"28"}\]' "$WORK/resp" \
  && pass "signature_def of the input" || fail "metadata: $(cat "$WORK/resp")"

http 200 "predict, row format" POST /v1/models/cnn:predict "$WORK/row.json"
close_to_torch "$WORK/resp" 'j["predictions"]' "row predictions vs PyTorch"
http 200 "predict, columnar format" POST /v1/models/cnn/versions/1:predict "$WORK/col.json"
close_to_torch "$WORK/resp" 'j["outputs"]' "columnar outputs vs PyTorch"
# TF Serving's examples use curl -d, which sends application/x-www-form-urlencoded.
curl -s -o "$WORK/resp" -d "@$WORK/row.json" "http://127.0.0.1:$PORT/v1/models/cnn:predict" || true
close_to_torch "$WORK/resp" 'j["predictions"]' "curl -d (form content type) vs PyTorch"
http 200 "KServe v2 infer" POST /v2/models/cnn/infer "$WORK/v2.json"
close_to_torch "$WORK/resp" 'np.reshape(j["outputs"][0]["data"], j["outputs"][0]["shape"])' "v2 outputs vs PyTorch"

echo '{"instances": [[1, 2' >"$WORK/bad.json"
http 400 "malformed JSON" POST /v1/models/cnn:predict "$WORK/bad.json"
echo '{"instances": [[[1, 2]]]}' >"$WORK/bad.json"
http 400 "wrong shape" POST /v1/models/cnn:predict "$WORK/bad.json"
http 404 "unknown model" POST /v1/models/nope:predict "$WORK/row.json"
head -c 3000000 /dev/zero | tr '\0' ' ' >"$WORK/big.json"
http 413 "body over --max_body_bytes" POST /v1/models/cnn:predict "$WORK/big.json"

# Version 2: the same network as a SavedModel, converted by ferry, then swapped in.
mkdir -p "$WORK/staging"
expect_exit 0 "convert to SavedModel" -- "$FERRY" convert "$WORK/models/cnn/1/model.onnx" -o "$WORK/staging/2"
mv "$WORK/staging/2" "$WORK/models/cnn/2"
for _ in $(seq 1 50); do
  curl -s "http://127.0.0.1:$PORT/v1/models/cnn/versions/2" | grep -q AVAILABLE && break
  sleep 0.2
done
http 200 "SavedModel version 2 hot-loaded" GET /v1/models/cnn/versions/2
http 200 "predict on version 2" POST /v1/models/cnn:predict "$WORK/row.json"
close_to_torch "$WORK/resp" 'j["predictions"]' "SavedModel predictions vs PyTorch"
http 404 "version 1 unloaded (latest policy)" POST /v1/models/cnn/versions/1:predict "$WORK/row.json"

# A corrupt version 3 is reported; version 2 keeps serving.
mkdir -p "$WORK/staging/3" && echo "not a model" >"$WORK/staging/3/model.onnx"
mv "$WORK/staging/3" "$WORK/models/cnn/3"
for _ in $(seq 1 50); do
  curl -s "http://127.0.0.1:$PORT/v1/models/cnn/versions/3" | grep -q '"END"' && break
  sleep 0.2
done
http 200 "status of the corrupt version" GET /v1/models/cnn/versions/3
grep -q '"state":"END"' "$WORK/resp" && ! grep -q '"error_code":"OK"' "$WORK/resp" \
  && pass "version 3 END with an error" || fail "version 3: $(cat "$WORK/resp")"
http 200 "still served by version 2" POST /v1/models/cnn:predict "$WORK/row.json"
close_to_torch "$WORK/resp" 'j["predictions"]' "version 2 predictions after the failure"

http 200 "metrics" GET /metrics
grep -q 'ferry_serve_requests_total{model="cnn",api="predict",code="200"}' "$WORK/resp" \
  && pass "Prometheus request counter" || fail "metrics: $(head -20 "$WORK/resp")"

# SIGTERM while a request is in flight: it is answered, and the server exits 0.
curl -s -o "$WORK/last" -w "%{http_code}" -H "Content-Type: application/json" \
  --data-binary "@$WORK/row.json" "http://127.0.0.1:$PORT/v1/models/cnn:predict" >"$WORK/last_code" &
CLIENT=$!
kill -TERM $SERVER
set +e
wait $SERVER
rc=$?
wait $CLIENT
set -e
[ "$rc" = 0 ] && pass "SIGTERM: exit 0" || fail "SIGTERM: exit $rc: $(tail -3 "$WORK/serve.err")"
code=$(cat "$WORK/last_code")
[ "$code" = 200 ] || [ "$code" = 000 ] && pass "request racing SIGTERM: answered ($code) or refused before accept" \
  || fail "request racing SIGTERM got $code"
# Several models from a TF Serving model config file.
cat >"$WORK/models.config" <<EOF
model_config_list {
  config { name: "a" base_path: "$WORK/models/cnn" model_platform: "tensorflow"
           version_labels { key: "stable" value: 2 } }
  config { name: "b" base_path: "$WORK/models/cnn" model_version_policy { specific { versions: 2 } } }
}
EOF
"$FERRY" serve --model_config_file "$WORK/models.config" --rest_api_port 0 \
  >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER=$!
PORT=
for _ in $(seq 1 100); do
  PORT=$(grep -oE "listening on http://127.0.0.1:[0-9]+" "$WORK/serve.out" 2>/dev/null | grep -oE "[0-9]+$" || true)
  [ -n "$PORT" ] && break
  sleep 0.2
done
http 200 "config file: model a by label" POST /v1/models/a/labels/stable:predict "$WORK/row.json"
close_to_torch "$WORK/resp" 'j["predictions"]' "model a vs PyTorch"
http 200 "config file: model b, version 2" POST /v1/models/b/versions/2:predict "$WORK/row.json"
http 200 "config file: both ready" GET /v2/health/ready
kill -TERM $SERVER
set +e; wait $SERVER; rc=$?; set -e
[ "$rc" = 0 ] && pass "second server: SIGTERM exit 0" || fail "second server: exit $rc"
expect_exit 2 "unreadable model config file" -- "$FERRY" serve --model_config_file "$WORK/none.config"
expect_one_line_error "none.config: cannot open"
finish
