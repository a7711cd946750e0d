"""This process's provisioned services: those its directory or suite declares before any
conftest is imported (or the session ends there, see startup.py), those only a marker declares
on first use; torn down when the session ends."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable

import psycopg
import pytest
from sqlalchemy import Engine, create_engine

from embedded_postgres import EmbeddedPostgresError
from testlanes import guards
from testlanes.config import ISOLATION_VAR, SERVICES_VAR, URL_VARS, TestSettings
from testlanes.endpoints import endpoint
from testlanes.errors import ConfigError, NotProvisioned, ServiceLockTimeout, ServiceUnavailable
from testlanes.exports import POSTGRES_NAMES, placeholder_exports
from testlanes.modes import Mode, decide
from testlanes.outages import OutageTracker
from testlanes.postgres import PostgresService, provision_postgres
from testlanes.search import SearchService, provision_search
from testlanes.suites import DEFAULT_SUITE, Suite

# Failures of these are the environment's fault: show the message, not our traceback.
PROVISIONING_ERRORS = (
    ConfigError,
    # A statement a mode runs that the server refuses (permissions, a full disk, ...).
    psycopg.Error,
    ServiceUnavailable,
    ServiceLockTimeout,
    EmbeddedPostgresError,
)


class Registry:
    def __init__(
        self, config: pytest.Config, settings: TestSettings, suite: Suite | ConfigError
    ) -> None:
        self.config = config
        self.settings = settings
        self._suite = suite
        self._services: dict[str, PostgresService | SearchService] = {}
        # Why a service could not be provisioned on first use: every test that needs it fails so.
        self._failures: dict[str, str] = {}
        self._engine: Engine | None = None
        self.exported: dict[str, str] = {}
        self.outages = OutageTracker(self.addresses)

    @property
    def suite(self) -> Suite:
        """This process's suite; a configuration problem with it is raised only when needed."""
        if isinstance(self._suite, ConfigError):
            raise self._suite
        return self._suite

    def announce(self, message: str) -> None:
        """Write to the real stderr even while pytest captures output (e.g. lock waits)."""
        capman = self.config.pluginmanager.getplugin("capturemanager")
        ctx = capman.global_and_fixture_disabled() if capman else contextlib.nullcontext()
        with ctx:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()

    def available(self, name: str) -> bool:
        return decide(self.settings, name) is not Mode.UNAVAILABLE

    def get(self, name: str) -> PostgresService | SearchService:
        if name in self._failures:
            raise NotProvisioned(name, self._failures[name])
        if name not in self._services:
            try:
                self._services[name] = self._provision(name)
            except PROVISIONING_ERRORS as exc:
                self._failures[name] = _describe(exc)
                raise NotProvisioned(name, self._failures[name]) from None
        return self._services[name]

    def _provision(self, name: str) -> PostgresService | SearchService:
        with guards.fixtures_connecting():
            if name == "postgres":
                return provision_postgres(self.suite, self.settings, self.announce)
            return provision_search(name, self.settings, self.announce)

    def declared_services(self) -> frozenset[str]:
        """What every test of this process needs: its directory's (TEST_SERVICES, from the BUILD
        macro) and its suite's (``services`` in its table), if the suite is known."""
        suite = self._suite if isinstance(self._suite, Suite) else None
        return self.settings.directory_services | (suite.services if suite else frozenset())

    def declared_by(self) -> str:
        where = []
        if self.settings.directory_services:
            where.append(f"{SERVICES_VAR}={','.join(sorted(self.settings.directory_services))}")
        if isinstance(self._suite, Suite) and self._suite.services:
            where.append(f"[tool.testlanes.suites.{self._suite.name}].services")
        return " and ".join(where) or "a services marker"

    def provision_declared(self, names: Iterable[str]) -> None:
        """Provision ``names`` and point the suite's variables at them, or raise NotProvisioned
        after closing whatever was provisioned (the session then ends before any import)."""
        for name in sorted(names):
            if name in self._services:
                continue
            if not self.available(name):
                # Its tests are skipped, saying why; its variables must still not fall back.
                self._export(placeholder_exports(name, self._env_names()))
                continue
            try:
                self._services[name] = self._provision(name)
                exports = self._services[name].env_exports()
            except PROVISIONING_ERRORS as exc:
                self.close()  # this service too, when only its variables failed
                raise NotProvisioned(name, _describe(exc)) from None
            self._export(exports)

    def prepare_xdist_controller(self, names: Iterable[str]) -> None:
        """The controller provisions nothing (each worker does); the suite's variables point
        nowhere, so code the controller imports cannot reach the suite's defaults."""
        serial = sorted(n for n in names if decide(self.settings, n) is Mode.SERIAL)
        if serial:
            raise ConfigError(
                f"{', '.join(serial)} in serial mode gives one process at a time the shared "
                f"server, so xdist workers would wait for each other: use "
                f"{ISOLATION_VAR}=slot (a database per worker), unset {URL_VARS['postgres']} "
                f"(a cluster per worker), or run without -n"
            )
        for name in sorted(names):
            self._export(placeholder_exports(name, self._env_names()))

    def suite_env_hint(self) -> str:
        """Which of the suite's variables testlanes sets: what an isolation-rule message cites
        when a suite connected to an address of its own."""
        if not isinstance(self._suite, Suite) or self._suite.name == DEFAULT_SUITE.name:
            return "the suite may read its address from a variable testlanes does not set"
        where = f"[tool.testlanes.suites.{self._suite.name}].env"
        unset = [name for name in POSTGRES_NAMES if name not in self._suite.env_names]
        return (
            f"the suite's settings may read a variable missing from {where} (it lists "
            f"{', '.join(self._suite.env_names)}; not set: {', '.join(unset) or 'none'})"
        )

    def _env_names(self) -> tuple[str, ...]:
        return self._suite.env_names if isinstance(self._suite, Suite) else POSTGRES_NAMES

    def _export(self, exports: dict[str, str]) -> None:
        os.environ.update(exports)
        self.exported.update(exports)

    def suite_name(self) -> str:
        return self._suite.name if isinstance(self._suite, Suite) else "(not chosen yet)"

    def provisioned(self, name: str) -> PostgresService | SearchService | None:
        return self._services.get(name)

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

    def addresses(self) -> dict[str, tuple[str, int, str]]:
        """Where each provisioned service listens, and where that address came from."""
        found: dict[str, tuple[str, int, str]] = {}
        for name, service in self._services.items():
            if isinstance(service, PostgresService):
                where = endpoint(service.url)
                source = URL_VARS[name] if service.mode != "embedded" else "embedded server"
                found[name] = (where.host, where.port, source)
            else:
                where = endpoint(service.url)
                found[name] = (where.host, where.port, URL_VARS[name])
        return found

    def is_down(self, name: str) -> bool:
        return name in self.outages.down

    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = create_engine(self.postgres().url, pool_pre_ping=True)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        for name, service in reversed(list(self._services.items())):
            if self.is_down(name):
                with contextlib.suppress(Exception):  # the server is gone: nothing to clean
                    service.close()
            else:
                service.close()
        self._services.clear()


def _describe(exc: Exception) -> str:
    if isinstance(exc, psycopg.Error):
        return f"the server refused a statement ({type(exc).__name__}: {str(exc).strip()})"
    return str(exc)


_REGISTRY = pytest.StashKey[Registry]()


def registry(config: pytest.Config) -> Registry:
    return config.stash[_REGISTRY]


def install(config: pytest.Config, reg: Registry) -> None:
    config.stash[_REGISTRY] = reg
