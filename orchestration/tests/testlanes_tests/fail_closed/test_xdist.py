"""pytest -n: the controller provisions nothing and points the suite's variables nowhere; each
worker provisions its own database (embedded: a cluster, slot: a database) or none runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from testlanes_tests.fail_closed.canary import (
    CANARY_ROWS,
    WHERE_TESTS_RAN,
    Canary,
    run_suite,
    server_version,
    start_canary,
    write_suite,
)

from embedded_postgres import free_port
from testlanes_report.junit import read_not_provisioned
from testlanes_testkit.runner import clean_env

# The canary is a server of these tests' own: the isolation rule would rightly refuse it.
pytestmark = pytest.mark.manages_databases

WIPE_ALL_SUITE = 'services = ["postgres"]\nleak_check = false'


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    canary = start_canary()
    yield canary
    canary.server.stop()


def _suite(root: Path, canary: Canary) -> Path:
    canary.reset()
    suite = write_suite(root, canary, extra_config=WIPE_ALL_SUITE)
    (suite / "test_items.py").write_text(WHERE_TESTS_RAN)
    return suite


def _databases_by_worker(notes: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for line in notes.read_text().splitlines():
        worker, database = line.split()
        found.setdefault(worker, set()).add(database)
    return found


@pytest.mark.parametrize("isolation", ["embedded", "slot"])
def test_each_xdist_worker_runs_against_a_database_of_its_own(
    canary: Canary, tmp_path: Path, isolation: str
) -> None:
    suite = _suite(tmp_path / "suite", canary)
    notes = tmp_path / "where-tests-ran.txt"
    env = {"WHERE_TESTS_RAN": str(notes)}
    if isolation == "slot":
        env |= {
            "TEST_POSTGRES_URL": f"postgresql+psycopg://postgres@127.0.0.1:{canary.port}/postgres",
            "TEST_POSTGRES_VERSION": server_version(canary),
            "TEST_ISOLATION": "slot",
        }

    run = run_suite(suite, clean_env(env), "-n", "2")

    assert run.returncode == 0, run.stdout + run.stderr
    assert "8 passed" in run.stdout
    databases = _databases_by_worker(notes)
    assert set(databases) == {"gw0", "gw1"}, databases
    assert all(len(names) == 1 for names in databases.values()), databases
    assert databases["gw0"] != databases["gw1"]
    canary_address = f"127.0.0.1:{canary.port}/shop"
    assert all(canary_address not in names for names in databases.values())
    assert canary.rows() == list(CANARY_ROWS)


def test_a_worker_that_cannot_provision_fails_the_session_and_none_is_replaced(
    canary: Canary, tmp_path: Path
) -> None:
    suite = _suite(tmp_path / "suite", canary)
    dead = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postgres"
    env = {"TEST_POSTGRES_URL": dead, "TEST_POSTGRES_VERSION": "15", "TEST_ISOLATION": "slot"}

    run = run_suite(suite, clean_env(env), "-n", "2")

    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.stdout + run.stderr
    assert "no tests ran" in run.stdout
    assert "replacing crashed worker" not in run.stdout
    assert "NOT PROVISIONED" in run.stdout
    (message,) = read_not_provisioned([run.junit])
    assert message.startswith("testlanes: cannot provision postgres: postgres is unreachable")
    assert canary.rows() == list(CANARY_ROWS)


def test_serial_mode_refuses_xdist_before_any_worker_starts(canary: Canary, tmp_path: Path) -> None:
    suite = _suite(tmp_path / "suite", canary)
    shared = f"postgresql+psycopg://postgres@127.0.0.1:{canary.port}/postgres"
    env = {"TEST_POSTGRES_URL": shared, "TEST_POSTGRES_VERSION": server_version(canary)}

    run = run_suite(suite, clean_env(env), "-n", "2")

    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.stdout + run.stderr
    assert "postgres in serial mode gives one process at a time the shared server" in run.stderr
    assert "TEST_ISOLATION=slot" in run.stderr
    assert "bringing up nodes" not in run.stdout
    assert canary.rows() == list(CANARY_ROWS)
