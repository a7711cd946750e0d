# shellcheck shell=bash
# The test policy of this repository, applied by ./pants before it starts Pants (sourced: it reads
# and rewrites the launcher's arguments, "$@", and its variables). The launcher itself only
# bootstraps Pants and forwards to it; what a test run means here lives in this file:
#   - lane flags go where Pants 2.17 accepts them, and a lane with no targets means `::`;
#   - the coverage gate judges the whole suite only (a lane or a subset is never gated);
#   - JUnit reports describe the last run only, under a per-repository lock;
#   - embedded-mode results are keyed on the local PostgreSQL server's version.
# Sets: tags (the lane flags), has_test_goal (1 when the goal list includes `test`).

# --- arguments: lane flags where users type them ------------------------------------------------
# Pants 2.17 only accepts the global --tag before the goal or after the targets; users type it
# right after the goal. Move every --tag to the front, and read "a lane with no targets" as "::".
tags=() rest=()
while (($#)); do
  case "$1" in
    --tag=*) tags+=("$1") ;;
    --tag) (($# > 1)) || die "--tag needs a value"; tags+=("--tag=$2"); shift ;;
    *) rest+=("$1") ;;
  esac
  shift
done
set -- "${rest[@]+"${rest[@]}"}"

goals_only=1 has_test_goal=0 full_suite=0 ignores=0
for arg in "$@"; do
  case "$arg" in
    --changed-since*) goals_only=0 ;;
    -[!-]*[/:]*) goals_only=0 ignores=1 ;; # an ignore spec (-dir::): the run is a subset
    -*) ;;
    test) has_test_goal=1 ;;
    ::) goals_only=0 full_suite=1 ;;
    check | count-loc | dependencies | dependents | filedeps | fix | fmt | lint | list | package | peek | roots) ;;
    *) goals_only=0 ;;
  esac
done
if ((${#tags[@]})) && ((goals_only)); then
  set -- "$@" ::
  full_suite=1
fi
((ignores)) && full_suite=0
# The coverage gate (pants.ci.toml) judges the whole suite. A lane or a subset never fails it.
if ((has_test_goal)) && { ((${#tags[@]})) || ((!full_suite)); } && [[ -z "${PANTS_COVERAGE_PY_FAIL_UNDER:-}" ]]; then
  export PANTS_COVERAGE_PY_FAIL_UNDER=0
fi

# JUnit reports describe the last run only; stale files would skew the tally. This launcher holds
# a lock while Pants runs (as a child that does not inherit it, or pantsd would keep it forever),
# so a second test run in this repo cannot clear the reports of one still running.
if ((has_test_goal)); then
  mkdir -p "$buildroot/dist"
  exec 8>"$buildroot/dist/.test-run.lock"
  if ! flock -n 8; then
    say "waiting for another test run in $buildroot to finish"
    flock 8
  fi
  rm -rf "$buildroot/dist/test/reports"
fi

# Embedded-mode integration results depend on the local PostgreSQL server binaries: put their
# version into the tests' environment, and so into Pants' cache key (pants.toml [test]).
if ((has_test_goal)) && [[ -z "${TEST_EMBEDDED_PG_VERSION:-}" ]]; then
  TEST_EMBEDDED_PG_VERSION="$(pg_config --version 2>/dev/null || echo none)"
  export TEST_EMBEDDED_PG_VERSION
fi

