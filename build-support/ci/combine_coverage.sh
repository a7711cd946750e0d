#!/usr/bin/env bash
# Combines raw coverage data (one file per test shard, from `[coverage-py].report = ["raw"]`) and
# applies the gate from pants.ci.toml to the whole: the sharded twin of the single-invocation gate.
#
# Usage: build-support/ci/combine_coverage.sh DATAFILE...
# Writes dist/coverage/combined/: .coverage, coverage.xml, htmlcov/ and report.md. coverage.py
# runs at the version in our lockfile, from a venv outside the repo (CATALOG_CI_CACHE).
set -euo pipefail
(($#)) || { echo "usage: $0 DATAFILE..." >&2; exit 2; }
files=()
for f in "$@"; do files+=("$(cd "$(dirname "$f")" && pwd -P)/$(basename "$f")"); done
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

read -r version fail_under < <(python3 - <<'PY'
import json, tomllib
lock = "".join(l for l in open("3rdparty/python/default.lock") if not l.startswith("//"))
version = next(r["version"] for resolve in json.loads(lock)["locked_resolves"]
               for r in resolve["locked_requirements"] if r["project_name"] == "coverage")
print(version, tomllib.load(open("pants.ci.toml", "rb"))["coverage-py"]["fail_under"])
PY
)
venv="${CATALOG_CI_CACHE:-$HOME/.cache/catalog-ci}/coverage-$version"
if [[ ! -x "$venv/bin/coverage" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "coverage[toml]==$version"
fi

out=dist/coverage/combined
rm -rf "$out" && mkdir -p "$out"
for i in "${!files[@]}"; do cp "${files[$i]}" "$out/.coverage.shard$i"; done
# pyproject.toml's [tool.coverage] applies (relative_files, what the report judges), as in Pants.
export COVERAGE_FILE="$out/.coverage"
"$venv/bin/coverage" combine --quiet "$out"/.coverage.shard*
"$venv/bin/coverage" xml --quiet -o "$out/coverage.xml"
"$venv/bin/coverage" html --quiet -d "$out/htmlcov"
"$venv/bin/coverage" report --format=markdown >"$out/report.md"
echo "combined ${#files[@]} shard(s); gate fail-under=$fail_under"
"$venv/bin/coverage" report --fail-under="$fail_under" | tail -n 3
