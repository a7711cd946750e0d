"""The testlanes plugin end to end: child pytest runs in each provisioning mode.

Each scenario runs a small generated suite in a child process (one run per scenario, several
assertions on its outcomes) so that mode selection happens exactly as in a real test process.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from testlanes_tests.provisioning.demo_suite import SUITE_NAME, write_suite_config

from testlanes.config import TestSettings
from testlanes.postgres import PostgresService
from testlanes.postgres.claims import SLOT_PREFIX
from testlanes.registry import registry
from testlanes_testkit.runner import PytestRun, clean_env, run_pytest

pytestmark = pytest.mark.services("postgres")

DECLARED_SUITE = """
import pytest
from sqlalchemy import text

pytestmark = pytest.mark.services("postgres")
INSERT = text("INSERT INTO workspaces (slug, name) VALUES (:slug, 'W')")
COUNT = text("SELECT count(*) FROM workspaces")

def test_leaks_a_committed_row(db_engine):
    with db_engine.begin() as conn:
        conn.execute(INSERT, {"slug": "leaked"})

def test_next_test_starts_clean_after_a_leak(db_engine):
    with db_engine.connect() as conn:
        assert conn.execute(COUNT).scalar_one() == 0

def test_rolled_back_session_work_is_no_leak(db_session):
    db_session.execute(INSERT, {"slug": "rolled-back"})
    db_session.commit()  # becomes a savepoint release inside the outer transaction
    assert db_session.execute(COUNT).scalar_one() == 1

def test_committing_engine_cleans_up(committing_engine):
    with committing_engine.begin() as conn:
        conn.execute(INSERT, {"slug": "committed"})

def test_database_identity(database_url, postgres_service):
    print("DBNAME=" + postgres_service.dbname + " MODE=" + postgres_service.mode)
"""

UNDECLARED_SUITE = """
def test_asks_for_postgres_without_declaring_it(database_url):
    pass
"""

SEARCH_SUITE = """
import pytest
pytestmark = pytest.mark.services("opensearch")

def test_needs_opensearch(opensearch_service):
    pass
