"""Lane rules, enforced while each test runs (setup, call and teardown).

``unit`` and ``contract`` tests may not open network sockets (TCP or Unix), start subprocesses or
touch a database: such a test fails with ``lane rule (<lane>): ...`` naming the rule and the fix.
``integration`` tests may reach only the services they declare with ``pytest.mark.services``:
the addresses of undeclared services are hidden from ``os.environ`` while the test runs, and
connecting to one of them fails the test. In slot mode they may also reach only their own
databases on the shared server: connecting to another slot's database, the template or the
database DATABASE_URL names fails the test (tests of the isolation machinery itself opt out with
``pytest.mark.manages_databases``).

The lane comes from ``CATALOG_TEST_LANE``, which each lane's BUILD file sets; without it (a bare
``pytest`` run, or a child pytest started by a test) no rule applies.

A violation is recorded as well as raised, so a test that catches the error (code under test that
turns every exception into "service down", say) still fails with the rule's message.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import sys
import warnings
from collections.abc import Generator, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import psycopg
import pytest
import pytest_socket
from pytest_socket import SocketBlockedError

if TYPE_CHECKING:
    from catalog_testing.plugin import Registry

LANE_VAR = "CATALOG_TEST_LANE"
PURE_LANES = ("unit", "contract")
INTEGRATION = "integration"

SOCKETS = "may not open network sockets"
SUBPROCESSES = "may not start subprocesses"
DATABASES = "may not touch a database"
SERVICES = "may not declare services"
_FIXES = {
    SOCKETS: "move this test to the integration lane and declare the service",
    SUBPROCESSES: "move this test to the integration lane",
    DATABASES: (
        'move this test to the integration lane and declare pytest.mark.services("postgres")'
    ),
    SERVICES: "move this test to the integration lane",
}

# What each service's fixtures export; hidden from tests that do not declare the service.
SERVICE_ENV: dict[str, tuple[str, ...]] = {
    "postgres": (
        "DATABASE_URL",
        "POSTGRES_HOST",
        "POSTGRES_PORT",
        "POSTGRES_DB",
        "POSTGRES_USER",
        "POSTGRES_PASSWORD",
        "PGHOST",
        "PGPORT",
        "PGDATABASE",
        "PGUSER",
        "PGPASSWORD",
    ),
    "opensearch": ("OPENSEARCH_URL",),
    "elasticsearch": ("ELASTICSEARCH_URL",),
}
_SEARCH_ENV = ("INDEX_PREFIX",)  # shared by both search services

# Audit events (PEP 578) that start another program. There is no well-kept pytest plugin that
# blocks subprocesses, and monkeypatching subprocess/os misses callers that bound the functions
# at import time; audit events are raised by the interpreter itself for every route (subprocess,
# os.system, os.exec*, os.posix_spawn*, os.spawn*, fork), whoever calls them.
_PROCESS_EVENTS = frozenset(
    {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork"}
    | {"os.forkpty"}
)
_SOCKET_EVENTS = frozenset({"socket.connect", "socket.bind"})
_WATCHED = _PROCESS_EVENTS | _SOCKET_EVENTS


class LaneRuleError(RuntimeError):
    """A test broke its lane's rule; the message names the rule, the lane and the fix."""


def rule_message(lane: str, rule: str, detail: str = "") -> str:
    message = f"lane rule ({lane}): tests in the {lane} lane {rule}; {_FIXES[rule]}"
    return f"{message} (attempted: {detail})" if detail else message


def service_message(service: str, detail: str) -> str:
    return (
        f"lane rule ({INTEGRATION}): tests may reach only the services they declare; this test "
        f"did not declare {service!r} but {detail}: add "
        f'pytestmark = pytest.mark.services("{service}") to its module'
    )


def slot_message(dbname: str, own: str | None) -> str:
    mine = f"its own database is {own!r}" if own else "it has no database of its own yet"
    return (
        f"isolation rule (slot): a test may reach only its own process's databases on the shared "
        f"server, but this test connected to {dbname!r} ({mine}), which may be another slot's "
        f"data; take connection details from the database_url/db_session fixtures"
    )


