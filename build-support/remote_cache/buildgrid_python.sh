#!/usr/bin/env bash
# Prints the interpreter of a virtualenv with BuildGrid, the REAPI server that prove.sh and the
# benchmarks start (reapi_server.py runs with it), making the venv on first use: the one place
# its version is pinned. The venv lives under CATALOG_CI_CACHE (default ~/.cache/catalog-ci).
set -euo pipefail
venv="${CATALOG_CI_CACHE:-$HOME/.cache/catalog-ci}/buildgrid-venv"
if [[ ! -x "$venv/bin/bgd" ]]; then
  echo "installing buildgrid==0.4.4 into $venv" >&2
  python3.11 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "buildgrid==0.4.4" >&2
fi
echo "$venv/bin/python"
