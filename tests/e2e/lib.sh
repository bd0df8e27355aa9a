# Shared helpers of the end-to-end tests. Each test sources this, gets $FERRY, $WORK
# (a fresh temp folder removed at exit) and the assertions below.
set -euo pipefail
FERRY="${FERRY:?set FERRY to build/ferry}"
SRC="${FERRY_SOURCE_DIR:?set FERRY_SOURCE_DIR}"
ORACLES="$SRC/tests/oracles"
PY=/usr/bin/python3
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
failures=0
passes=0

pass() { passes=$((passes + 1)); echo "ok: $*"; }
fail() { failures=$((failures + 1)); echo "FAIL: $*"; }

# expect_exit CODE DESC -- CMD...: runs CMD, checks its exit code, keeps stderr in $WORK/err.
expect_exit() {
  local want="$1" desc="$2"; shift 3
  set +e
  "$@" >"$WORK/out" 2>"$WORK/err"
  local got=$?
  set -e
  if [ "$got" = "$want" ]; then pass "$desc (exit $got)"; else
    fail "$desc: exit $got, expected $want"; sed 's/^/    /' "$WORK/out" "$WORK/err" | tail -20; fi
}

# expect_one_line_error PATTERN: the last command's stderr is one line matching PATTERN.
expect_one_line_error() {
  local lines; lines=$(grep -c . "$WORK/err" || true)
  if [ "$lines" = 1 ] && grep -qE -- "$1" "$WORK/err"; then pass "one-line error matches /$1/"; else
    fail "stderr should be one line matching /$1/, got:"; sed 's/^/    /' "$WORK/err"; fi
}

# allclose A.npy B.npy ATOL RTOL DESC: numpy's assert_allclose(B, A).
allclose() {
  if "$PY" - "$1" "$2" "$3" "$4" <<'PYEOF' >"$WORK/cmp" 2>&1; then pass "$5: $(cat "$WORK/cmp")"; else fail "$5: $(cat "$WORK/cmp")"; fi
import sys, numpy as np
a = np.load(sys.argv[1]); b = np.load(sys.argv[2])
atol, rtol = float(sys.argv[3]), float(sys.argv[4])
assert a.shape == b.shape, f"shapes {a.shape} vs {b.shape}"
err = np.abs(a.astype(np.float64) - b.astype(np.float64))
print(f"max_abs {err.max():.3e}", end="")
np.testing.assert_allclose(b, a, rtol=rtol, atol=atol)
PYEOF
}

finish() {
  echo "$passes passed, $failures failed"
  [ "$failures" = 0 ]
}