# --- process-wide hooks (installed once, dispatch to the innermost running session) -----------

# Sessions whose test is running right now; pytester runs sessions inside sessions.
_ACTIVE: list[LaneRules] = []
_installed = False
# Above zero while the fixtures themselves connect (provisioning reaches the maintenance database).
_fixture_connections = 0


@contextlib.contextmanager
def fixtures_connecting() -> Iterator[None]:
    """The fixtures, not the test, are connecting: the slot database rule does not apply."""
    global _fixture_connections
    _fixture_connections += 1
    try:
        yield
    finally:
        _fixture_connections -= 1


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event in _WATCHED and _ACTIVE:
        _ACTIVE[-1].on_audit(event, args)


def _guard_database(params: Mapping[str, Any]) -> None:
    if _ACTIVE:
        _ACTIVE[-1].on_database(params)


def _install_process_hooks() -> None:
    """Once per process: audit hooks cannot be removed, so they dispatch to whoever is active."""
    global _installed
    if _installed:
        return
    _installed = True
    sys.addaudithook(_audit)
    # libpq opens its sockets in C, out of reach of pytest-socket and the audit hook: guard the
    # one classmethod every psycopg 3 connect (sync, async, SQLAlchemy's) passes its params to.
    sync_params = psycopg.Connection._get_connection_params.__func__
    async_params = psycopg.AsyncConnection._get_connection_params.__func__

    def get_params(cls: type, conninfo: str, **kwargs: Any) -> Any:
        params = sync_params(cls, conninfo, **kwargs)
        _guard_database(params)
        return params

    async def aget_params(cls: type, conninfo: str, **kwargs: Any) -> Any:
        params = await async_params(cls, conninfo, **kwargs)
        _guard_database(params)
        return params

    psycopg.Connection._get_connection_params = classmethod(get_params)  # type: ignore[method-assign,assignment]
    psycopg.AsyncConnection._get_connection_params = classmethod(aget_params)  # type: ignore[method-assign,assignment]


# --- per-session rules -------------------------------------------------------------------------


def _describe_args(args: Iterable[Any], limit: int = 120) -> str:
    text = " ".join(str(a) for a in args)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _loopback(host: str) -> bool:
    return host in ("localhost", "127.0.0.1", "::1", "")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _connect_address(params: Mapping[str, Any]) -> tuple[str, str]:
    """Where a psycopg connect with ``params`` goes, with libpq's environment defaults."""
    host = str(params.get("host") or os.environ.get("PGHOST") or "localhost")
    port = str(params.get("port") or os.environ.get("PGPORT") or "5432")
    return host, port


