#!/usr/bin/env bash
# What one test process pays before its first test, per lane: pytest collecting one test file of
# the lane (conftest, the app's imports, the lanes' plugin and every autoloaded plugin), with
# every installed plugin and with lanes.toml's disable_plugins applied. hyperfine times both.
#
#   ./pants export --resolve=python-default && build-support/benchmarks/startup.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
python=$(ls -d dist/export/python/virtualenvs/python-default/*/bin/python 2>/dev/null | head -1)
[[ -x "$python" ]] || { echo "startup.sh: run ./pants export --resolve=python-default first" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "startup.sh: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
export PYTHONPATH=orchestration/src:orchestration/tests:backend/src:backend/tests:pants-plugins
declare -A sample=(
  [unit]=backend/tests/unit/test_slugs.py
  [contract]=backend/tests/contract/test_openapi_snapshot.py
  [integration]=backend/tests/integration/test_fk_cascades.py
)
collect="$python -m pytest --collect-only -q -p no:cacheprovider -p testlanes.plugin"
for lane in unit contract integration; do
  disabled=$("$python" -c "
from pathlib import Path
from lane_guard.lanes_toml import load_lanes
print(' '.join(f'-p no:{n}' for n in load_lanes(Path('lanes.toml')).lane('$lane').disable_plugins))")
  hyperfine --style basic --warmup 2 --runs 10 -N \
    -n "$lane: every installed plugin" "$collect ${sample[$lane]}" \
    -n "$lane: lanes.toml ($disabled)" "$collect $disabled ${sample[$lane]}"
done
