"""pytest plugin: provisions the services integration tests declare, and checks for leaks.

Registered by ``backend/tests/conftest.py`` (``pytest_plugins``), so every lane has the fixtures,
but nothing starts until a test that declares a service asks for it. The integration lane's
conftest additionally calls :func:`adopt_environment` before each test module is imported, so
that suites reading ``DATABASE_URL``/``POSTGRES_*`` at import time see this process's database.

Per-test isolation: ``db_connection``/``db_session``/``db_sessionmaker`` run the test inside a
transaction that is rolled back (sessions join it with ``join_transaction_mode=
"create_savepoint"``, so code under test may commit). Tests that must really commit (several
connections, concurrency, bulk import) use ``committing_engine``, which empties the tables
afterwards. After every test that declares postgres, the leak check compares row counts with
the session's baseline and reports surplus rows as an error of that test.
"""

from __future__ import annotations

import ast
import contextlib
import fnmatch
import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from catalog.devdb import EmbeddedPostgresError
from catalog_testing import lane_rules, retries
from catalog_testing.locks import ServiceLockTimeout
from catalog_testing.postgres import (
    PostgresService,
    ServiceUnavailable,
    provision_postgres,
    template_cluster,
)
from catalog_testing.search import SearchService, SearchServiceUnavailable, provision_search
from catalog_testing.settings import SERVICES, URL_VARS, ConfigError, TestSettings

# Failures of these are the environment's fault: show the message, not our traceback.
PROVISIONING_ERRORS = (
    ConfigError,
    ServiceUnavailable,
    SearchServiceUnavailable,
    ServiceLockTimeout,
    EmbeddedPostgresError,
)
# What a module that declares nothing gets when the lane adopts legacy suites.
LEGACY_SERVICES = frozenset({"postgres"})
_SEARCH_NAMES = {"opensearch": "OpenSearch", "elasticsearch": "Elasticsearch"}


class Registry:
    """This process's provisioned services, created on first use, torn down at exit."""

    def __init__(self, config: pytest.Config, settings: TestSettings) -> None:
        self.config = config
        self.settings = settings
        self._services: dict[str, PostgresService | SearchService] = {}
        self._failures: dict[str, str] = {}
        self._engine: Engine | None = None
        self.legacy_paths: set[Path] = set()
        self.exported: dict[str, str] = {}

    def announce(self, message: str) -> None:
        """Write to the real stderr even while pytest captures output (e.g. lock waits)."""
        capman = self.config.pluginmanager.getplugin("capturemanager")
        ctx = capman.global_and_fixture_disabled() if capman else contextlib.nullcontext()
        with ctx:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()

    def available(self, name: str) -> bool:
        return name == "postgres" or self.settings.is_shared(name)

    def get(self, name: str) -> PostgresService | SearchService:
        if name in self._failures:
            pytest.fail(self._failures[name], pytrace=False)
        if name not in self._services:
            try:
                with lane_rules.fixtures_connecting():
                    if name == "postgres":
                        self._services[name] = provision_postgres(self.settings, self.announce)
                    else:
                        self._services[name] = provision_search(name, self.settings, self.announce)
            except PROVISIONING_ERRORS as exc:
                self._failures[name] = f"cannot provision {name}: {exc}"
                pytest.fail(self._failures[name], pytrace=False)
        return self._services[name]

    def postgres(self) -> PostgresService:
        service = self.get("postgres")
        assert isinstance(service, PostgresService)
        return service

    def search(self, name: str) -> SearchService:
        service = self.get(name)
        assert isinstance(service, SearchService)
        return service

    def provisioned_postgres(self) -> PostgresService | None:
        service = self._services.get("postgres")
        return service if isinstance(service, PostgresService) else None

    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = create_engine(self.postgres().url, pool_pre_ping=True)
        return self._engine

    def export(self, names: Iterable[str]) -> None:
        """Provision ``names`` and put their addresses into os.environ for legacy suites."""
        for name in names:
            if not self.available(name):
                continue
            exports = self.get(name).env_exports()
            os.environ.update(exports)
            self.exported.update(exports)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        for service in reversed(list(self._services.values())):
            service.close()
        self._services.clear()


_REGISTRY = pytest.StashKey[Registry]()


def registry(config: pytest.Config) -> Registry:
    return config.stash[_REGISTRY]