"""


def _write_suite(root: Path) -> Path:
    suite = write_suite_config(root) / "suite"
    (suite / "declared").mkdir(parents=True)
    (suite / "declared" / "test_declared.py").write_text(DECLARED_SUITE)
    (suite / "declared" / "test_search.py").write_text(SEARCH_SUITE)
    (suite / "plain").mkdir()
    (suite / "plain" / "test_undeclared.py").write_text(UNDECLARED_SUITE)
    return suite


@pytest.fixture()
def settings(request: pytest.FixtureRequest) -> TestSettings:
    return registry(request.config).settings


@pytest.fixture()
def server_version(postgres_service: PostgresService) -> str:
    with postgres_service.connect() as conn:
        return str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]  # type: ignore[index]


@pytest.fixture(scope="module")
def embedded_run(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> PytestRun:
    root = tmp_path_factory.mktemp("embedded")
    suite = _write_suite(root)
    env = clean_env(cache_dir=registry(request.config).settings.cache_dir)
    return run_pytest(["-s", str(suite)], cwd=root, env=env)


def _message(run: PytestRun, test: str, outcome: str) -> str:
    """The message ``run`` reported for ``test``, after checking that its outcome is ``outcome``."""
    result = run.outcomes[test]
    assert result.outcome == outcome
    return result.message


def test_embedded_mode_gives_the_process_its_own_throwaway_cluster(embedded_run: PytestRun) -> None:
    assert embedded_run.outcomes["test_database_identity"].outcome == "passed"
    assert "MODE=embedded" in embedded_run.stdout


def test_a_test_that_leaves_rows_behind_is_reported_as_an_error_naming_it(
    embedded_run: PytestRun,
) -> None:
    message = _message(embedded_run, "test_leaks_a_committed_row", "error")
    assert (
        "test_declared.py::test_leaks_a_committed_row left rows behind (workspaces: 1)" in message
    )


def test_after_a_leak_the_next_test_starts_from_empty_tables(embedded_run: PytestRun) -> None:
    assert embedded_run.outcomes["test_next_test_starts_clean_after_a_leak"].outcome == "passed"


def test_rolled_back_and_cleaned_up_commits_are_not_leaks(embedded_run: PytestRun) -> None:
    assert embedded_run.outcomes["test_rolled_back_session_work_is_no_leak"].outcome == "passed"
    assert embedded_run.outcomes["test_committing_engine_cleans_up"].outcome == "passed"


def test_asking_for_an_undeclared_service_is_a_clear_error(embedded_run: PytestRun) -> None:
    message = _message(embedded_run, "test_asks_for_postgres_without_declaring_it", "error")
    assert "does not declare it" in message
    assert 'pytest.mark.services("postgres")' in message


def test_search_tests_are_skipped_with_the_reason_when_no_server_is_configured(
    embedded_run: PytestRun,
) -> None:
    message = _message(embedded_run, "test_needs_opensearch", "skipped")
    assert "TEST_OPENSEARCH_URL is not set" in message


def test_an_unreachable_shared_server_fails_within_seconds_naming_service_and_address(
    tmp_path: Path, settings: TestSettings
) -> None:
    suite = _write_suite(tmp_path)
    # A non-routable address: the connection attempt hangs until connect_timeout.
    env = clean_env(
        {
            "TEST_POSTGRES_URL": "postgresql+psycopg://tester@10.255.255.1:5432/app",
            "TEST_POSTGRES_VERSION": "15",
            "TEST_CONNECT_TIMEOUT": "2",
            "TEST_LOCK_DIR": str(tmp_path / "locks"),
        },
        cache_dir=settings.cache_dir,
    )
    started = time.monotonic()
    run = run_pytest([str(suite / "declared" / "test_declared.py")], cwd=tmp_path, env=env)
    elapsed = time.monotonic() - started

    assert run.returncode != 0
    assert "postgres is unreachable at 10.255.255.1:5432" in run.stdout
    assert elapsed < 30


@pytest.mark.parametrize(
    ("declared", "refusal"),
    [
        ({}, "TEST_POSTGRES_VERSION must declare the server's version"),
        ({"TEST_POSTGRES_VERSION": "9.6"}, "TEST_POSTGRES_VERSION='9.6' but the server"),
    ],
    ids=["no-version-declared", "another-version-declared"],
)
def test_a_shared_server_without_its_version_declared_is_refused(
    tmp_path: Path,
    postgres_service: PostgresService,
    settings: TestSettings,
    declared: dict[str, str],
    refusal: str,
) -> None:
    suite = _write_suite(tmp_path)
    env = clean_env(
        {"TEST_POSTGRES_URL": postgres_service.url, **declared}, cache_dir=settings.cache_dir
    )

    run = run_pytest([str(suite / "declared" / "test_declared.py")], cwd=tmp_path, env=env)

    assert run.returncode != 0
    assert refusal in run.stdout


def _can_create_databases(postgres_service: PostgresService) -> bool:
    with postgres_service.connect() as conn:
        row = conn.execute(
            "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    return bool(row and row[0])


def _create_empty_database(conn: psycopg.Connection, name: str) -> None:
    """Create database ``name`` empty, dropping any database left under that name."""
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def test_slot_mode_clones_a_database_per_process_and_drops_leftovers_and_itself(
    tmp_path: Path,
    postgres_service: PostgresService,
    server_version: str,
    settings: TestSettings,
) -> None:
    if not _can_create_databases(postgres_service):
        pytest.skip("slot mode needs CREATEDB on the server under test")
    leftover = f"{SLOT_PREFIX}{SUITE_NAME}_{settings.namespace()}_s990"
    with postgres_service.connect() as conn:
        _create_empty_database(conn, leftover)
    suite = _write_suite(tmp_path)
    env = clean_env(
        {
            "TEST_POSTGRES_URL": postgres_service.url,
            "TEST_POSTGRES_VERSION": server_version,
            "TEST_ISOLATION": "slot",
            "TEST_SLOT": "991",
        },
        cache_dir=settings.cache_dir,
    )

    run = run_pytest(["-s", str(suite / "declared")], cwd=tmp_path, env=env)

    assert "MODE=slot" in run.stdout, run.stdout + run.stderr
    assert "_s991" in run.stdout
    assert f"dropped leftover test databases: {leftover}" in run.stderr
    assert run.outcomes["test_next_test_starts_clean_after_a_leak"].outcome == "passed"
    with postgres_service.connect() as conn:
        remaining = {
            name
            for (name,) in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'tl_slot_%'"
            )
        }
    assert leftover not in remaining
    assert not any(name.endswith("_s991") for name in remaining)


@pytest.fixture()
def shared_database(postgres_service: PostgresService) -> Iterator[str]:
    """A database of its own on this process's server, for a child in serial mode: the lock is
    per database, and this process may hold the one of its own database (serial mode)."""
    if not _can_create_databases(postgres_service):
        pytest.skip("needs CREATEDB on the server under test")
    name = f"tl_serial_child_{os.getpid()}"
    with postgres_service.connect() as conn:
        _create_empty_database(conn, name)
        try:
            yield postgres_service.sa_url.set(database=name).render_as_string(hide_password=False)
        finally:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.mark.manages_databases()  # reads the database it made for the child
def test_serial_mode_uses_the_shared_database_under_the_lock(
    tmp_path: Path,
    shared_database: str,
    server_version: str,
    settings: TestSettings,
) -> None:
    suite = _write_suite(tmp_path)
    env = clean_env(
        {
            "TEST_POSTGRES_URL": shared_database,
            "TEST_POSTGRES_VERSION": server_version,
        },
        cache_dir=settings.cache_dir,
    )

    run = run_pytest(["-s", str(suite / "declared")], cwd=tmp_path, env=env)

    expected_db = shared_database.rsplit("/", 1)[1]
    assert f"DBNAME={expected_db} MODE=serial" in run.stdout, run.stdout + run.stderr
    assert run.outcomes["test_committing_engine_cleans_up"].outcome == "passed"
    with psycopg.connect(shared_database.replace("+psycopg", "")) as conn:
        assert conn.execute("SELECT count(*) FROM workspaces").fetchone() == (0,)
