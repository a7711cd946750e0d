"""The database one test process uses, whatever the mode: connection, checks, rows, scratch."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from testlanes import guards
from testlanes.config import URL_VARS, VERSION_VARS, TestSettings, version_matches
from testlanes.errors import ConfigError, ServiceUnavailable, TablesBusy
from testlanes.exports import postgres_exports
from testlanes.postgres.claims import SCRATCH_SEP
from testlanes.suites import Suite

# libpq reads it for every connection that names no application_name itself.
APP_NAME_VAR = "PGAPPNAME"

_TABLES_SQL = """
SELECT table_name::text FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'alembic_version'
ORDER BY table_name
"""
_ROW_COUNTS_SQL = """
SELECT name, (xpath('/row/c/text()',
                    query_to_xml(format('SELECT count(*) AS c FROM public.%%I', name),
                                 false, true, '')))[1]::text::bigint
FROM unnest(%s::text[]) AS name
"""
# Who holds locks on the application tables: for a message when we would have had to wait.
_LOCK_HOLDERS_SQL = """
SELECT a.pid, coalesce(nullif(a.application_name, ''), '(none)'), coalesce(a.state, '?'),
       to_char(a.xact_start, 'HH24:MI:SS'),
       left(regexp_replace(a.query, '[[:space:]]+', ' ', 'g'), 80),
       string_agg(DISTINCT c.relname || ' ' || l.mode, ', ' ORDER BY c.relname || ' ' || l.mode)
FROM pg_locks l
JOIN pg_class c ON c.oid = l.relation
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'relation' AND l.granted AND n.nspname = 'public' AND c.relname = ANY(%s)
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND a.pid <> pg_backend_pid()
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1
"""


def sqlalchemy_url(url: str | URL) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        parsed = None
    if parsed is None or not parsed.drivername.startswith("postgresql"):
        raise ConfigError(
            f"{URL_VARS['postgres']}={str(url)!r} is not a PostgreSQL URL; expected e.g. "
            f"postgresql+psycopg://USER@HOST:PORT/DATABASE"
        )
    # psycopg 3 is the only PostgreSQL driver we ship; plain postgresql:// would mean psycopg2.
    return parsed.set(drivername="postgresql+psycopg")


def render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def with_user_of(url: URL, conn: psycopg.Connection) -> URL:
    """``url`` naming the user ``conn`` logged in as: libpq's default (the OS user) made explicit,
    so the suite's user variables (POSTGRES_USER, PGUSER) can be set, never left to a default."""
    return url if url.username else url.set(username=conn.info.user)


def _conninfo(url: URL, *, dbname: str | None = None) -> dict[str, object]:
    params: dict[str, object] = {
        "host": url.host or "localhost",
        "port": url.port or 5432,
        "user": url.username,
        "dbname": dbname or url.database or "postgres",
    }
    if url.password:
        params["password"] = url.password
    return {k: v for k, v in params.items() if v is not None}


def connect_or_explain(
    url: URL,
    *,
    timeout: float,
    source: str,
    dbname: str | None = None,
    application_name: str | None = None,
) -> psycopg.Connection:
    """Connect within ``timeout`` seconds or raise ServiceUnavailable naming the address."""
    info = _conninfo(url, dbname=dbname)
    extra = {"application_name": application_name[:63]} if application_name else {}
    try:
        return psycopg.connect(
            **info,  # type: ignore[arg-type]
            **extra,
            autocommit=True,
            connect_timeout=max(1, math.ceil(timeout)),
        )
    except psycopg.OperationalError as exc:
        # libpq: 'connection failed: connection to server at ..., port N failed: <why>\n<hint>'
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        reason = first.rsplit("failed: ", 1)[-1]
        raise ServiceUnavailable(
            f"postgres is unreachable at {info['host']}:{info['port']} (database "
            f"{info['dbname']!r}, from {source}) within {timeout:.0f} s: {reason}. Start the "
            f"server, fix {source}, or unset {URL_VARS['postgres']} to test against a throwaway "
            f"cluster"
        ) from None


