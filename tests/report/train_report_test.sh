#!/usr/bin/env bash
# ferry train writes a TensorBoard event file next to metrics.csv: an independent reader
# (read_tfevents.py) checks every record's CRCs and every value against metrics.csv. Then the
# pictures: ferry report (html, svg, png), ferry inspect on the checkpoint, and
# ferry check --html (passing and failing).
source "$(dirname "$0")/../e2e/lib.sh"
HERE="$(cd "$(dirname "$0")" && pwd)"
ART="${REPORT_ARTIFACTS:-$WORK/artifacts}"
mkdir -p "$ART"
RUN="$WORK/run"

# Two short epochs: 10k training images (the other 50k validate).
expect_exit 0 "train 2 epochs" -- "$FERRY" train --epochs 2 --val-split 50000 --out "$RUN"
if "$PY" "$HERE/read_tfevents.py" "$RUN" >"$WORK/ev" 2>&1; then pass "$(cat "$WORK/ev")"; else
  fail "event file:"; sed 's/^/    /' "$WORK/ev"; fi
cp "$RUN/metrics.csv" "$ART/metrics.csv"

for ext in html svg png; do
  expect_exit 0 "report .$ext" -- "$FERRY" report "$RUN" -o "$ART/training.$ext"
done
if grep -q "Validation accuracy" "$ART/training.html" && grep -q "<polyline" "$ART/training.svg"; then
  pass "report html/svg hold the charts"; else fail "report html/svg"; fi
if [ "$(head -c 4 "$ART/training.png" | od -An -c | tr -d ' ')" = '211PNG' ]; then
  pass "report png is a PNG"; else fail "report png header"; fi
expect_exit 2 "report of a folder without metrics.csv" -- "$FERRY" report "$WORK" -o "$WORK/x.html"
expect_one_line_error "metrics.csv"
expect_exit 2 "report to an unknown format" -- "$FERRY" report "$RUN" -o "$WORK/x.pdf"
expect_one_line_error "\.pdf"

expect_exit 0 "inspect checkpoint" -- "$FERRY" inspect "$RUN/model.pt"
if grep -q "conv1.weight" "$WORK/out" && grep -q "float32\[32,1,5,5\]" "$WORK/out" &&
   grep -q "mean" "$WORK/out"; then pass "checkpoint listing with shapes and statistics"; else
  fail "checkpoint listing:"; sed 's/^/    /' "$WORK/out"; fi
expect_exit 0 "inspect checkpoint json" -- "$FERRY" inspect "$RUN/model.pt" --format json
if "$PY" -c "import json,sys; j=json.load(open('$WORK/out')); assert j['parameters'] > 500000; assert j['tensors'][0]['name']=='conv1.weight'"; then
  pass "checkpoint json"; else fail "checkpoint json"; fi

expect_exit 0 "inspect checkpoint html (its export graph)" -- "$FERRY" inspect "$RUN/model.pt" --format html -o "$ART/checkpoint.html"
if grep -q "/conv1/Conv" "$ART/checkpoint.html" && grep -q "float32\[32,1,5,5\]" "$ART/checkpoint.html"; then
  pass "checkpoint drawn as its ONNX export"; else fail "checkpoint html"; fi

expect_exit 0 "export" -- "$FERRY" export "$RUN/model.pt" -o "$WORK/model.onnx"
expect_exit 0 "check --html (pass)" -- "$FERRY" check "$RUN/model.pt" "$WORK/model.onnx" --html "$ART/check.html"
if grep -q "Error histograms" "$ART/check.html" && grep -q 'class="pass"' "$ART/check.html"; then
  pass "check page with histograms"; else fail "check page"; fi
expect_exit 1 "check --html (zero tolerance fails)" -- "$FERRY" check "$RUN/model.pt" "$WORK/model.onnx" --atol 0 --rtol 0 --html "$ART/check_fail.html"
if grep -q 'class="fail"' "$ART/check_fail.html" && grep -q 'fill="#cf222e"' "$ART/check_fail.html"; then
  pass "failing check page marks the bins past atol red"; else fail "failing check page"; fi

if [ -x /usr/bin/chromium ] && [ -d "$ORACLES/node_modules/playwright-core" ]; then
  for p in training check check_fail checkpoint; do
    if node "$HERE/screenshot.js" "$ART/$p.html" "$ART/$p.html.png" svg >"$WORK/js" 2>&1; then
      pass "$p.html renders in Chromium"; else fail "$p.html in Chromium: $(cat "$WORK/js")"; fi
  done
else
  fail "needs /usr/bin/chromium and playwright-core (scripts/install-deps.sh installs both)"
fi
finish
