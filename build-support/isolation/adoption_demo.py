"""The inventory suite, adopted by configuration only, under every isolation mode.

The suite was written the way many existing suites are (settings and engine made at import, a
session fixture that seeds committed rows and deletes every row at teardown). Each repetition
runs its two integration modules as two pytest processes at once, as Pants would schedule two
batches, and counts the repetitions in which any process failed:

naive     both processes on one shared database, no isolation (POSTGRES_* point at it)
serial    TEST_POSTGRES_URL: the server-side lock runs them one after another
slot      TEST_POSTGRES_URL + TEST_ISOLATION=slot: a database per process
embedded  no shared server: a throwaway cluster per process

Run with ``./pants run build-support/isolation/adoption_demo.py -- --repetitions 20``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy.engine import make_url

from embedded_postgres import EmbeddedPostgres
from testlanes.exports import postgres_exports
from testlanes_testkit.runner import PytestRun, clean_env, run_pytest

SUITE = Path("backend/tests/inventory_tests/integration")
MODULES = ("test_suppliers.py", "test_products.py")
# Plugins the suite does not use; each costs start-up time in every child process.
QUIET = ["-p", "no:hypothesispytest", "-p", "no:schemathesis", "-p", "no:pytest_cov"]
POSTGRES_VARS = ("POSTGRES_SERVER", "POSTGRES_PORT", "POSTGRES_USER", "POSTGRES_PASSWORD")


def mode_env(mode: str, server_url: str, version: str) -> dict[str, str]:
    if mode == "naive":
        return postgres_exports(make_url(server_url), (*POSTGRES_VARS, "POSTGRES_DB"))
    env = {"TEST_SERVICES": "postgres", "TEST_SUITE": "inventory"}
    if mode != "embedded":
        env |= {"TEST_POSTGRES_URL": server_url, "TEST_POSTGRES_VERSION": version}
    if mode == "slot":
        env["TEST_ISOLATION"] = "slot"
    return env


def repetition(mode: str, base_env: dict[str, str], rep: int) -> list[PytestRun]:
    def one(index: int, module: str) -> PytestRun:
        env = clean_env({**base_env, "TEST_SLOT": f"{rep % 50}{index}"})
        with tempfile.TemporaryDirectory(prefix="adoption-") as junit_dir:
            return run_pytest(
                ["-q", *QUIET, "--rootdir", str(Path.cwd()), str(Path.cwd() / SUITE / module)],
                cwd=Path(junit_dir),
                env=env,
            )

    with ThreadPoolExecutor(max_workers=len(MODULES)) as pool:
        return list(pool.map(one, range(len(MODULES)), MODULES))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=20)
    parser.add_argument("--naive-repetitions", type=int, default=10)
    args = parser.parse_args()
    if not (Path.cwd() / SUITE).is_dir():
        print(f"run from the repository root: {SUITE} not found", file=sys.stderr)
        return 2
    with EmbeddedPostgres(dbname="shared") as pg:
        exports = postgres_exports(make_url(pg.url), (*POSTGRES_VARS, "POSTGRES_DB"))
        _migrate_naive_database(exports)
        with pg.connect() as conn:
            version = str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]
        print(f"shared server {pg.url}; two pytest processes at once per repetition\n")
        print(f"{'mode':<9} {'repetitions':>11} {'failed':>7} {'tests run':>10} {'seconds':>8}")
        failed_by_mode: dict[str, int] = {}
        for mode in ("naive", "serial", "slot", "embedded"):
            reps = args.naive_repetitions if mode == "naive" else args.repetitions
            base_env = mode_env(mode, pg.url, version)
            started, failed, tests, example = time.monotonic(), 0, 0, ""
            for rep in range(reps):
                runs = repetition(mode, base_env, rep)
                tests += sum(len(r.outcomes) for r in runs)
                bad = [r for r in runs if r.returncode != 0]
                failed += bool(bad)
                if bad and not example:
                    example = _first_problem(bad[0])
            failed_by_mode[mode] = failed
            seconds = time.monotonic() - started
            print(f"{mode:<9} {reps:>11} {failed:>7} {tests:>10} {seconds:>8.1f}")
            if example:
                print(f"          e.g. {example[:400]}")
    ok = failed_by_mode["naive"] > 0 and not any(
        failed_by_mode[m] for m in ("serial", "slot", "embedded")
    )
    print("\nresult:", "as expected" if ok else "UNEXPECTED")
    return 0 if ok else 1


def _migrate_naive_database(exports: dict[str, str]) -> None:
    """The naive mode's shared database gets the schema the way the team would: its CLI."""
    env = clean_env(exports)
    subprocess.run([sys.executable, "-m", "inventory", "migrate"], env=env, check=True)


def _first_problem(run: PytestRun) -> str:
    for name, outcome in run.outcomes.items():
        if outcome.outcome in ("failed", "error"):
            lines = [line for line in outcome.message.splitlines() if line.strip()]
            return f"{name}: {lines[0] if lines else outcome.outcome}"
    return run.stdout.strip().splitlines()[-1] if run.stdout.strip() else "exit code != 0"


if __name__ == "__main__":
    raise SystemExit(main())
