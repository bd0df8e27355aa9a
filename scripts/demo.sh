#!/usr/bin/env bash
# README command (1): install, build, and run the guide's pipeline on Fashion-MNIST:
# train -> export -> check -> convert -> check. Artefacts go to runs/demo/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$here/scripts/build.sh" ferry
cd "$here"
exec ./build/ferry demo "$@"
