"""Lane rules, enforced while each test runs (setup, call and teardown).

Tests of a lane that may touch nothing (``unit``, ``contract``) may not open network sockets (TCP
or Unix), start subprocesses or touch a database: such a test fails with ``lane rule (<lane>):
...`` naming the rule and the fix. Tests of a lane that may touch services (``integration``)
reach only the services they declare (``pytest.mark.services`` or the directory's BUILD):
the addresses of undeclared services are hidden from ``os.environ`` while the test runs, and
connecting to one of them fails the test. The isolation rule, in every mode (embedded, serial,
slot): a test may reach only what testlanes provisioned for its process; connecting to another
PostgreSQL server or database (the suite's own default, another slot's database, the template)
fails it, naming the address and the variable the suite probably read (tests of the isolation
machinery itself opt out with ``pytest.mark.manages_databases``). Connects are seen through
psycopg 3, psycopg2 and asyncpg (guards.py).

The lane and its policy come from lane_policy.LanePolicy (set by the BUILD macros from
lanes.toml); without ``TEST_LANE`` (a plain ``pytest`` run) only tests that declare a service
are guarded, by the service and isolation rules.

A violation is recorded as well as raised, so a test that catches the error (code under test that
turns every exception into "service down", say) still fails with the rule's message.
"""

from __future__ import annotations

import contextlib
import os
import socket
import warnings
from collections.abc import Generator, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pytest
import pytest_socket
from pytest_socket import SocketBlockedError

from testlanes import guards
from testlanes.config import URL_VARS
from testlanes.endpoints import endpoint
from testlanes.errors import ConfigError, LaneRuleError, as_excinfo
from testlanes.exports import INDEX_PREFIX_NAME, POSTGRES_NAMES, SEARCH_URL_NAMES
from testlanes.lane_policy import LanePolicy
from testlanes.markers import declared_services

if TYPE_CHECKING:
    from testlanes.registry import Registry


SOCKETS = "may not open network sockets"
SUBPROCESSES = "may not start subprocesses"
DATABASES = "may not touch a database"
SERVICES = "may not declare services"
_SERVICE_LANE = "a lane that may touch services (lanes.toml)"
_FIXES = {
    SOCKETS: f"move this test to {_SERVICE_LANE} and declare the service",
    SUBPROCESSES: f"move this test to {_SERVICE_LANE}",
    DATABASES: f'move this test to {_SERVICE_LANE} and declare pytest.mark.services("postgres")',
    SERVICES: f"move this test to {_SERVICE_LANE}",
}

# Where each service's address can be read; hidden from tests that do not declare the service.
SERVICE_ENV: dict[str, tuple[str, ...]] = {
    "postgres": (*POSTGRES_NAMES, URL_VARS["postgres"]),
    "opensearch": (SEARCH_URL_NAMES["opensearch"], URL_VARS["opensearch"]),
    "elasticsearch": (SEARCH_URL_NAMES["elasticsearch"], URL_VARS["elasticsearch"]),
}
_SEARCH_ENV = (INDEX_PREFIX_NAME,)  # shared by both search services


# The rules of a process outside every lane (no TEST_LANE): only tests that declare a service
# opt in, and for them only the service and isolation rules apply.
OUTSIDE_LANES = LanePolicy("outside-lanes", "services")


def rule_message(lane: str, rule: str, detail: str = "") -> str:
    message = f"lane rule ({lane}): tests in the {lane} lane {rule}; {_FIXES[rule]}"
    return f"{message} (attempted: {detail})" if detail else message


def service_message(lane: str, service: str, detail: str) -> str:
    return (
        f"lane rule ({lane}): tests may reach only the services they declare; this test "
        f"did not declare {service!r} but {detail}: add "
        f'pytestmark = pytest.mark.services("{service}") to its module'
    )


def isolation_message(target: str, own: str | None, suite_hint: str) -> str:
    mine = f"this process's database is {own}" if own else "this process has no database yet"
    return (
        f"isolation rule: this test connected to {target}, which testlanes did not provision "
        f"({mine}); {suite_hint}. Take connection details from the database_url/db_session "
        f"fixtures or the variables testlanes sets (a test of the isolation machinery opts out "
        f"with pytest.mark.manages_databases)"
    )


# --- per-session rules -------------------------------------------------------------------------