def _url_address(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.hostname or "localhost", str(parts.port or 5432)


def _same_address(a: tuple[str, str], b: tuple[str, str]) -> bool:
    return _same_host(a[0], b[0]) and a[1] == b[1]


def _same_host(a: str, b: str) -> bool:
    return a == b or (_loopback(a) and _loopback(b))


class LaneRules:
    """The rules of one pytest session's lane; a pytest plugin object."""

    def __init__(self, lane: str, registry: Registry | None = None) -> None:
        self.lane = lane
        self.registry = registry
        self.item: pytest.Item | None = None
        self.declared: frozenset[str] = frozenset()
        self.violations: list[str] = []
        self._saved_sockets: tuple[Any, Any, Any] | None = None
        self._hidden_env: dict[str, str] = {}
        self._search_addresses: dict[tuple[str, int], str] | None = None

    @property
    def pure(self) -> bool:
        return self.lane in PURE_LANES

    # --- violations ----------------------------------------------------------------------------

    def violation(self, message: str) -> LaneRuleError:
        self.violations.append(message)
        return LaneRuleError(message)

    def broken(self, rule: str, detail: str) -> LaneRuleError:
        return self.violation(rule_message(self.lane, rule, detail))

    # --- what the hooks see --------------------------------------------------------------------

    def on_audit(self, event: str, args: tuple[Any, ...]) -> None:
        if self.pure:
            if event in _PROCESS_EVENTS:
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
                raise self.violation(service_message(service, f"connected to {host}:{port}"))

    def on_database(self, params: Mapping[str, Any]) -> None:
        host, port = _connect_address(params)
        target = f"{host}:{port}"
        if self.pure:
            raise self.broken(DATABASES, f"psycopg connect to {target}/{params.get('dbname', '')}")
        if "postgres" not in self.declared and self._is_postgres_service(params):
            raise self.violation(service_message("postgres", f"connected to it at {target}"))
        problem = self._foreign_database(params)
        if problem:
            raise self.violation(problem)

    def _foreign_database(self, params: Mapping[str, Any]) -> str | None:
        """In slot mode, why connecting to ``params`` reaches outside this process's databases."""
        reg = self.registry
        if (
            reg is None
            or _fixture_connections
            or reg.settings.isolation != "slot"
            or "postgres" not in reg.settings.urls
            or self.item is None
            or self.item.get_closest_marker("manages_databases")
        ):
            return None
        if not _same_address(_url_address(reg.settings.urls["postgres"]), _connect_address(params)):
            return None
        # libpq's own default when no database is named: PGDATABASE, else the user name.
        dbname = str(
            params.get("dbname")
            or os.environ.get("PGDATABASE")
            or params.get("user")
            or os.environ.get("PGUSER")
            or ""
        )
        service = reg.provisioned_postgres()
        if service is not None and service.owns(dbname):
            return None
        return slot_message(dbname, service.dbname if service else None)

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
        return [_url_address(url) for url in urls]

    def _is_postgres_service(self, params: Mapping[str, Any]) -> bool:
        target = _connect_address(params)
        return any(_same_address(address, target) for address in self._postgres_addresses())

    def _search_service_at(self, host: str, port: int) -> str | None:
        if self._search_addresses is None:
            return None
        return self._search_addresses.get((host, port)) or (
            self._search_addresses.get(("127.0.0.1", port)) if _loopback(host) else None
        )

    def _resolve_search_services(self) -> dict[tuple[str, int], str]:
        addresses: dict[tuple[str, int], str] = {}
        urls = self.registry.settings.urls if self.registry is not None else {}
        for name, url in urls.items():
            if name == "postgres":
                continue
            parts = urlsplit(url)
            if not parts.hostname:
                continue
            port = parts.port or (443 if parts.scheme == "https" else 80)
            host = "127.0.0.1" if _loopback(parts.hostname) else parts.hostname
            addresses[(host, port)] = name
            if _is_ip(host):
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
        if self.lane == INTEGRATION:
            self._search_addresses = self._resolve_search_services()

    # A plain implementation, not a wrapper: it runs after every wrapper has set up (logging,
    # capture) and before pytest-socket's and the fixtures' setup, and it may raise.
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        from catalog_testing.plugin import declared_services

        self.item = item
        self.declared = frozenset(declared_services(item))
        self.violations = []
        if self.pure:
            self._block_sockets()
        elif self.lane == INTEGRATION:
            self._hide_undeclared_env()
        _ACTIVE.append(self)
        problems = static_violations(item, self.lane, self.declared)
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
            _ACTIVE.remove(self)
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
        return report


def static_violations(item: pytest.Item, lane: str, declared: Iterable[str]) -> list[str]:
    """Rules a test breaks by how it is written, before it runs."""
    found = []
    if lane in PURE_LANES:
        declared = sorted(declared)
        if declared:
            found.append(rule_message(lane, SERVICES, f"services({', '.join(declared)})"))
        if item.get_closest_marker("enable_socket") or "socket_enabled" in getattr(
            item, "fixturenames", ()
        ):
            found.append(rule_message(lane, SOCKETS, "pytest-socket's enable_socket"))
    return found


def lane_of(env: Mapping[str, str] | None = None) -> str:
    return (os.environ if env is None else env).get(LANE_VAR, "")


def register(config: pytest.Config, registry: Registry | None) -> LaneRules | None:
    """Called from catalog_testing.plugin's pytest_configure."""
    lane = lane_of()
    if lane not in (*PURE_LANES, INTEGRATION):
        return None
    _install_process_hooks()
    rules = LaneRules(lane, registry)
    config.pluginmanager.register(rules, "catalog_lane_rules")
    return rules
