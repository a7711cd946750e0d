"""Serial mode: the shared server's database itself, one test process at a time.

The lock lives with the resource: a session advisory lock on a dedicated connection to the
server, so two machines (two CI runners, a laptop and CI) pointed at one server never overlap,
and the server releases it the moment the holder's connection dies, however the holder died.
A waiter says whom it waits for: the holder's connection carries host and pid in its
application_name (PostgreSQL keeps 63 bytes of it) and the whole description (host, pid,
directory, command) in the text of its last statement, which pg_stat_activity shows every
session. The holder starts from a fresh schema: the suite's recipe applied to an emptied
``public``.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import sys
import time
from collections.abc import Callable, Iterator

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL

from testlanes.config import URL_VARS, TestSettings
from testlanes.errors import ServiceLockTimeout
from testlanes.postgres.claims import ADVISORY_CLASS, MAINTENANCE_DB
from testlanes.postgres.service import (
    PostgresService,
    check_server_version,
    connect_or_explain,
    sqlalchemy_url,
    with_user_of,
)
from testlanes.suites import Suite

_HOLDER_SQL = """
SELECT a.pid, coalesce(nullif(a.application_name, ''), '(none)'), coalesce(a.query, ''),
       coalesce(host(a.client_addr), 'local'), date_trunc('second', a.backend_start)
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
  AND l.classid = %s::bigint::oid AND l.objid = (hashtext(%s)::bigint & 4294967295)::oid
"""


# The holder's last statement: a comment carrying its description, then a no-op.
_DESCRIPTION = re.compile(r"\A/\* testlanes serial lock holder: (?P<who>.*) \*/ SELECT 1\Z", re.S)
# PostgreSQL shows the first track_activity_query_size bytes (1024 by default) of a statement.
_MAX_DESCRIPTION = 900


def holder_description() -> str:
    """Who this process is, host and pid first: what a waiter prints."""
    command = " ".join(sys.argv)
    return f"{socket.gethostname()} pid {os.getpid()} in {os.getcwd()}: {command}"


def _announce_statement(description: str) -> str:
    text = description.replace("*/", "* /")  # cannot end the comment early
    if len(text.encode()) > _MAX_DESCRIPTION:
        text = text.encode()[: _MAX_DESCRIPTION - 3].decode(errors="ignore") + "..."
    return f"/* testlanes serial lock holder: {text} */ SELECT 1"


class ServerLock:
    """Exclusive use of one database of a shared PostgreSQL server, held by the server."""

    def __init__(
        self,
        url: URL,
        *,
        timeout: float,
        connect_timeout: float,
        announce: Callable[[str], None],
    ) -> None:
        self.url = url
        self.key = f"serial:{url.database or 'postgres'}"
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self._announce = announce
        self._conn: psycopg.Connection | None = None

    @property
    def identity(self) -> str:
        return f"postgres://{self.url.host or 'localhost'}:{self.url.port or 5432}/{self.key}"

    def acquire(self) -> psycopg.Connection:
        """Take the lock; the returned connection holds it (and may run admin statements)."""
        # Short enough for PostgreSQL's 63 bytes whatever the host name: the pid always fits.
        me = f"testlanes serial pid {os.getpid()} {socket.gethostname()}"
        conn = connect_or_explain(
            self.url,
            timeout=self.connect_timeout,
            source=URL_VARS["postgres"],
            dbname=MAINTENANCE_DB,
            application_name=me,
        )
        args = (ADVISORY_CLASS, self.key)
        row = conn.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", args).fetchone()
        if not (row and row[0]):
            self._wait(conn)
        # Last on this connection, so pg_stat_activity keeps showing it to waiters.
        conn.execute(_announce_statement(holder_description()).encode())
        self._conn = conn
        return conn

    def holder(self, conn: psycopg.Connection) -> str:
        row = conn.execute(_HOLDER_SQL, (ADVISORY_CLASS, self.key)).fetchone()
        if row is None:
            return "held by a session that has just ended"
        pid, app, query, addr, since = row
        described = _DESCRIPTION.match(query)
        who = described["who"] if described else f"application_name {app!r}"
        return f"held by {who} (server pid {pid}, from {addr}, connected since {since})"

    def _wait(self, conn: psycopg.Connection) -> None:
        start = time.monotonic()
        holder = self.holder(conn)
        self._announce(
            f"[testlanes] pid {os.getpid()} waiting for the postgres serial lock "
            f"({self.identity}), {holder}"
        )
        conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(f"{self.timeout}s")))
        try:
            conn.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", (ADVISORY_CLASS, self.key))
        except psycopg.errors.LockNotAvailable:
            conn.close()
            raise ServiceLockTimeout(
                f"gave up after {self.timeout:.0f} s waiting for the postgres serial lock "
                f"({self.identity}), {holder}. Another test process is using the shared "
                f"postgres; raise TEST_LOCK_TIMEOUT, or use TEST_ISOLATION=slot to share it "
                f"without waiting"
            ) from None
        conn.execute("RESET lock_timeout")
        self._announce(
            f"[testlanes] pid {os.getpid()} got the postgres serial lock after "
            f"{time.monotonic() - start:.1f} s"
        )

    def release(self) -> None:
        # Closing the session releases the lock server-side.
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def reset_schema(conn: psycopg.Connection) -> None:
    """Empty ``public`` (tables, types, the recipe's version table) for a fresh schema."""
    conn.execute("SET lock_timeout = '10s'")
    conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
    conn.execute("CREATE SCHEMA public")
    conn.execute("RESET lock_timeout")


def provision_serial(
    suite: Suite, settings: TestSettings, announce: Callable[[str], None]
) -> PostgresService:
    url = sqlalchemy_url(settings.urls["postgres"])
    # Before waiting for the lock: a wrong server or version is said at once, not after a wait.
    with connect_or_explain(
        url, timeout=settings.connect_timeout, source=URL_VARS["postgres"]
    ) as c:
        check_server_version(c, settings)
        url = with_user_of(url, c)
    lock = ServerLock(
        url,
        timeout=settings.lock_timeout,
        connect_timeout=settings.connect_timeout,
        announce=announce,
    )
    lock.acquire()
    cleanup = contextlib.ExitStack()
    cleanup.callback(lock.release)

    @contextlib.contextmanager
    def empty_db(service: PostgresService) -> Iterator[str]:
        # No CREATEDB needed: the database is ours while we hold the lock; restore it after.
        with service.connect() as conn:
            reset_schema(conn)
        try:
            yield service.url
        finally:
            _fresh_schema(service)

    service = PostgresService(
        "serial",
        url,
        suite,
        connect_timeout=settings.connect_timeout,
        cleanup=cleanup,
        empty_database=empty_db,
    )
    try:
        _fresh_schema(service)
        service.take_baseline()
    except BaseException:
        service.close()
        raise
    return service


def _fresh_schema(service: PostgresService) -> None:
    with service.connect() as conn:
        reset_schema(conn)
    if service.suite.recipe is not None:
        service.suite.recipe.apply(service.url, service.suite.exports_for)