# --- hooks ------------------------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    # Snapshot now: adopt_environment() later overwrites DATABASE_URL & co. in os.environ.
    try:
        settings = TestSettings.from_env()
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    # Also declared in pyproject.toml; repeated so the plugin works under any rootdir.
    config.addinivalue_line(
        "markers",
        "services(*names): shared services an integration test needs "
        "(postgres, opensearch, elasticsearch)",
    )
    config.addinivalue_line(
        "markers",
        "manages_databases: the test creates, claims or sweeps databases besides its own "
        "(tests of the isolation machinery); exempt from the slot database rule",
    )
    reg = Registry(config, settings)
    config.stash[_REGISTRY] = reg
    config.add_cleanup(reg.close)
    _stop_cleanly_on_sigterm()
    # What CATALOG_TEST_LANE allows (sockets, subprocesses, services) and retries (integration).
    lane_rules.register(config, reg)
    retries.register(config)


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _stop_cleanly_on_sigterm() -> None:
    """Runners stop test processes with SIGTERM; by default Python then dies without cleanup.

    As a KeyboardInterrupt, pytest tears down fixtures and we stop clusters, drop slot databases
    and release locks (a SIGKILL is covered by the parent-death signal and the sweeps instead).
    """
    if threading.current_thread() is threading.main_thread() and (
        signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    ):
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)


def declared_services(node: pytest.Item | pytest.Collector) -> set[str]:
    names: set[str] = set()
    for mark in node.iter_markers("services"):
        names.update(mark.args)
    return names


def _declared_in_source(path: Path) -> set[str] | None:
    """The services a module's ``pytestmark`` declares, read without importing it."""
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError):
        return None
    for node in tree.body:
        if not isinstance(node, ast.Assign | ast.AnnAssign):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if not any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in targets):
            continue
        found: set[str] = set()
        for call in ast.walk(node):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "services"
            ):
                found.update(
                    a.value
                    for a in call.args
                    if isinstance(a, ast.Constant) and isinstance(a.value, str)
                )
        return found or None
    return None


def adopt_environment(config: pytest.Config, file_path: Path) -> None:
    """Before ``file_path`` is imported, export the services it needs into os.environ.

    A module without a ``services`` marker is taken for a legacy suite needing postgres.
    Call from a ``pytest_collect_file`` hook of the lane's conftest.
    """
    patterns = config.getini("python_files")
    if file_path.suffix != ".py" or not any(fnmatch.fnmatch(file_path.name, p) for p in patterns):
        return
    reg = registry(config)
    names = _declared_in_source(file_path)
    if names is None:
        names = set(LEGACY_SERVICES)
        reg.legacy_paths.add(file_path)
    reg.export(sorted(names & set(SERVICES)))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reg = registry(config)
    for item in items:
        if item.path in reg.legacy_paths and not declared_services(item):
            item.add_marker(pytest.mark.services(*sorted(LEGACY_SERVICES)))
        names = declared_services(item)
        unknown = names - set(SERVICES)
        if unknown:
            raise pytest.UsageError(
                f"{item.nodeid}: unknown service(s) {sorted(unknown)} in services marker; "
                f"known: {', '.join(SERVICES)}"
            )
        for name in sorted(names):
            if not reg.available(name):
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"{URL_VARS[name]} is not set: no {_SEARCH_NAMES[name]} server "
                        f"to test against"
                    )
                )
                break


# --- fixtures ---------------------------------------------------------------------------------


def _require(request: pytest.FixtureRequest, name: str) -> Registry:
    if name not in declared_services(request.node):
        pytest.fail(
            f"{request.node.nodeid} uses fixture {request.fixturename!r}, which needs the {name!r} "
            f"service, but does not declare it: add "
            f'pytestmark = pytest.mark.services("{name}") to its module',
            pytrace=False,
        )
    return registry(request.config)


@pytest.fixture(autouse=True)
def _catalog_leak_check(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test that declares postgres, fail it if it left rows behind, or if another
    process is inside this process's slot database."""
    yield
    if "postgres" not in declared_services(request.node):
        return
    service = registry(request.config).provisioned_postgres()
    if service is None:
        return
    intruders = service.foreign_sessions()
    if intruders:
        pytest.fail(
            f"another process is connected to this slot's database while {request.node.nodeid} "
            f"ran: {'; '.join(intruders)}. A test there reaches into this slot's data (the "
            f"intruder's own run names the test when it runs in the integration lane)",
            pytrace=False,
        )
    leaked = service.leaked_rows()
    if leaked:
        # Empty the tables so that the next test starts clean and is not blamed too.
        service.truncate_tables()
        detail = ", ".join(f"{table}: {n}" for table, n in sorted(leaked.items()))
        pytest.fail(
            f"{request.node.nodeid} left rows behind ({detail}); use db_session for "
            f"rolled-back work or committing_engine, which cleans up after committing tests",
            pytrace=False,
        )


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

    The seeding fixture calls ``registry(request.config).postgres().accept_current_rows()``
    once it has committed,
    so the leak check measures each test against the seeded state; the tables are emptied and
    the baseline restored when the module ends.
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
        return template_cluster(reg.settings, reg.announce)
    except EmbeddedPostgresError as exc:
        pytest.skip(str(exc))


@pytest.fixture()
def opensearch_service(request: pytest.FixtureRequest) -> SearchService:
    return _require(request, "opensearch").search("opensearch")


@pytest.fixture()
def elasticsearch_service(request: pytest.FixtureRequest) -> SearchService:
    return _require(request, "elasticsearch").search("elasticsearch")
