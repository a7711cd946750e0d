"""Fail closed: a test never reaches a database testlanes did not provision.

Every run below has a canary (a throwaway PostgreSQL with rows, standing for a developer's own
database) at the address the suite's settings fall back to. Whatever way provisioning fails,
the process ends before the suite's first import, says why in one message (also in its JUnit
report), runs no test and retries nothing; and the canary keeps every row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from testlanes_tests.fail_closed.canary import (
    CANARY_ROWS,
    EVERY_VARIABLE,
    SCHEMA,
    Canary,
    SuiteRun,
    role_without_createdb,
    run_suite,
    server_version,
    start_canary,
    write_suite,
)

from embedded_postgres import free_port
from testlanes.postgres.serial import ServerLock
from testlanes_report.junit import read_not_provisioned, read_report
from testlanes_testkit.runner import clean_env

# The canary is a server of these tests' own: the isolation rule would rightly refuse it.
pytestmark = pytest.mark.manages_databases

IN_THE_INTEGRATION_LANE = {
    "TEST_LANE": "integration",
    "TEST_LANE_MAY_TOUCH": "services",
    "TEST_LANE_RETRIES": "2",
    "TEST_SERVICES": "postgres",
}


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    canary = start_canary()
    yield canary
    canary.server.stop()


@pytest.fixture()
def fresh_canary(canary: Canary) -> Canary:
    canary.reset()
    return canary


def _run_in_lane(root: Path, **overrides: str) -> SuiteRun:
    return run_suite(root, clean_env({**IN_THE_INTEGRATION_LANE, **overrides}))


def assert_stopped_before_the_suite(run: SuiteRun, canary: Canary, cause: str) -> None:
    # Progress lines ("[testlanes] building the template ...") may come first; nothing else.
    said = [line for line in run.stderr.splitlines() if not line.startswith("[testlanes] ")]
    assert run.returncode not in (0, 1), run.stdout + run.stderr  # a usage error, not failures
    assert said[0].startswith("ERROR: testlanes: cannot provision postgres: "), run.stderr
    assert run.stdout == "", run.stdout
    assert cause in run.stderr
    assert not run.imported, "the suite's conftest was imported"
    assert read_report(run.junit) == []
    (message,) = read_not_provisioned([run.junit])
    assert message.startswith("testlanes: cannot provision postgres: ")
    assert cause in message
    assert canary.rows() == list(CANARY_ROWS)


def _shared(canary: Canary, user: str = "postgres", **more: str) -> dict[str, str]:
    """The canary's server as the shared test server (TEST_POSTGRES_URL)."""
    url = f"postgresql+psycopg://{user}@127.0.0.1:{canary.port}/postgres"
    return {"TEST_POSTGRES_URL": url, "TEST_POSTGRES_VERSION": server_version(canary), **more}


def _dead_server(canary: Canary, tmp: Path, hold: ExitStack) -> dict[str, str]:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postgres"
    return {"TEST_POSTGRES_URL": url, "TEST_POSTGRES_VERSION": "15"}


def _no_binaries(canary: Canary, tmp: Path, hold: ExitStack) -> dict[str, str]:
    return {"PG_BINDIR": str(tmp / "no-binaries-here")}


def _create_database_refused(canary: Canary, tmp: Path, hold: ExitStack) -> dict[str, str]:
    role = role_without_createdb(canary, "tl_no_createdb")
    return _shared(canary, user=role, TEST_ISOLATION="slot")


def _embedded(canary: Canary, tmp: Path, hold: ExitStack) -> dict[str, str]:
    return {}


def _serial_lock_held_elsewhere(canary: Canary, tmp: Path, hold: ExitStack) -> dict[str, str]:
    env = _shared(canary, TEST_LOCK_TIMEOUT="1")
    lock = ServerLock(
        make_url(env["TEST_POSTGRES_URL"]), timeout=5, connect_timeout=5, announce=lambda _: None
    )
    lock.acquire()
    hold.callback(lock.release)
    return env


