"""Slot mode keeps each process to its own databases, and says so when a test reaches out.

One child pytest run in slot mode (on this process's server) with lane rules on; each test here
checks one of its outcomes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg import sql
from testlanes_tests.provisioning.demo_suite import SUITE_NAME, write_suite_config

from testlanes.postgres import PostgresService
from testlanes.postgres.claims import SLOT_PREFIX as TEST_DB_PREFIX
from testlanes.postgres.claims import claim as _claim
from testlanes.registry import registry
from testlanes_testkit.runner import PytestRun, clean_env, run_pytest

pytestmark = [pytest.mark.services("postgres"), pytest.mark.manages_databases]

SIBLING_SLOT = "s992"

SLOT_SUITE = f"""
import psycopg
import pytest

pytestmark = pytest.mark.services("postgres")


def _sibling(service):
    return service.dbname.rsplit("_", 1)[0] + "_{SIBLING_SLOT}"


def _connect(service, dbname, **kwargs):
    url = service.sa_url
    return psycopg.connect(
        host=url.host, port=url.port, user=url.username, dbname=dbname, **kwargs
    )


def test_reaches_into_another_slots_database(postgres_service):
    try:
        _connect(postgres_service, _sibling(postgres_service)).close()
    except Exception:
        pass  # code under test that swallows errors does not hide the rule


def test_uses_its_own_scratch_database(postgres_service, empty_database_url):
    with psycopg.connect(empty_database_url.replace("+psycopg", "")) as conn:
        conn.execute("SELECT 1")


@pytest.mark.manages_databases
def test_harness_test_reaches_another_database_on_purpose(postgres_service):
    _connect(postgres_service, _sibling(postgres_service)).close()


INTRUDER = []


def test_another_process_sits_in_this_slots_database(postgres_service):
    # A session under another application_name is what another slot's process looks like.
    own = postgres_service.dbname
    INTRUDER.append(_connect(postgres_service, own, application_name="intruder"))


def test_the_intruder_leaves(postgres_service):
    INTRUDER.pop().close()
"""


@pytest.fixture(scope="module")
def sibling_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """Another slot's live database on the server: claimed, so no sweep drops it."""
    reg = registry(request.config)
    # The name slot SIBLING_SLOT gets on this host (the child's slot differs only in its number).
    name = f"{TEST_DB_PREFIX}{SUITE_NAME}_{reg.settings.namespace()}_{SIBLING_SLOT}"
    with reg.postgres().connect() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        assert _claim(conn, name)
        yield name
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="module")
def slot_run(
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
    sibling_database: str,
) -> PytestRun:
    service: PostgresService = registry(request.config).postgres()
    with service.connect() as conn:
        row = conn.execute(
            "SELECT rolcreatedb OR rolsuper, current_setting('server_version') FROM pg_roles "
            "WHERE rolname = current_user"
        ).fetchone()
    if not (row and row[0]):
        pytest.skip("slot mode needs CREATEDB on the server under test")
    root: Path = write_suite_config(tmp_path_factory.mktemp("slot-rules"))
    (root / "test_slot_suite.py").write_text(SLOT_SUITE)
    env = clean_env(
        {
            "TEST_POSTGRES_URL": service.url,
            "TEST_POSTGRES_VERSION": str(row[1]).split()[0],
            "TEST_ISOLATION": "slot",
            # The sibling's slot number, so the child derives the sibling's name from its own.
            "TEST_SLOT": "993",
            "TEST_LANE": "integration",
            "TEST_LANE_MAY_TOUCH": "services",
            "TEST_STRICT": "1",
        },
        cache_dir=registry(request.config).settings.cache_dir,
    )
    return run_pytest([str(root)], cwd=root, env=env)


def test_connecting_to_another_slots_database_fails_the_test_naming_it(
    slot_run: PytestRun, sibling_database: str
) -> None:
    result = slot_run.outcomes["test_reaches_into_another_slots_database"]
    assert result.outcome == "failed", slot_run.stdout + slot_run.stderr
    assert "isolation rule: this test connected to " in result.message
    assert f"/{sibling_database}, which testlanes did not provision" in result.message


def test_a_process_may_use_its_own_scratch_databases(slot_run: PytestRun) -> None:
    result = slot_run.outcomes["test_uses_its_own_scratch_database"]
    assert result.outcome == "passed", result.message


def test_tests_marked_manages_databases_are_exempt(slot_run: PytestRun) -> None:
    result = slot_run.outcomes["test_harness_test_reaches_another_database_on_purpose"]
    assert result.outcome == "passed", result.message


def test_another_process_in_this_slots_database_is_reported(slot_run: PytestRun) -> None:
    result = slot_run.outcomes["test_another_process_sits_in_this_slots_database"]
    assert result.outcome == "error", slot_run.stdout + slot_run.stderr
    assert "another process is connected to this slot's database" in result.message
    assert "application_name 'intruder'" in result.message
