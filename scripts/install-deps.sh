#!/usr/bin/env bash
# Installs everything ferry needs from Debian's packages and npm. Idempotent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

pkgs=(
  build-essential cmake ninja-build ccache pkg-config git
  libtorch-dev libonnx-dev libprotobuf-dev protobuf-compiler
  libdnnl-dev libcli11-dev nlohmann-json3-dev libgtest-dev zlib1g-dev libcpp-httplib-dev
  dataset-fashion-mnist libonnx-testdata
  python3 python3-torch python3-torchvision python3-onnx python3-numpy
  graphviz librsvg2-bin  # inspect --format svg|html (dot), report -o .png (rsvg-convert)
  chromium  # tests/report: the inspect page in headless Chromium (~100 MB)
)
# Node.js and npm: the machine may already carry its own (newer) build; Debian's npm conflicts with it.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "${FERRY_SKIP_NPM:-0}" != 1 ] && [ -f "$here/tests/oracles/package-lock.json" ]; then
  if [ ! -d "$here/tests/oracles/node_modules/onnxruntime-node" ] || \
     [ "$here/tests/oracles/package-lock.json" -nt "$here/tests/oracles/node_modules/.package-lock.json" ]; then
    (cd "$here/tests/oracles" && npm ci --ignore-scripts --no-audit --no-fund)
  fi
fi
