#!/usr/bin/env bash
# ferry with and without its load-time graph optimizer (FERRY_NO_OPTIMIZE=1), same binary,
# same inputs, alternating round by round; prints medians and optimized / as-written.
#   bash bench/compare/optimizer_ab.sh [--threads 2] [--rounds 3] [--iters 30] [--models "..."]
# Uses the models and inputs bench/compare/run.sh made in build/bench-compare.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
threads=2 rounds=3 iters=30
models="simplecnn_b1 simplecnn_b64 resnet18_b1 resnet18_b8 mobilenet_v2_b1 transformer_b1"
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --iters) iters="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done
FERRY="${FERRY:-$here/build/ferry}"
PY=/usr/bin/python3
work="${FERRY_BENCH_DIR:-$here/build/bench-compare}"
model_of() {
  case "$1" in
    simplecnn_*) echo "$work/simplecnn.onnx" ;;
    resnet18_*) echo "$work/resnet18/model.onnx" ;;
    mobilenet_v2_*) echo "$work/mobilenet_v2/model.onnx" ;;
    transformer_*) echo "$work/transformer.onnx" ;;
  esac
}
printf "%-18s %8s %14s %14s %8s\n" model threads "as written ms" "optimized ms" ratio
for m in $models; do
  x="$work/${m}_input.npy"
  [ -f "$x" ] || { echo "$x missing: run bench/compare/run.sh first" >&2; exit 2; }
  plain=() opt=()
  for r in $(seq "$rounds"); do
    for off in 1 0; do
      FERRY_NO_OPTIMIZE=$off "$FERRY" bench "$(model_of "$m")" --threads "$threads" --iters "$iters" \
        --warmup 5 --input input="$x" --json "$work/ab.json" >/dev/null
      v="$("$PY" -c "import json; print(json.load(open('$work/ab.json'))['median_ms'])")"
      if [ "$off" = 1 ]; then plain+=("$v"); else opt+=("$v"); fi
    done
  done
  "$PY" - "$m" "$threads" "${plain[*]}" "${opt[*]}" <<'PYEOF'
import sys, statistics
m, t = sys.argv[1], sys.argv[2]
p = statistics.median(float(v) for v in sys.argv[3].split())
o = statistics.median(float(v) for v in sys.argv[4].split())
print(f"{m:<18} {t:>8} {p:14.3f} {o:14.3f} {o / p:8.2f}")
PYEOF
done