def check_server_version(conn: psycopg.Connection, settings: TestSettings) -> str:
    actual = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    expected = settings.versions.get("postgres")
    if expected is None:
        raise ConfigError(
            f"{URL_VARS['postgres']} is set, so {VERSION_VARS['postgres']} must declare the "
            f"server's "
            f"version (this server reports {actual!r}); it is part of the test cache key"
        )
    if not version_matches(expected, actual):
        raise ConfigError(
            f"{VERSION_VARS['postgres']}={expected!r} but the server at "
            f"{conn.info.host}:{conn.info.port} reports {actual!r}: update the variable so "
            f"cached test results from the old server are not reused"
        )
    return actual


# How a mode makes a scratch database for a service: a context manager giving its URL.
ScratchFactory = Callable[["PostgresService"], contextlib.AbstractContextManager[str]]


class PostgresService:
    """The database this test process uses, whatever the mode."""

    def __init__(
        self,
        mode: str,
        url: URL,
        suite: Suite,
        *,
        connect_timeout: float,
        cleanup: contextlib.ExitStack,
        empty_database: ScratchFactory,
        owns_server: bool = False,
        socket_dir: str | None = None,
        app_name: str | None = None,
    ) -> None:
        self.mode = mode
        # Embedded: the whole server is this process's; shared modes: only its own databases.
        self.owns_server = owns_server
        # Where the server's Unix socket is, when it is ours: libpq's host for local connects.
        self.socket_dir = socket_dir
        self.suite = suite
        self.sa_url = url
        self.connect_timeout = connect_timeout
        # What the mode holds for this process (a cluster, a lock, claims): released by close().
        self._exit = cleanup
        self._empty_database = empty_database
        self._check_conn: psycopg.Connection | None = None
        self.baseline: dict[str, int] = {}
        # Set in slot mode: the application_name every session of this process carries.
        self.app_name = app_name

    # --- connection details -------------------------------------------------------------------

    @property
    def url(self) -> str:
        """SQLAlchemy URL (psycopg 3 driver) of this process's database."""
        return render(self.sa_url)

    @property
    def libpq_url(self) -> str:
        return render(self.sa_url.set(drivername="postgresql"))

    @property
    def dbname(self) -> str:
        return str(self.sa_url.database)

    @property
    def address(self) -> tuple[str, str]:
        return self.sa_url.host or "localhost", str(self.sa_url.port or 5432)

    def owns(self, address: tuple[str, str], dbname: str) -> bool:
        """Whether database ``dbname`` at ``address`` (host, port) was provisioned for this
        process: its database or one of its scratch databases (any, on its own server)."""
        host, port = address
        via_socket = host == self.socket_dir and port == self.address[1]
        if not (via_socket or guards.same_address(address, self.address)):
            return False
        mine = dbname == self.dbname or dbname.startswith(self.dbname + SCRATCH_SEP)
        return self.owns_server or mine

    def describe(self) -> str:
        host, port = self.address
        return f"{host}:{port}/{self.dbname} ({self.mode})"

    def foreign_sessions(self) -> list[str]:
        """Sessions of other processes in this process's databases (slot mode), described.

        Our sessions, and those of our child processes, carry this process's application_name
        (PGAPPNAME, set when the slot is provisioned); anyone else is reaching into our data.
        """
        if self.app_name is None:
            return []
        rows = (
            self._checker()
            .execute(
                "SELECT pid, datname, coalesce(nullif(application_name, ''), '(none)'), "
                "coalesce(host(client_addr), 'local') FROM pg_stat_activity "
                "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() "
                "AND (datname = %s OR starts_with(datname, %s)) "
                "AND application_name IS DISTINCT FROM %s",
                (self.dbname, self.dbname + SCRATCH_SEP, self.app_name),
            )
            .fetchall()
        )
        return [
            f"pid {pid} (application_name {app!r}, from {addr}) in database {db!r}"
            for pid, db, app, addr in rows
        ]

    def connect(self) -> psycopg.Connection:
        """An autocommit connection to this process's database."""
        return connect_or_explain(
            self.sa_url, timeout=self.connect_timeout, source=f"{self.mode} test database"
        )

    def env_exports(self) -> dict[str, str]:
        """The suite's own variables (DATABASE_URL, POSTGRES_SERVER, ...) for this database."""
        return postgres_exports(self.sa_url, self.suite.env_names)

    # --- rows ---------------------------------------------------------------------------------

    def _checker(self) -> psycopg.Connection:
        if self._check_conn is None or self._check_conn.closed:
            self._check_conn = self.connect()
            self._exit.callback(lambda: self._check_conn and self._check_conn.close())
        return self._check_conn

    def table_names(self) -> list[str]:
        """The application tables (``public``, without Alembic's version table)."""
        return [name for (name,) in self._checker().execute(_TABLES_SQL)]

    def row_counts(self) -> dict[str, int]:
        """Rows per application table. Never waits for a lock: TablesBusy if one is in the way
        (a session of the suite's own holding ACCESS EXCLUSIVE, say)."""
        try:
            return self._row_counts()
        except psycopg.OperationalError:
            # A test may have terminated our backend (e.g. dropping connections); retry once.
            self._check_conn = None
            return self._row_counts()

    def _row_counts(self) -> dict[str, int]:
        tables = self.table_names()
        rows = self._nowait(tables, "ACCESS SHARE", sql.SQL(_ROW_COUNTS_SQL), (tables,))
        return {str(name): int(count) for name, count in rows}

    def take_baseline(self) -> None:
        self.baseline = self.row_counts()

    def truncate_tables(self, tables: list[str] | None = None) -> None:
        """Empty the application tables (all, or those given) and restart their identities.

        Never waits: a session holding any lock on them (an open transaction of the suite's own
        that read them is enough) makes it raise TablesBusy naming that session.
        """
        tables = tables if tables is not None else self.table_names()
        if not tables:
            return
        names = sql.SQL(", ").join(sql.Identifier(t) for t in tables)
        self._nowait(
            tables,
            "ACCESS EXCLUSIVE",
            sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(names),
        )

    def _nowait(
        self,
        tables: list[str],
        mode: str,
        statement: sql.Composable,
        params: tuple[object, ...] | None = None,
    ) -> list[tuple[object, ...]]:
        """Run ``statement`` in a transaction that first locks ``tables`` in ``mode``, NOWAIT."""
        conn = self._checker()
        lock = sql.SQL("LOCK TABLE {} IN {} MODE NOWAIT").format(
            sql.SQL(", ").join(sql.Identifier(t) for t in tables), sql.SQL(mode)
        )
        try:
            with conn.transaction():
                if tables:
                    conn.execute(lock)
                cursor = conn.execute(statement, params)
                return cursor.fetchall() if cursor.description else []
        except psycopg.errors.LockNotAvailable:
            raise TablesBusy(self.describe_lock_holders(tables)) from None

    def describe_lock_holders(self, tables: list[str]) -> str:
        rows = self._checker().execute(_LOCK_HOLDERS_SQL, (tables,)).fetchall()
        if not rows:
            return "a session that has just released its locks held the tables"
        return "; ".join(
            f"pid {pid} (application_name {app!r}, {state}"
            + (f", transaction open since {since}" if since else "")
            + f", holding {locks}; last query: {query!r})"
            for pid, app, state, since, query, locks in rows
        )

    # --- scratch databases --------------------------------------------------------------------

    @contextlib.contextmanager
    def empty_database(self) -> Iterator[str]:
        """URL of a database with no schema at all (for running migrations from scratch)."""
        with self._empty_database(self) as url:
            yield url

    def close(self) -> None:
        self._exit.close()
