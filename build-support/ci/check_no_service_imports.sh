#!/usr/bin/env bash
# The orchestration knows no service: no module under orchestration/ imports a package of
# backend/src (whatever services and libraries live there now), nor names one in a string
# (pytest_plugins, recipes). Prints every offending line; exits 1 if there is one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

packages=()
for dir in backend/src/*/; do
  [[ -f "$dir/__init__.py" ]] && packages+=("$(basename "$dir")")
done
((${#packages[@]})) || { echo "no packages found under backend/src" >&2; exit 1; }
alternatives="$(IFS='|'; echo "${packages[*]}")"
pattern="^\s*(from|import)\s+($alternatives)(\.|\s|$)|[\"']($alternatives)[.:]"
echo "service packages: ${packages[*]}"
if grep -rnE "$pattern" --include='*.py' orchestration/; then
  echo "FAIL: the orchestration imports or names a service package (above)" >&2
  exit 1
fi
echo "ok: orchestration/ imports no service package ($(find orchestration -name '*.py' | wc -l) modules checked)"
