"""Reproduce the shared-database collision, then show serial and slot isolation remove it.

One standalone PostgreSQL (an EmbeddedPostgres, migrated) plays the team's shared server. Each
repetition starts PROCESSES test processes at once; each runs the same integration workload a
typical shared-database suite has: create a workspace tree (collection, tags, tagged documents,
one commit per row as fixtures through an API would), check it, then tear down the naive way,
deleting all rows table by table. Modes:

  naive   every process uses the shared database directly (what parallel CI does by default)
  serial  each process holds testlanes's serial lock for the shared server while it runs
  slot    each process gets its own database cloned from the migrated template (slot mode)

Run: PYTHONPATH=backend/src:backend/tests python build-support/isolation/collision_demo.py
     [--repetitions 20] [--processes 4]
Exit status 0 when naive mode failed at least once and serial and slot never did.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from shared_server import migrated_catalog_server

DOCS_PER_TREE = 6
TREES_PER_PROCESS = 3
TEARDOWN = ["document_tags", "documents", "tags", "collections", "workspaces"]


def workload(url: str, worker: str) -> list[str]:
    """One test process's work; returns the failures it saw (exceptions or wrong counts)."""
    import psycopg

    failures: list[str] = []
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        for tree in range(TREES_PER_PROCESS):
            try:
                ws = conn.execute(
                    "INSERT INTO workspaces (slug, name) VALUES (%s, 'W') RETURNING id",
                    (f"w{worker}-{tree}",),
                ).fetchone()[0]
                coll = conn.execute(
                    "INSERT INTO collections (workspace_id, slug, name) VALUES (%s, 'c', 'C') "
                    "RETURNING id",
                    (ws,),
                ).fetchone()[0]
                tag = conn.execute(
                    "INSERT INTO tags (workspace_id, slug, name) VALUES (%s, 't', 'T') "
                    "RETURNING id",
                    (ws,),
                ).fetchone()[0]
                for n in range(DOCS_PER_TREE):
                    doc = conn.execute(
                        "INSERT INTO documents (workspace_id, collection_id, title) "
                        "VALUES (%s, %s, %s) RETURNING id",
                        (ws, coll, f"Doc {n}"),
                    ).fetchone()[0]
                    conn.execute(
                        "INSERT INTO document_tags (document_id, tag_id, workspace_id) "
                        "VALUES (%s, %s, %s)",
                        (doc, tag, ws),
                    )
                count = conn.execute(
                    "SELECT count(*) FROM documents WHERE collection_id = %s", (coll,)
                ).fetchone()[0]
                if count != DOCS_PER_TREE:
                    failures.append(f"tree {tree}: expected {DOCS_PER_TREE} documents, saw {count}")
            except psycopg.Error as exc:
                failures.append(
                    f"tree {tree} setup/test: {type(exc).__name__}: {exc}".splitlines()[0]
                )
            # The naive teardown: "delete everything", child tables first.
            for table in TEARDOWN:
                try:
                    conn.execute(f"DELETE FROM {table}")
                except psycopg.Error as exc:
                    failures.append(f"teardown {table}: {type(exc).__name__}".splitlines()[0])
    return failures


# The catalog's schema, as its suite declares it in pyproject.toml.
CATALOG_SCHEMA = "catalog.migrations:upgrade"


def worker_main(mode: str, shared_url: str, worker: str, env_dir: str) -> None:
    if mode == "naive":
        print(json.dumps(workload(shared_url, worker)))
        return
    from testlanes.config import TestSettings
    from testlanes.postgres.serial import provision_serial
    from testlanes.postgres.slot import provision_slot
    from testlanes.recipes import SchemaRecipe
    from testlanes.suites import Suite

    quiet = lambda _msg: None  # noqa: E731
    settings = TestSettings.from_env(
        {
            "TEST_POSTGRES_URL": shared_url,
            "TEST_POSTGRES_VERSION": json.loads(Path(env_dir, "version.json").read_text()),
            "TEST_ISOLATION": mode,
            "TEST_SLOT": worker,
            "TEST_LOCK_DIR": str(Path(env_dir, "locks")),
            "TEST_CACHE_DIR": str(Path(env_dir, "cache")),
        }
    )
    provision = provision_serial if mode == "serial" else provision_slot
    suite = Suite("catalog", SchemaRecipe("catalog", "callable", CATALOG_SCHEMA, Path.cwd()))
    service = provision(suite, settings, quiet)
    try:
        print(json.dumps(workload(service.url, worker)))
    finally:
        service.close()


def _kind(failure: str) -> str:
    if failure.startswith("teardown"):
        return "teardown"
    return "count" if "expected" in failure else "setup"


def run_mode(
    mode: str, url: str, env_dir: Path, repetitions: int, processes: int
) -> tuple[int, dict[str, int], list[str]]:
    failed_runs = 0
    kinds = {"setup": 0, "count": 0, "teardown": 0}
    examples: list[str] = []
    for rep in range(repetitions):
        procs = [
            subprocess.Popen(
                [sys.executable, __file__, "--worker", mode, url, f"{rep}{i}", str(env_dir)],
                stdout=subprocess.PIPE,
                text=True,
            )
            for i in range(processes)
        ]
        for proc in procs:
            out, _ = proc.communicate(timeout=300)
            failures = (
                json.loads(out.strip().splitlines()[-1])
                if proc.returncode == 0
                else [f"worker exited {proc.returncode}"]
            )
            for failure in failures:
                kinds[_kind(failure)] += 1
                if not any(_kind(e) == _kind(failure) for e in examples):
                    examples.append(failure)
            failed_runs += bool(failures)
    return failed_runs, kinds, examples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=20)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--modes", default="naive,serial,slot")
    args = parser.parse_args()

    with migrated_catalog_server("collision-demo-") as server:
        (server.tmp / "version.json").write_text(json.dumps(server.version))
        print(
            f"shared server {server.url}; {args.repetitions} repetitions x {args.processes} "
            f"parallel test processes per mode\n"
        )
        print(
            f"{'mode':<8} {'process runs':>12} {'runs failed':>12} {'setup FK':>9} "
            f"{'teardown FK':>12} {'bad counts':>11} {'seconds':>8}"
        )
        results = {}
        for mode in args.modes.split(","):
            started = time.monotonic()
            failed, kinds, examples = run_mode(
                mode, server.url, server.tmp, args.repetitions, args.processes
            )
            results[mode] = failed
            print(
                f"{mode:<8} {args.repetitions * args.processes:>12} {failed:>12} "
                f"{kinds['setup']:>9} {kinds['teardown']:>12} {kinds['count']:>11} "
                f"{time.monotonic() - started:>8.1f}"
            )
            for example in examples:
                print(f"         e.g. {example[:110]}")
    ok = (
        results.get("naive", 1) > 0
        and results.get("serial", 0) == 0
        and results.get("slot", 0) == 0
    )
    print("\nresult:", "as expected" if ok else "UNEXPECTED")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker_main(*sys.argv[2:6])
    else:
        raise SystemExit(main())
