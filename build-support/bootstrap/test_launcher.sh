#!/usr/bin/env bash
# End-to-end checks of ./pants's bootstrap, each against a fresh, throwaway launcher cache:
#   1. two launchers started at once both succeed and leave one valid cache;
#   2. later runs add well under 1 s before Pants starts (printed, not asserted: see benchmarks);
#   3. a pex that does not match the pin fails with both hashes and leaves no pex behind;
#   4. an unreachable package index fails with a clear line and leaves no Pants venv behind;
#   5. no CPython 3.9 anywhere: one clear line saying what to install.
# The buildroot is copied so the checks never touch the working tree's pantsd.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

make_root() { # make_root DIR: a minimal buildroot with the launcher, its test policy and pants.toml
  mkdir -p "$1/build-support/bin"
  cp "$repo/pants" "$1/"
  cp "$repo/build-support/bin/test_policy.sh" "$1/build-support/bin/"
  { grep -m1 '^pants_version' "$repo/pants.toml" | sed '1i [GLOBAL]'
    sed -n '/^\[pex-cli\]/,/^\]/p' "$repo/pants.toml"; } >"$1/pants.toml"
}

# 1. Concurrent first use.
make_root "$work/root"
export PANTS_LAUNCHER_CACHE="$work/cache"
(cd "$work/root" && ./pants --no-pantsd --version >"$work/a.out" 2>"$work/a.err") &
a=$!
(cd "$work/root" && ./pants --no-pantsd --version >"$work/b.out" 2>"$work/b.err") &
b=$!
wait "$a" || fail "first concurrent launcher failed: $(cat "$work/a.err")"
wait "$b" || fail "second concurrent launcher failed: $(cat "$work/b.err")"
grep -qx 2.17.1 "$work/a.out" && grep -qx 2.17.1 "$work/b.out" || fail "a launcher printed no version"
[[ $(grep -ch 'installing Pants' "$work/a.err" "$work/b.err" | paste -sd+ | bc) == 1 ]] \
  || fail "Pants was installed more than once"
grep -q 'first run only' "$work/a.err" "$work/b.err" || fail "first use did not say what it does"
pass "two launchers at once: one install, both ran Pants"

# 2. Fast path overhead: everything the launcher does before exec, measured with a stub Pants.
stub_venv="$PANTS_LAUNCHER_CACHE/pants-2.17.1"
mv "$stub_venv/bin/python" "$stub_venv/bin/python.real"
printf '#!/bin/sh\nexit 0\n' >"$stub_venv/bin/python" && chmod +x "$stub_venv/bin/python"
start=$(date +%s%N)
for _ in 1 2 3 4 5; do (cd "$work/root" && ./pants test --tag=unit >/dev/null); done
overhead_ms=$(( ($(date +%s%N) - start) / 5000000 ))
((overhead_ms < 1000)) || fail "launcher fast path took ${overhead_ms} ms"
pass "launcher fast path adds ${overhead_ms} ms before Pants starts"

# 2b. Arguments as users type them reach Pants in the form Pants 2.17 accepts.
printf '#!/bin/sh\nshift 2\necho "$* gate=${PANTS_COVERAGE_PY_FAIL_UNDER:-on}"\n' >"$stub_venv/bin/python"
expect_args() { # expect_args "EXPECTED" ARGS...
  local want="$1" got; shift
  got="$(cd "$work/root" && ./pants "$@")"
  [[ "$got" == "$want" ]] || fail "./pants $* ran Pants with '$got', expected '$want'"
}
expect_args "--tag=integration test :: gate=0" test --tag=integration ::
expect_args "--tag=unit test :: gate=0" test --tag=unit
expect_args "--tag=contract test backend:: gate=0" test --tag contract backend::
expect_args "test :: gate=on" test ::
expect_args "test backend/tests/unit:: gate=0" test backend/tests/unit::
expect_args "test :: -backend/tests/unit:: gate=0" test :: -backend/tests/unit::
expect_args "--changed-since=HEAD test gate=0" --changed-since=HEAD test
expect_args "--tag=-integration lint :: gate=on" lint --tag=-integration
mv "$stub_venv/bin/python.real" "$stub_venv/bin/python"
pass "lane flags after the goal, lanes without targets, and the gate only on the whole suite"

# 3. A pex that does not match the pin.
make_root "$work/badpin"
sed -i 's/a8778b91ca860fc57e11593813dc9700e15906db7d21167d3cde1ea8fbcddd3c|3563511/0000000000000000000000000000000000000000000000000000000000000000|3563511/' "$work/badpin/pants.toml"
cp -a "$PANTS_LAUNCHER_CACHE/pants-2.17.1" "$work/cache2-venv"
mkdir -p "$work/cache2" && mv "$work/cache2-venv" "$work/cache2/pants-2.17.1"
if (cd "$work/badpin" && PANTS_LAUNCHER_CACHE="$work/cache2" ./pants --version 2>"$work/badpin.err"); then
  fail "a mismatched pex was accepted"
fi
grep -q 'does not match pants.toml' "$work/badpin.err" || fail "no hash mismatch message: $(cat "$work/badpin.err")"
[[ ! -e "$work/cache2/pex-v2.1.137" ]] && ! compgen -G "$work/cache2/.pex-build.*" >/dev/null \
  || fail "a half-built pex was left behind"
pass "pex hash mismatch: $(grep -o 'error: .*' "$work/badpin.err" | cut -c1-80)..."

# 4. No package index.
if (cd "$work/root" && PANTS_LAUNCHER_CACHE="$work/cache3" PIP_INDEX_URL=http://127.0.0.1:9/simple \
  PIP_FIND_LINKS= PIP_RETRIES=0 PIP_DEFAULT_TIMEOUT=2 ./pants --version 2>"$work/nonet.err"); then
  fail "bootstrap succeeded without a package index"
fi
grep -q 'could not install pantsbuild.pants' "$work/nonet.err" || fail "no clear message: $(cat "$work/nonet.err")"
[[ ! -e "$work/cache3/pants-2.17.1" ]] || fail "a half-built Pants venv was left behind"
pass "no package index: clear error, no half-built venv"

# 5. No CPython 3.9.
if (cd "$work/root" && PANTS_LAUNCHER_CACHE="$work/cache4" PATH=/usr/bin:/bin PANTS_PYTHON= \
  ./pants --version 2>"$work/nopy.err"); then
  fail "bootstrap succeeded without CPython 3.9"
fi
[[ $(wc -l <"$work/nopy.err") == 1 ]] && grep -q 'needs CPython 3.9' "$work/nopy.err" \
  || fail "expected one clear line, got: $(cat "$work/nopy.err")"
pass "no CPython 3.9: $(cat "$work/nopy.err")"
