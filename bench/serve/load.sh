#!/usr/bin/env bash
# Load bench of `ferry serve` on loopback: SimpleCNN (random weights, exported by PyTorch),
# batch-1 TF Serving row-format predicts from wrk on CONNECTIONS connections for DURATION
# seconds, without and with --enable_batching. Reports errors, RSS at start and end, p50/p99
# latency and throughput, against ferry's in-process time per run (`ferry check` median).
#
#   bench/serve/load.sh [path/to/ferry]      (env: DURATION=30 CONNECTIONS=64 WRK_THREADS=2
#                                             SERVE_THREADS=1 MAX_BATCH=32 BATCH_TIMEOUT_US=2000)
#
# Loopback only: the server listens on 127.0.0.1 and wrk talks to nothing else.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FERRY="${1:-${FERRY:-$here/build/ferry}}"
DURATION="${DURATION:-30}"
CONNECTIONS="${CONNECTIONS:-64}"
WRK_THREADS="${WRK_THREADS:-2}"
SERVE_THREADS="${SERVE_THREADS:-1}"
MAX_BATCH="${MAX_BATCH:-32}"
BATCH_TIMEOUT_US="${BATCH_TIMEOUT_US:-2000}"
PY=/usr/bin/python3
[ -x "$FERRY" ] || { echo "load.sh: no ferry binary at $FERRY" >&2; exit 2; }

# wrk is a bench-only dependency: Debian's package, installed here when missing.
if ! command -v wrk >/dev/null 2>&1; then
  echo "load.sh: installing wrk (Debian package)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
fi

WORK="$(mktemp -d)"
SERVER=
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

mkdir -p "$WORK/models/cnn/1"
"$PY" - "$WORK" <<'PYEOF'
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

torch.onnx.export(SimpleCNN().eval(), torch.zeros(1, 1, 28, 28),
                  f"{work}/models/cnn/1/model.onnx", input_names=["input"],
                  output_names=["output"], opset_version=13,
                  dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
x = np.random.RandomState(0).rand(1, 1, 28, 28).astype(np.float32)
json.dump({"instances": np.round(x, 4).tolist()}, open(f"{work}/body.json", "w"))
PYEOF
cat >"$WORK/post.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$WORK/body.json", "rb")
wrk.body = f:read("*a")
f:close()
EOF
printf 'max_batch_size { value: %s }\nbatch_timeout_micros { value: %s }\nnum_batch_threads { value: 2 }\n' \
  "$MAX_BATCH" "$BATCH_TIMEOUT_US" >"$WORK/batching.txt"

# In-process: ferry's runtime on the same model, batch 1, one thread (median of 300 runs).
FERRY_NUM_THREADS=$SERVE_THREADS "$FERRY" check "$WORK/models/cnn/1/model.onnx" \
  "$WORK/models/cnn/1/model.onnx" --batch 1 --trials 300 --threads "$SERVE_THREADS" \
  --json "$WORK/inproc.json" >/dev/null
inproc_ms=$("$PY" -c "import json; j=json.load(open('$WORK/inproc.json')); print(min(j['a_ms'], j['b_ms']))")
inproc_rps=$("$PY" -c "print(f'{1000.0 / $inproc_ms:.0f}')")

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

run_case() {  # NAME, then extra serve flags
  local name="$1"; shift
  "$FERRY" serve --model_name cnn --model_base_path "$WORK/models/cnn" --rest_api_port 0 \
    --threads "$SERVE_THREADS" "$@" >"$WORK/serve.out" 2>"$WORK/serve.err" &
  SERVER=$!
  local port=
  for _ in $(seq 1 150); do
    port=$(grep -oE "listening on http://127.0.0.1:[0-9]+" "$WORK/serve.out" | grep -oE "[0-9]+$" || true)
    [ -n "$port" ] && break
    sleep 0.2
  done
  [ -n "$port" ] || { echo "load.sh: server did not start: $(cat "$WORK/serve.err")" >&2; exit 1; }
  for _ in $(seq 1 20); do  # warm up
    curl -s -o /dev/null -H "Content-Type: application/json" --data-binary "@$WORK/body.json" \
      "http://127.0.0.1:$port/v1/models/cnn:predict"
  done
  local rss0; rss0=$(rss_kb "$SERVER")
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency \
    -s "$WORK/post.lua" "http://127.0.0.1:$port/v1/models/cnn:predict" >"$WORK/wrk_$name.txt"
  local rss1; rss1=$(rss_kb "$SERVER")
  curl -s "http://127.0.0.1:$port/metrics" >"$WORK/metrics_$name.txt"
  kill -TERM "$SERVER"
  local rc=0
  wait "$SERVER" || rc=$?
  SERVER=
  "$PY" - "$WORK/wrk_$name.txt" "$WORK/metrics_$name.txt" "$name" "$rss0" "$rss1" "$rc" \
    "$inproc_rps" <<'PYEOF'
import re, sys
wrk, metrics, name, rss0, rss1, rc, inproc = sys.argv[1:]
t = open(wrk).read()
def lat(p):
    m = re.search(rf"^\s*{p}%\s+([\d.]+)(us|ms|s)", t, re.M)
    v, u = float(m.group(1)), m.group(2)
    return v / 1000 if u == "us" else v * 1000 if u == "s" else v
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
total = int(re.search(r"(\d+) requests in", t).group(1))
non2xx = int((re.search(r"Non-2xx or 3xx responses: (\d+)", t) or [0, 0])[1])
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", t)
sock_errors = sum(int(g) for g in sock.groups()) if sock else 0
m = open(metrics).read()
bs = re.search(r'ferry_serve_batch_size_sum\{model="cnn"\} ([\d.e+]+)', m)
bc = re.search(r'ferry_serve_batch_size_count\{model="cnn"\} (\d+)', m)
mean_batch = float(bs.group(1)) / int(bc.group(1)) if bs and bc and int(bc.group(1)) else 0
print(f"{name:10s} requests {total:7d}  errors {non2xx + sock_errors:4d} (non-2xx {non2xx}, "
      f"socket {sock_errors})  {rps:8.0f} req/s = {100 * rps / float(inproc):5.1f}% of "
      f"in-process {inproc} runs/s  p50 {lat(50):6.2f} ms  p99 {lat(99):6.2f} ms  "
      f"mean batch {mean_batch:5.2f}  RSS {int(rss0) // 1024} -> {int(rss1) // 1024} MiB  "
      f"SIGTERM exit {rc}")
PYEOF
}

echo "ferry serve load bench: SimpleCNN batch-1 predicts, $CONNECTIONS connections, ${DURATION}s," \
  "wrk -t$WRK_THREADS, serve --threads $SERVE_THREADS, $(nproc) cores (shared machine)"
echo "in-process: ${inproc_ms} ms per batch-1 run (ferry check median) = ${inproc_rps} runs/s on one thread"
run_case plain
run_case batching --enable_batching --batching_parameters_file "$WORK/batching.txt"
