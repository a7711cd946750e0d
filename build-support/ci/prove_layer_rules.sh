#!/usr/bin/env bash
# Proves the layer rules (Pants visibility, see the BUILD files' __dependencies_rules__) bite: in a
# throwaway copy, add one violation per rule and check Pants refuses each, naming the rule. One
# daemon serves every check: what is proven is the rules, not a cold Pants.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/throwaway_copy.sh"
make_throwaway_copy
cd "$copy"

expect_denied() { # expect_denied FILE CONTENT RULE-DESCRIPTION
  local file="$1" content="$2" rule="$3"
  printf '%s\n' "$content" >"$file"
  if ./pants dependencies "$file" >deny.log 2>&1; then
    echo "FAIL: $rule was not enforced for $file" >&2; exit 1
  fi
  grep -q 'DENY' deny.log || { cat deny.log; echo "FAIL: $file failed, but not on a rule" >&2; exit 1; }
  echo "ok: $rule: $(grep -m1 -o '\* .*DENY' deny.log)"
  rm "$file"
}

expect_denied backend/src/catalog/domain/zz_layer.py \
  'from catalog.adapters.db import engine  # noqa: F401' "domain never imports adapters"
expect_denied backend/src/catalog/services/zz_layer.py \
  'from catalog.http import app  # noqa: F401' "services never import the HTTP layer"
expect_denied backend/tests/unit/test_zz_layer.py \
  'from unit.test_slugs import *  # noqa: F403' "no test module imports another test module"
expect_denied backend/src/catalog/zz_layer.py \
  'import testlanes  # noqa: F401' "the test orchestration is never a dependency of service code"
expect_denied backend/src/catalog/zz_support.py \
  'import catalog_support  # noqa: F401' "test utilities are never a dependency of service code"
expect_denied pants-plugins/lane_guard/zz_service.py \
  'import catalog  # noqa: F401' "the Pants plugins never import the service"
