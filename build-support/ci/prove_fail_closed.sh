#!/usr/bin/env bash
# Fail closed, through `./pants test`: a canary PostgreSQL stands where the inventory suite's
# settings fall back to (localhost:5432/inventory, a developer's own database) and holds rows.
# The suite reads its settings at import and deletes every row at teardown. Provisioning is made
# to fail three ways; every run must be red, say why (NOT PROVISIONED) in its output and JUnit
# report, run no test and retry none, and leave every canary row in place.
# The orchestration's own tests (orchestration/tests/.../test_fail_closed.py) prove the same for
# a failing schema recipe and a serial-lock timeout, and the isolation rule behind it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

port=5432 # the inventory suite's default (backend/src/inventory/core/config.py)
target=backend/tests/inventory_tests/integration::
if python3 -c "import socket,sys; sys.exit(socket.socket().connect_ex(('127.0.0.1', $port)) != 0)"; then
  echo "something already listens on 127.0.0.1:$port; this proof puts a canary there and will not" \
    "touch a real server: stop it, or run the proof on a machine without one" >&2
  exit 2
fi
bindir="$(pg_config --bindir)"
version="$(pg_config --version | grep -o '[0-9]*' | head -n1)"
workdir="$(mktemp -d)"
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[[ $(id -u) == 0 ]] && chown postgres "$workdir"
stop_server() { as_pg "$bindir/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$workdir"; }
trap stop_server EXIT

as_pg "$bindir/initdb" -D "$workdir/data" -U postgres -A trust --no-sync >/dev/null
as_pg "$bindir/pg_ctl" -D "$workdir/data" -w -l "$workdir/server.log" \
  -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
psql_canary() { as_pg "$bindir/psql" -h "$workdir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
psql_canary -d postgres -c "CREATE DATABASE inventory" -c "CREATE ROLE tl_no_createdb LOGIN NOCREATEDB"
psql_canary -d inventory <<'SQL'
CREATE TABLE suppliers (id serial PRIMARY KEY, code text UNIQUE NOT NULL, name text NOT NULL);
CREATE TABLE products (id serial PRIMARY KEY, supplier_id int NOT NULL REFERENCES suppliers,
                       sku text UNIQUE NOT NULL, name text NOT NULL, price_cents int NOT NULL);
INSERT INTO suppliers (code, name) VALUES ('own-1', 'Mine'), ('own-2', 'Also mine');
INSERT INTO products (supplier_id, sku, name, price_cents) VALUES (1, 'OWN-1', 'Kept', 100),
  (1, 'OWN-2', 'Kept', 200), (2, 'OWN-3', 'Kept', 300);
SQL
canary_rows() { psql_canary -d inventory -c "SELECT (SELECT count(*) FROM suppliers) || '+' || (SELECT count(*) FROM products)"; }
before="$(canary_rows)"
echo "canary PostgreSQL $version at 127.0.0.1:$port, database inventory: $before rows (suppliers+products)"

dead_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
status=0
prove() { # prove NAME ENV...: the inventory suite through Pants must be red before its first import
  local name="$1" log="$workdir/$1.log" start=$SECONDS; shift
  rm -rf dist/test/reports
  if env "$@" ./pants test --test-force "$target" >"$log" 2>&1; then
    echo "FAIL ($name): the run was green"; status=1
  fi
  local reported ran after
  reported="$(python3 build-support/ci/lane_report.py --no-lanes | grep -c '^NOT PROVISIONED: testlanes: cannot provision postgres' || true)"
  ran="$(grep -cE '(PASSED|FAILED|ERROR|RERUN) +\[|[0-9]+ (passed|failed|rerun)' "$log" || true)"
  after="$(canary_rows)"
  printf '%-22s red in %3d s, NOT PROVISIONED in %s report(s), test results printed: %s, canary %s -> %s\n' \
    "$name" "$((SECONDS - start))" "$reported" "$ran" "$before" "$after"
  grep -m1 -o 'ERROR: testlanes: cannot provision postgres: .\{0,160\}' "$log" | sed 's/^/    /' || true
  if [[ "$reported" -lt 1 || "$ran" != 0 || "$after" != "$before" ]]; then
    echo "FAIL ($name)"; tail -n 30 "$log"; status=1
  fi
}
prove dead-shared-server TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$dead_port/postgres" TEST_POSTGRES_VERSION="$version"
prove no-server-binaries PG_BINDIR=/nonexistent
prove create-db-refused TEST_POSTGRES_URL="postgresql+psycopg://tl_no_createdb@127.0.0.1:$port/postgres" \
  TEST_POSTGRES_VERSION="$version" TEST_ISOLATION=slot
rm -rf dist/test/reports # the proofs' reports are not the suite's
((status == 0)) && echo "fail-closed proof: PASSED" || echo "fail-closed proof: FAILED" >&2
exit "$status"
