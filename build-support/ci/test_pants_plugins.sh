#!/usr/bin/env bash
# RuleRunner tests of our Pants plugins (pants-plugins/*/rule_runner_test.py), run where Pants
# itself runs: CPython 3.9 with pantsbuild.pants 2.17.1 and its testutil, from the `pants-plugins`
# resolve's lockfile (3rdparty/python/pants-plugins.lock).
#
# Why not `./pants test`: [pytest] installs pytest 8 and its plugins from python-default, a
# CPython 3.11 resolve, and Pants 2.17 has one pytest for every resolve; Pants and its testutil
# run on 3.9 only. So Pants exports the locked 3.9 virtualenv and this script runs pytest in it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

./pants export --resolve=pants-plugins
venvs=(dist/export/python/virtualenvs/pants-plugins/3.9*)
[[ -x "${venvs[0]}/bin/python" ]] || { echo "error: ./pants export made no CPython 3.9 venv" >&2; exit 1; }

# The ruff_format tests build ruff's pex as ./pants does: with the pex tool the launcher built
# from the package index (its cache as ./pants computes it) and the CA bundle the environment names.
pex_version="$(sed -n -E 's/^version = "(v[^"]+)".*/\1/p' pants.toml | head -n1)"
launcher_cache="${PANTS_LAUNCHER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pants/launcher}"
pex_tool="$launcher_cache/pex-$pex_version/pex"
[[ -f "$pex_tool" ]] || { echo "error: no pex tool at $pex_tool (run ./pants once)" >&2; exit 1; }
export PANTS_PEX_CLI_URL_TEMPLATE="file://$pex_tool"
for candidate in "${PIP_CERT:-}" "${SSL_CERT_FILE:-}" "${REQUESTS_CA_BUNDLE:-}"; do
  if [[ -n "$candidate" && -f "$candidate" ]]; then export PANTS_CA_CERTS_PATH="$candidate"; break; fi
done

# The plugins (and their lanes reader) from pants-plugins/, as pants.toml puts them on the path.
# `-c /dev/null`: the repository's pytest settings are for pytest 8 on 3.11, not testutil's 7.0.
PYTHONPATH="pants-plugins" "${venvs[0]}/bin/python" -m pytest \
  -c /dev/null --rootdir . -p no:cacheprovider -q pants-plugins/*/rule_runner_test.py "$@"
