"""Probe: in serial mode, no two test processes ever use the shared database at once.

Starts a standalone PostgreSQL (EmbeddedPostgres) as the shared server, then launches
PROCESSES real pytest processes at once, in serial mode against it. Each runs a small suite
whose tests record (pid, start, end) while the process holds the serial lock. The probe then
checks that the per-process intervals never overlap and prints them, plus the lock-wait
messages the processes printed.

Run: PYTHONPATH=backend/src:backend/tests python build-support/isolation/serial_lock_probe.py
     [--processes 6]
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
from pathlib import Path

from shared_server import migrated_catalog_server

SUITE = """
import json, os, time
import pytest
from sqlalchemy import text

pytestmark = pytest.mark.services("postgres")
LOG = os.environ["PROBE_LOG"]

def _record(kind):
    with open(LOG, "a") as f:
        f.write(json.dumps({"pid": os.getpid(), "kind": kind, "t": time.time()}) + "\\n")

@pytest.mark.parametrize("n", range(3))
def test_uses_the_shared_database(n, committing_engine):
    _record("start")
    with committing_engine.begin() as conn:
        slug = f"p{os.getpid()}-{n}"
        conn.execute(text("INSERT INTO workspaces (slug, name) VALUES (:s, 'P')"), {"s": slug})
        assert conn.execute(text("SELECT count(*) FROM workspaces")).scalar_one() == 1
    _record("end")
"""


SUITE_CONFIG = """
[tool.pytest.ini_options]
[tool.testlanes.suites.catalog]
callable = "catalog.migrations:upgrade"
"""


def _own_dir(root: Path, n: int) -> Path:
    path = root / f"machine{n}"
    path.mkdir(exist_ok=True)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=6)
    args = parser.parse_args()

    from testlanes_testkit.runner import clean_env

    with migrated_catalog_server("serial-probe-") as server:
        root = server.tmp
        (root / "test_probe.py").write_text(SUITE)
        (root / "pyproject.toml").write_text(SUITE_CONFIG)
        log = root / "intervals.jsonl"
        env = clean_env(
            {
                "TEST_POSTGRES_URL": server.url,
                "TEST_POSTGRES_VERSION": server.version,
                "TEST_ISOLATION": "serial",
                "PROBE_LOG": str(log),
            }
        )
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "testlanes.plugin",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:hypothesispytest",
            "-p",
            "no:schemathesis",
            str(root / "test_probe.py"),
        ]
        # A temp and lock directory each, as on separate machines: only the server-side lock
        # can keep them apart.
        procs = [
            subprocess.Popen(
                cmd,
                cwd=root,
                env={
                    **env,
                    "TMPDIR": str(_own_dir(root, n)),
                    "TEST_LOCK_DIR": str(_own_dir(root, n)),
                },
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(args.processes)
        ]
        outputs = [p.communicate(timeout=600) for p in procs]
        codes = [p.returncode for p in procs]
        waits = sum(err.count("waiting for the postgres serial lock") for _, err in outputs)

        if not log.exists():
            for (out, err), code in zip(outputs, codes, strict=True):
                print(
                    f"probe process exited {code}:\n{out[-2000:]}\n{err[-2000:]}", file=sys.stderr
                )
            print("FAIL: no probe process recorded an interval", file=sys.stderr)
            return 1
        spans: dict[int, list[float]] = {}
        for line in log.read_text().splitlines():
            rec = json.loads(line)
            span = spans.setdefault(rec["pid"], [float("inf"), float("-inf")])
            span[0] = min(span[0], rec["t"])
            span[1] = max(span[1], rec["t"])
        ordered = sorted(spans.items(), key=lambda kv: kv[1][0])
        t0 = ordered[0][1][0] if ordered else 0.0
        print(f"{args.processes} pytest processes in serial mode against {server.url}")
        print(f"exit codes: {codes}; lock-wait messages printed: {waits}")
        print(f"{'pid':>8} {'start(s)':>9} {'end(s)':>9}")
        for pid, (start, end) in ordered:
            print(f"{pid:>8} {start - t0:>9.3f} {end - t0:>9.3f}")
        overlaps = [(a[0], b[0]) for a, b in itertools.pairwise(ordered) if b[1][0] < a[1][1]]
        print(f"overlapping pairs: {len(overlaps)} {overlaps if overlaps else ''}")
        ok = not overlaps and codes == [0] * args.processes and len(spans) == args.processes
        print("result:", "no overlap, all passed" if ok else "FAILED")
        if not ok:
            for out, err in outputs:
                print(out[-2000:], err[-2000:])
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
