"""Process-wide hooks the lane rules dispatch from: audit events and every PostgreSQL connect
(psycopg 3, psycopg2 and asyncpg, the drivers suites use).

Installed once per process (audit hooks cannot be removed); each event goes to the innermost
running session's rules, since pytester runs sessions inside sessions.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.util
import ipaddress
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, Protocol

import psycopg

from testlanes.endpoints import endpoint


class Watcher(Protocol):
    def on_audit(self, event: str, args: tuple[Any, ...]) -> None: ...

    def on_database(self, params: Mapping[str, Any]) -> None: ...


# Audit events (PEP 578) that start another program. There is no well-kept pytest plugin that
# blocks subprocesses, and monkeypatching subprocess/os misses callers that bound the functions
# at import time; audit events are raised by the interpreter itself for every route (subprocess,
# os.system, os.exec*, os.posix_spawn*, os.spawn*, fork), whoever calls them.
PROCESS_EVENTS = frozenset(
    {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork"}
    | {"os.forkpty"}
)
SOCKET_EVENTS = frozenset({"socket.connect", "socket.bind"})
_WATCHED = PROCESS_EVENTS | SOCKET_EVENTS

# Sessions whose test is running right now; pytester runs sessions inside sessions.
ACTIVE: list[Watcher] = []
_installed = False
# Above zero while the fixtures themselves connect (provisioning reaches the maintenance database).
fixture_connections = 0


@contextlib.contextmanager
def fixtures_connecting() -> Iterator[None]:
    """The fixtures, not the test, are connecting: the slot database rule does not apply."""
    global fixture_connections
    fixture_connections += 1
    try:
        yield
    finally:
        fixture_connections -= 1


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event in _WATCHED and ACTIVE:
        ACTIVE[-1].on_audit(event, args)


def _guard_database(params: Mapping[str, Any]) -> None:
    if ACTIVE:
        ACTIVE[-1].on_database(params)


def install_process_hooks() -> None:
    """Once per process: audit hooks cannot be removed, so they dispatch to whoever is active."""
    global _installed
    if _installed:
        return
    _installed = True
    sys.addaudithook(_audit)
    _guard_psycopg()
    later = {}
    for name, guard in (("psycopg2", _guard_psycopg2), ("asyncpg.connect_utils", _guard_asyncpg)):
        if name in sys.modules:
            guard(sys.modules[name])
        else:
            later[name] = guard
    sys.meta_path.insert(0, _GuardOnImport(later))


class _GuardOnImport(importlib.abc.MetaPathFinder):
    """Guards a driver module when it is first imported: a process that never uses psycopg2 or
    asyncpg never pays for importing them."""

    def __init__(self, guards: dict[str, Callable[[ModuleType], None]]) -> None:
        self._guards = guards

    def find_spec(self, name: str, path: Any, target: Any = None) -> ModuleSpec | None:
        guard = self._guards.pop(name, None)
        if guard is None:
            return None
        spec = importlib.util.find_spec(name)  # the real finders (we no longer claim the name)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_guard(module: ModuleType) -> None:
            exec_module(module)
            guard(module)

        spec.loader.exec_module = exec_and_guard  # type: ignore[method-assign]
        return spec


def _guard_psycopg() -> None:
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


def _guard_psycopg2(psycopg2: ModuleType) -> None:
    # psycopg2.connect (and SQLAlchemy's psycopg2 dialect) builds a DSN and hands it to the C
    # extension's _connect, looked up in the module at call time: guard that one function.
    from psycopg2.extensions import parse_dsn

    connect = psycopg2._connect

    def guarded_connect(dsn: str, *args: Any, **kwargs: Any) -> Any:
        _guard_database(parse_dsn(dsn))
        return connect(dsn, *args, **kwargs)

    psycopg2._connect = guarded_connect


def _guard_asyncpg(connect_utils: ModuleType) -> None:
    # Every asyncpg connect (asyncpg.connect, pools, SQLAlchemy's asyncpg dialect) resolves its
    # addresses (with libpq's environment defaults) in this one function before opening a socket.
    parse = connect_utils._parse_connect_arguments

    def guarded_parse(**kwargs: Any) -> Any:
        parsed = parse(**kwargs)
        addrs, params = parsed[0], parsed[1]
        for addr in addrs:
            host, port = addr if isinstance(addr, tuple) else (str(addr), "")
            _guard_database(
                {"host": host, "port": port, "dbname": params.database, "user": params.user}
            )
        return parsed

    connect_utils._parse_connect_arguments = guarded_parse


def loopback(host: str) -> bool:
    return host in ("localhost", "127.0.0.1", "::1", "")


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def connect_address(params: Mapping[str, Any]) -> tuple[str, str]:
    """Where a psycopg connect with ``params`` goes, with libpq's environment defaults."""
    host = str(params.get("host") or os.environ.get("PGHOST") or "localhost")
    port = str(params.get("port") or os.environ.get("PGPORT") or "5432")
    return host, port


def database_name(params: Mapping[str, Any]) -> str:
    """The database a connect with ``params`` reaches: libpq's default when none is named is
    PGDATABASE, else the user name."""
    return str(
        params.get("dbname")
        or os.environ.get("PGDATABASE")
        or params.get("user")
        or os.environ.get("PGUSER")
        or ""
    )


def url_address(url: str) -> tuple[str, str]:
    where = endpoint(url)
    return where.host, str(where.port)


def same_address(a: tuple[str, str], b: tuple[str, str]) -> bool:
    return same_host(a[0], b[0]) and a[1] == b[1]


def same_host(a: str, b: str) -> bool:
    return a == b or (loopback(a) and loopback(b))
