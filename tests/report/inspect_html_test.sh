#!/usr/bin/env bash
# ferry inspect on torchvision's ResNet-18 (exported here with random weights): every
# --format, and the HTML page driven in headless Chromium (tests/report/check_graph_page.js).
source "$(dirname "$0")/../e2e/lib.sh"
HERE="$(cd "$(dirname "$0")" && pwd)"
ART="${REPORT_ARTIFACTS:-$WORK/artifacts}"
mkdir -p "$ART"

"$PY" "$HERE/export_resnet18.py" "$WORK/resnet18.onnx"
M="$WORK/resnet18.onnx"

expect_exit 0 "inspect text" -- "$FERRY" inspect "$M"
if grep -q "Conv  *20" "$WORK/out" && grep -qE "FLOPs: 3\.6[0-9]* G" "$WORK/out"; then
  pass "text: 20 Conv, 3.6 GFLOPs (ResNet-18 is 1.8 G multiply-adds)"
else fail "text summary:"; sed 's/^/    /' "$WORK/out" | head -20; fi

expect_exit 0 "inspect json" -- "$FERRY" inspect "$M" --format json
if "$PY" - "$WORK/out" <<'PY'; then pass "json: flops, per-node flops, parameters"; else fail "json"; fi
import json, sys
j = json.load(open(sys.argv[1]))
assert 3.5e9 < j["flops"] < 3.8e9, j["flops"]
assert j["parameters"] == 11689512 or 11.6e6 < j["parameters"] < 11.7e6, j["parameters"]
convs = [n for n in j["node_flops"] if n["op"] == "Conv"]
assert len(convs) == 20 and all(n["flops"] > 0 for n in convs), convs
assert j["opsets"][""] == 13, j["opsets"]
PY

expect_exit 0 "inspect dot" -- "$FERRY" inspect "$M" --format dot -o "$WORK/g.dot"
if grep -q "digraph" "$WORK/g.dot" && [ "$(grep -c '<B>Conv</B>' "$WORK/g.dot")" = 20 ]; then
  pass "dot: 20 Conv boxes"; else fail "dot"; fi
expect_exit 0 "inspect svg" -- "$FERRY" inspect "$M" --format svg -o "$ART/resnet18.svg"
if grep -q "<svg" "$ART/resnet18.svg" && grep -q 'id="node16"' "$ART/resnet18.svg"; then
  pass "svg from graphviz"; else fail "svg"; fi
expect_exit 2 "svg without graphviz is a clear error" -- env PATH=/nonexistent "$FERRY" inspect "$M" --format svg
expect_one_line_error "'dot' not found in PATH.*apt-get install graphviz"

expect_exit 0 "inspect html" -- "$FERRY" inspect "$M" --format html -o "$ART/resnet18.html"
if ! grep -qE '<script src|<link |https?://[a-z]' <(grep -v 'xmlns' "$ART/resnet18.html"); then
  pass "html references nothing on the network"; else fail "html has external references"; fi

# TF formats type only their inputs: inspect fills the other shapes by one runtime pass.
expect_exit 0 "convert to SavedModel, frozen .pb and TF.js" -- "$FERRY" convert "$M" -o "$WORK/sm" --frozen-pb "$WORK/frozen.pb" --tfjs "$WORK/tfjs"
for tfm in "$WORK/sm" "$WORK/frozen.pb" "$WORK/tfjs"; do
  expect_exit 0 "inspect $(basename "$tfm")" -- "$FERRY" inspect "$tfm" --format json
  if "$PY" -c "import json; j=json.load(open('$WORK/out')); assert 3.5e9 < j['flops'] < 3.8e9, j['flops']; assert j['flops_unknown_nodes'] == 0" 2>"$WORK/perr"; then
    pass "$(basename "$tfm"): 3.6 GFLOPs with every shape known"; else fail "$(basename "$tfm") FLOPs: $(tail -1 "$WORK/perr")"; fi
done
expect_exit 0 "inspect SavedModel html" -- "$FERRY" inspect "$WORK/sm" --format html -o "$ART/resnet18_savedmodel.html"

if [ ! -x /usr/bin/chromium ] || [ ! -d "$ORACLES/node_modules/playwright-core" ]; then
  fail "needs /usr/bin/chromium and playwright-core (scripts/install-deps.sh installs both)"
elif node "$HERE/check_graph_page.js" "$ART/resnet18.html" "$ART/resnet18" >"$WORK/js" 2>&1; then
  pass "headless Chromium: $(grep -c '^ok:' "$WORK/js") page checks"
else
  fail "headless Chromium:"; sed 's/^/    /' "$WORK/js"
fi
finish