@dataclass(frozen=True)
class Failure:
    provisioning: Callable[[Canary, Path, ExitStack], dict[str, str]]
    cause: str  # what the message must say
    schema: str = SCHEMA


FAILURES = {
    "dead-shared-server": Failure(_dead_server, "is unreachable at 127.0.0.1:"),
    "no-server-binaries": Failure(_no_binaries, "holds no initdb/postgres"),
    "create-database-refused": Failure(_create_database_refused, "needs CREATEDB"),
    "failing-recipe": Failure(
        _embedded, "its schema recipe (sql = 'schema.sql') failed", "CREATE TABLE items (;"
    ),
    "serial-lock-timeout": Failure(
        _serial_lock_held_elsewhere, "waiting for the postgres serial lock"
    ),
}


@pytest.mark.parametrize("failure", FAILURES.values(), ids=FAILURES.keys())
def test_whatever_fails_provisioning_stops_the_process_before_the_suite(
    fresh_canary: Canary, tmp_path: Path, failure: Failure
) -> None:
    root = write_suite(tmp_path / "suite", fresh_canary, schema=failure.schema)

    with ExitStack() as hold:
        run = _run_in_lane(root, **failure.provisioning(fresh_canary, tmp_path, hold))

    assert_stopped_before_the_suite(run, fresh_canary, failure.cause)


@pytest.mark.parametrize(
    ("flag", "shown"), [("--help", "usage: "), ("--collect-only", "3 tests collected")]
)
def test_a_run_that_runs_no_test_provisions_nothing_and_fails_nothing(
    fresh_canary: Canary, tmp_path: Path, flag: str, shown: str
) -> None:
    root = write_suite(tmp_path / "suite", fresh_canary)
    dead = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postgres"
    env = {**IN_THE_INTEGRATION_LANE, "TEST_POSTGRES_URL": dead, "TEST_POSTGRES_VERSION": "15"}

    run = run_suite(root, clean_env(env), flag)

    assert run.returncode == 0, run.stdout + run.stderr
    assert shown in run.stdout
    assert "cannot provision" not in run.stderr
    assert fresh_canary.rows() == list(CANARY_ROWS)


@pytest.mark.parametrize(
    ("mode", "forgotten"),
    [
        # Embedded: the suite's own port and database are the canary's (another server).
        ("embedded", ("POSTGRES_PORT", "POSTGRES_DB")),
        # Serial and slot on the canary's server: the suite's own database is another one there.
        ("serial", ("POSTGRES_DB",)),
        ("slot", ("POSTGRES_DB",)),
    ],
)
def test_a_suite_reading_a_variable_its_env_omits_is_stopped_by_the_isolation_rule(
    fresh_canary: Canary, tmp_path: Path, mode: str, forgotten: tuple[str, ...]
) -> None:
    # The pip path: no lane, the suite's own table declares postgres; its settings read a
    # variable its env list forgets, which then defaults to the canary.
    listed = tuple(name for name in EVERY_VARIABLE if name not in forgotten)
    root = write_suite(
        tmp_path / "suite", fresh_canary, env=listed, extra_config='services = ["postgres"]'
    )
    modes: dict[str, dict[str, str]] = {"embedded": {}, "serial": _shared(fresh_canary)}
    modes["slot"] = _shared(fresh_canary, TEST_ISOLATION="slot")

    run = run_suite(root, clean_env(modes[mode]))

    assert run.returncode == 1, run.stdout + run.stderr
    assert (
        f"isolation rule: this test connected to 127.0.0.1:{fresh_canary.port}/shop, which "
        f"testlanes did not provision"
    ) in run.stdout
    assert "missing from [tool.testlanes.suites.shop].env" in run.stdout
    assert "3 errors" in run.stdout
    assert fresh_canary.rows() == list(CANARY_ROWS)