def _describe_args(args: Iterable[Any], limit: int = 120) -> str:
    text = " ".join(str(a) for a in args)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class LaneRules:
    """The rules of one pytest session's lane; a pytest plugin object."""

    def __init__(self, policy: LanePolicy, registry: Registry | None = None) -> None:
        self.policy = policy
        self.lane = policy.lane
        self.registry = registry
        self.item: pytest.Item | None = None
        self.declared: frozenset[str] = frozenset()
        self.violations: list[str] = []
        self._saved_sockets: tuple[Any, Any, Any] | None = None
        self._hidden_env: dict[str, str] = {}
        self._search_addresses: dict[tuple[str, int], str] | None = None

    @property
    def pure(self) -> bool:
        return self.policy.pure

    # --- violations ----------------------------------------------------------------------------

    def violation(self, message: str) -> LaneRuleError:
        self.violations.append(message)
        return LaneRuleError(message)

    def broken(self, rule: str, detail: str) -> LaneRuleError:
        return self.violation(rule_message(self.lane, rule, detail))

    # --- what the hooks see --------------------------------------------------------------------

    def on_audit(self, event: str, args: tuple[Any, ...]) -> None:
        if self.pure:
            if event in guards.PROCESS_EVENTS:
                shown = args[1] if event == "subprocess.Popen" else args[:2]
                raise self.broken(SUBPROCESSES, f"{event} {_describe_args([shown])}")
            sock, address = args[0], args[1]
            # Socket pairs (asyncio's self-pipe) never connect or bind; anything that does is
            # network traffic, on a Unix socket too.
            family = getattr(getattr(sock, "family", None), "name", "?")
            raise self.broken(SOCKETS, f"{event} {family} {address!r}")
        if event == "socket.connect" and isinstance(args[1], tuple) and len(args[1]) >= 2:
            host, port = str(args[1][0]), int(args[1][1])
            service = self._search_service_at(host, port)
            if service and service not in self.declared:
                raise self.violation(
                    service_message(self.lane, service, f"connected to {host}:{port}")
                )

    def on_database(self, params: Mapping[str, Any]) -> None:
        host, port = guards.connect_address(params)
        target = f"{host}:{port}"
        if self.pure:
            raise self.broken(DATABASES, f"connect to {target}/{guards.database_name(params)}")
        if "postgres" not in self.declared and self._is_postgres_service(params):
            raise self.violation(
                service_message(self.lane, "postgres", f"connected to it at {target}")
            )
        problem = self._unprovisioned_database(params)
        if problem:
            raise self.violation(problem)

    def _unprovisioned_database(self, params: Mapping[str, Any]) -> str | None:
        """Why connecting with ``params`` reaches a server or database this process did not
        provision (any mode: embedded, serial, slot), or None."""
        reg = self.registry
        if (
            reg is None
            or guards.fixture_connections
            or self.item is None
            or self.item.get_closest_marker("manages_databases")
        ):
            return None
        address, dbname = guards.connect_address(params), guards.database_name(params)
        service = reg.provisioned_postgres()
        if service is not None and service.owns(address, dbname):
            return None
        return isolation_message(
            f"{address[0]}:{address[1]}/{dbname}",
            service.describe() if service is not None else None,
            reg.suite_env_hint(),
        )

    # --- integration: where the services are ---------------------------------------------------

    def _postgres_addresses(self) -> list[tuple[str, str]]:
        if self.registry is None:
            return []
        urls = []
        shared = self.registry.settings.urls.get("postgres")
        if shared:
            urls.append(shared)
        service = self.registry.provisioned_postgres()
        if service is not None:
            urls.append(service.url)
        return [guards.url_address(url) for url in urls]

    def _is_postgres_service(self, params: Mapping[str, Any]) -> bool:
        target = guards.connect_address(params)
        return any(guards.same_address(address, target) for address in self._postgres_addresses())

    def _search_service_at(self, host: str, port: int) -> str | None:
        if self._search_addresses is None:
            return None
        return self._search_addresses.get((host, port)) or (
            self._search_addresses.get(("127.0.0.1", port)) if guards.loopback(host) else None
        )

    def _resolve_search_services(self) -> dict[tuple[str, int], str]:
        addresses: dict[tuple[str, int], str] = {}
        urls = self.registry.settings.urls if self.registry is not None else {}
        for name, url in urls.items():
            if name == "postgres":
                continue
            try:
                where = endpoint(url)
            except ConfigError:
                continue  # provisioning says so; nothing can connect to it either
            port = where.port
            host = "127.0.0.1" if guards.loopback(where.host) else where.host
            addresses[(host, port)] = name
            if guards.is_ip(host):
                continue
            try:
                infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
            except OSError:
                continue  # unresolvable now: then nothing can connect to it by name either
            for info in infos:
                addresses[(str(info[4][0]), port)] = name
        return addresses

    # --- sockets in the pure lanes -------------------------------------------------------------

    def _block_sockets(self) -> None:
        self._saved_sockets = (socket.socket, socket.getaddrinfo, socket.gethostbyname)
        pytest_socket.disable_socket(allow_unix_socket=True)
        blocked = socket.socket
        rules = self

        class LaneGuardedSocket(blocked):  # type: ignore[misc,valid-type]
            def __new__(
                cls,
                family: int = -1,
                type: int = -1,
                proto: int = -1,
                fileno: int | None = None,
            ) -> Any:
                try:
                    # pytest-socket warns before it raises; under filterwarnings=error the
                    # warning would replace its SocketBlockedError, and we report it anyway.
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", UserWarning)
                        return super().__new__(cls, family, type, proto, fileno)
                except SocketBlockedError:
                    name = socket.AddressFamily(family).name if family != -1 else "AF_INET"
                    raise rules.broken(SOCKETS, f"socket.socket({name})") from None

        def lookup(name: str) -> Any:
            def blocked_lookup(*args: Any, **kwargs: Any) -> Any:
                raise rules.broken(SOCKETS, f"socket.{name}({_describe_args(args[:2])})")

            return blocked_lookup

        socket.socket = LaneGuardedSocket  # type: ignore[misc]
        socket.getaddrinfo = lookup("getaddrinfo")
        socket.gethostbyname = lookup("gethostbyname")

    def _unblock_sockets(self) -> None:
        if self._saved_sockets is not None:
            socket.socket, socket.getaddrinfo, socket.gethostbyname = self._saved_sockets  # type: ignore[misc]
            self._saved_sockets = None

    # --- integration: hide undeclared services' addresses --------------------------------------

    def _hide_undeclared_env(self) -> None:
        names = [var for svc, vs in SERVICE_ENV.items() if svc not in self.declared for var in vs]
        if not {"opensearch", "elasticsearch"} & self.declared:
            names += _SEARCH_ENV
        self._hidden_env = {n: os.environ.pop(n) for n in names if n in os.environ}

    def _restore_env(self) -> None:
        os.environ.update(self._hidden_env)
        self._hidden_env = {}

    # --- pytest hooks --------------------------------------------------------------------------

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if not self.pure:
            self._search_addresses = self._resolve_search_services()

    # A plain implementation, not a wrapper: it runs after every wrapper has set up (logging,
    # capture) and before pytest-socket's and the fixtures' setup, and it may raise.
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self.declared = frozenset(declared_services(item))
        self.violations = []
        if self.policy is OUTSIDE_LANES and not self.declared:
            return  # no lane and no declared service: this test did not opt in
        self.item = item
        if self.pure:
            self._block_sockets()
        else:
            self._hide_undeclared_env()
        guards.ACTIVE.append(self)
        problems = static_violations(item, self.policy, self.declared)
        if problems:
            raise self.violation("\n".join(problems))

    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> Generator[None, None, None]:
        try:
            return (yield)
        finally:
            self._deactivate()

    def _deactivate(self) -> None:
        with contextlib.suppress(ValueError):
            guards.ACTIVE.remove(self)
        self._unblock_sockets()
        self._restore_env()
        self.item = None

    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        messages = list(dict.fromkeys(self.violations))
        self.violations = []
        if not messages:
            return report
        original = report.longreprtext if report.failed else ""
        if all(m in original for m in messages):
            return report  # the rule's own error reached pytest: its traceback says it all
        report.outcome = "failed"
        with contextlib.suppress(AttributeError):
            del report.wasxfail  # type: ignore[attr-defined]
        caught = "" if original else "\n(the test caught the error, but the rule was broken)"
        report.longrepr = "\n".join(messages) + caught + (f"\n\n{original}" if original else "")
        # The retry plugin decides by the test's exception: a swallowed rule is never retried.
        cause = call.excinfo.value if call.excinfo else None
        call.excinfo = as_excinfo(LaneRuleError(messages[0]), cause)
        return report


def static_violations(item: pytest.Item, policy: LanePolicy, declared: Iterable[str]) -> list[str]:
    """Rules a test breaks by how it is written, before it runs."""
    found = []
    lane = policy.lane
    if policy.pure:
        declared = sorted(declared)
        if declared:
            found.append(rule_message(lane, SERVICES, f"services({', '.join(declared)})"))
        if item.get_closest_marker("enable_socket") or "socket_enabled" in getattr(
            item, "fixturenames", ()
        ):
            found.append(rule_message(lane, SOCKETS, "pytest-socket's enable_socket"))
    return found


def register(
    config: pytest.Config, policy: LanePolicy | None, registry: Registry | None
) -> LaneRules:
    """Called from testlanes.plugin's pytest_configure. Without a lane (a plain ``pytest``
    run), the rules still guard every test that declares a service."""
    guards.install_process_hooks()
    rules = LaneRules(policy or OUTSIDE_LANES, registry)
    config.pluginmanager.register(rules, "testlanes_lane_rules")
    return rules
