#!/usr/bin/env bash
# Proves a change reruns only the tests that depend on it, across services: in a throwaway git
# copy, make a one-line change and ask Pants which test targets a CI run with
# `--changed-since=HEAD --changed-dependents=transitive` would run (what Pants reruns; all other
# results come from the cache). A change in the inventory service must rerun none of the
# catalog's tests; a change in the shared slugkit library must rerun tests of both services.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/throwaway_copy.sh"
make_throwaway_copy
cd "$copy"
git init -q && git add -A && git -c user.name=ci -c user.email=ci@example.invalid commit -qm base

changed_tests() { # changed_tests FILE: the test files Pants reruns after a one-line change to FILE
  echo "# one-line change for the proof" >>"$1"
  ./pants --changed-since=HEAD --changed-dependents=transitive --filter-target-type=python_test \
    list 2>/dev/null | sed 's/:.*//' | sort -u
  git checkout -q -- "$1"
}
count() { grep -c "$1" <<<"$2" || true; }
catalog_tests='^backend/tests/\(unit\|contract\|integration\)/'

inventory="$(changed_tests backend/src/inventory/api.py)"
echo "a change in backend/src/inventory/api.py reruns:"; sed 's/^/  /' <<<"$inventory"
[[ "$(count "$catalog_tests" "$inventory")" == 0 ]] \
  || { echo "FAIL: a change in the inventory service reruns catalog tests" >&2; exit 1; }
[[ "$(count '^backend/tests/inventory_tests/' "$inventory")" -gt 0 ]] \
  || { echo "FAIL: a change in the inventory service reruns none of its own tests" >&2; exit 1; }

shared="$(changed_tests backend/src/slugkit/__init__.py)"
echo "a change in backend/src/slugkit/__init__.py (shared by both services) reruns:"
sed 's/^/  /' <<<"$shared"
[[ "$(count "$catalog_tests" "$shared")" -gt 0 && "$(count '^backend/tests/inventory_tests/' "$shared")" -gt 0 ]] \
  || { echo "FAIL: a change in the shared library does not rerun both services' tests" >&2; exit 1; }
echo "ok: inventory change -> $(wc -l <<<"$inventory") test files, none of the catalog's;" \
  "shared library change -> $(count "$catalog_tests" "$shared") catalog +" \
  "$(count '^backend/tests/inventory_tests/' "$shared") inventory test files"
