"""PostgreSQL for one test process, by mode.

embedded  (no DATABASE_URL) a throwaway cluster per process, copied from a migrated template
          cluster built once per machine and cached by migrations digest + server version.
serial    (DATABASE_URL, CATALOG_TEST_ISOLATION=serial) the shared database itself, under a
          cross-process lock held for the whole process.
slot      (DATABASE_URL, CATALOG_TEST_ISOLATION=slot) a database per process on the shared
          server, cloned from a migrated template database.

Slot and scratch databases are "claimed" with a session-level advisory lock named after the
database, held by this process's admin connection. PostgreSQL releases it when that connection
dies, so a database whose lock is free belongs to a dead run and is dropped on the next start.
Advisory locks are scoped to the database a session is in, so every claim is taken from the
maintenance database, and the leftover sweep also looks for a claim held from any database.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import math
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
from filelock import FileLock, Timeout
from psycopg import sql
from pytest_postgresql.janitor import DatabaseJanitor
from sqlalchemy.engine import URL, make_url

from catalog.devdb import EmbeddedPostgres, find_bindir, server_version
from catalog_testing import schema
from catalog_testing.locks import ServiceLock
from catalog_testing.settings import (
    TEST_DB_PREFIX,
    URL_VARS,
    VERSION_VARS,
    ConfigError,
    TestSettings,
    version_matches,
)

# First half of every advisory lock key we take (the second is hashtext(database name)).
_ADVISORY_CLASS = 0x43415400  # "CAT\0"
# Where slot-mode claims are taken and databases created from: on every server, whatever
# database DATABASE_URL names (pytest-postgresql's janitor makes the same choice).
MAINTENANCE_DB = "postgres"
# Scratch databases are named <slot database><_SCRATCH_SEP><n>; they belong to the slot.
_SCRATCH_SEP = "_x"
# libpq reads it for every connection that names no application_name itself.
APP_NAME_VAR = "PGAPPNAME"
# A claim on `name` held by another session, from any database (pg_locks shows them all).
_CLAIMED_ELSEWHERE_SQL = """
SELECT EXISTS (
    SELECT 1 FROM pg_locks
    WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND pid <> pg_backend_pid()
      AND classid = %s::bigint::oid AND objid = (hashtext(%s)::bigint & 4294967295)::oid
)
"""

_ROW_COUNTS_SQL = """
SELECT table_name::text,
       (xpath('/row/c/text()',
              query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name),
                           false, true, '')))[1]::text::bigint
FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'alembic_version'
ORDER BY table_name
"""


class ServiceUnavailable(Exception):
    """A declared service cannot be reached; the message names it and the address tried."""


def _sqlalchemy_url(url: str | URL) -> URL:
    parsed = make_url(url)
    # psycopg 3 is the only PostgreSQL driver we ship; plain postgresql:// would mean psycopg2.
    return parsed.set(drivername="postgresql+psycopg")


def _render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


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
    url: URL, *, timeout: float, source: str, dbname: str | None = None
) -> psycopg.Connection:
    """Connect within ``timeout`` seconds or raise ServiceUnavailable naming the address."""
    info = _conninfo(url, dbname=dbname)
    try:
        return psycopg.connect(
            **info,  # type: ignore[arg-type]
            autocommit=True,
            connect_timeout=max(1, math.ceil(timeout)),
        )
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise ServiceUnavailable(
            f"postgres is unreachable at {info['host']}:{info['port']} (database "
            f"{info['dbname']!r}, from {source}) within {timeout:.0f} s: {reason}. Start the "
            f"server, fix {source}, or unset DATABASE_URL to test against a throwaway cluster"
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


def _claim(conn: psycopg.Connection, name: str) -> bool:
    row = conn.execute(
        "SELECT pg_try_advisory_lock(%s, hashtext(%s))", (_ADVISORY_CLASS, name)
    ).fetchone()
    return bool(row and row[0])


def _unclaim(conn: psycopg.Connection, name: str) -> None:
    conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", (_ADVISORY_CLASS, name))


def _terminate_and_drop(conn: psycopg.Connection, name: str) -> None:
    ident = sql.Identifier(name)
    if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
        return
    conn.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(ident))
    conn.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> "
        "pg_backend_pid()",
        (name,),
    )
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))


def drop_leftover_databases(conn: psycopg.Connection, keep: set[str]) -> list[str]:
    """Drop our slot/scratch databases whose owning process is gone; return their names."""
    rows = conn.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s AND NOT datistemplate",
        (TEST_DB_PREFIX.replace("_", r"\_") + "%",),
    ).fetchall()
    # The connection's own database can be neither dropped nor locked out; it is never leftover.
    (current,) = conn.execute("SELECT current_database()").fetchone() or ("",)
    dropped = []
    for (name,) in rows:
        if name in keep or name == current or not _claim(conn, name):
            continue
        claimed = conn.execute(_CLAIMED_ELSEWHERE_SQL, (_ADVISORY_CLASS, name)).fetchone()
        if claimed and claimed[0]:
            _unclaim(conn, name)  # a live process claimed it from another database
            continue
        try:
            _terminate_and_drop(conn, name)
            dropped.append(name)
        finally:
            _unclaim(conn, name)
    return dropped


class PostgresService:
    """The database this test process uses, whatever the mode."""

    def __init__(self, mode: str, url: URL, *, connect_timeout: float) -> None:
        self.mode = mode
        self.sa_url = url
        self.connect_timeout = connect_timeout
        self._exit = contextlib.ExitStack()
        self._empty_db: Callable[[], contextlib.AbstractContextManager[str]] | None = None
        self._check_conn: psycopg.Connection | None = None
        self.baseline: dict[str, int] = {}
        # Set in slot mode: the application_name every session of this process carries.
        self.app_name: str | None = None

    # --- connection details -------------------------------------------------------------------

    @property
    def url(self) -> str:
        """SQLAlchemy URL (psycopg 3 driver) of this process's database."""
        return _render(self.sa_url)

    @property
    def libpq_url(self) -> str:
        return _render(self.sa_url.set(drivername="postgresql"))

    @property
    def dbname(self) -> str:
        return str(self.sa_url.database)

    def owns(self, dbname: str) -> bool:
        """Whether ``dbname`` is this process's database or one of its scratch databases."""
        return dbname == self.dbname or dbname.startswith(self.dbname + _SCRATCH_SEP)

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
                (self.dbname, self.dbname + _SCRATCH_SEP, self.app_name),
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
        """Variables a legacy suite may read at import time, pointing at this database."""
        u = self.sa_url
        host, port = u.host or "localhost", str(u.port or 5432)
        env = {
            "DATABASE_URL": self.url,
            "POSTGRES_HOST": host,
            "POSTGRES_PORT": port,
            "POSTGRES_DB": self.dbname,
            "POSTGRES_USER": u.username or "",
            "PGHOST": host,
            "PGPORT": port,
            "PGDATABASE": self.dbname,
            "PGUSER": u.username or "",
        }
        if u.password:
            env["POSTGRES_PASSWORD"] = env["PGPASSWORD"] = str(u.password)
        return env

    # --- rows ---------------------------------------------------------------------------------

    def _checker(self) -> psycopg.Connection:
        if self._check_conn is None or self._check_conn.closed:
            self._check_conn = self.connect()
            self._exit.callback(lambda: self._check_conn and self._check_conn.close())
        return self._check_conn

    def row_counts(self) -> dict[str, int]:
        try:
            rows = self._checker().execute(_ROW_COUNTS_SQL).fetchall()
        except psycopg.OperationalError:
            # A test may have terminated our backend (e.g. dropping connections); retry once.
            self._check_conn = None
            rows = self._checker().execute(_ROW_COUNTS_SQL).fetchall()
        return {name: int(count) for name, count in rows}

    def take_baseline(self) -> None:
        self.baseline = self.row_counts()

    def accept_current_rows(self) -> None:
        """Make the current rows the baseline (after seeding a module-wide data set)."""
        self.take_baseline()

    def leaked_rows(self) -> dict[str, int]:
        """Tables holding more rows than at the start of the session, with their surplus."""
        now = self.row_counts()
        return {
            t: n - self.baseline.get(t, 0) for t, n in now.items() if n > self.baseline.get(t, 0)
        }

    def truncate_tables(self, tables: list[str] | None = None) -> None:
        """Empty the application tables (all, or those given) and restart their identities."""
        tables = tables if tables is not None else list(self.row_counts())
        if not tables:
            return
        conn = self._checker()
        conn.execute("SET lock_timeout = '5s'")
        conn.execute(
            sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                sql.SQL(", ").join(sql.Identifier(t) for t in tables)
            )
        )

    # --- scratch databases --------------------------------------------------------------------

    @contextlib.contextmanager
    def empty_database(self) -> Iterator[str]:
        """URL of a database with no schema at all (for running migrations from scratch)."""
        assert self._empty_db is not None
        with self._empty_db() as url:
            yield url

    def close(self) -> None:
        self._exit.close()


# --- embedded mode ----------------------------------------------------------------------------


def template_cluster(settings: TestSettings, announce: Callable[[str], None]) -> Path:
    """The migrated template cluster for these migrations and server binaries, built once."""
    bindir = find_bindir()
    version = server_version(bindir)
    key = hashlib.sha256(f"{schema.migrations_digest()}|{version}".encode()).hexdigest()[:16]
    cache = settings.cache_dir
    if not cache.exists():
        cache.mkdir(parents=True, exist_ok=True)
        # The cluster runs as another OS user when we are root: it must reach its data dir.
        cache.chmod(0o755)
    final = cache / f"pg{version}-{key}"
    if (final / "PG_VERSION").exists():
        return final
    lock = FileLock(cache / f"pg{version}-{key}.lock", thread_local=False, fallback_to_soft=False)
    try:
        lock.acquire(timeout=settings.lock_timeout)
    except Timeout:
        raise ServiceUnavailable(
            f"gave up after {settings.lock_timeout:.0f} s waiting for another process to build the "
            f"template cluster {final} (lock {lock.lock_file})"
        ) from None
    try:
        if (final / "PG_VERSION").exists():
            return final
        announce(f"[catalog-tests] building the migrated template cluster {final}")
        for stale in cache.glob(f".build-{key}-*"):
            shutil.rmtree(stale, ignore_errors=True)  # we hold the lock: nobody else is building
        build = cache / f".build-{key}-{os.getpid()}"
        with EmbeddedPostgres(data_dir=build, bindir=bindir) as pg:
            schema.migrate_to_head(pg.url)
        # A rename is atomic: readers see no template or a complete, cleanly stopped one.
        os.rename(build, final)
        return final
    finally:
        lock.release()


def provision_embedded(settings: TestSettings, announce: Callable[[str], None]) -> PostgresService:
    template = template_cluster(settings, announce)
    pg = EmbeddedPostgres(template=template)
    pg.start()
    service = PostgresService(
        "embedded", make_url(pg.url), connect_timeout=settings.connect_timeout
    )
    service._exit.callback(pg.stop)
    counter = itertools.count(1)

    @contextlib.contextmanager
    def empty_db() -> Iterator[str]:
        name = f"{TEST_DB_PREFIX}scratch_{next(counter)}"
        with pg.connect("postgres") as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield _render(service.sa_url.set(database=name))
        finally:
            with pg.connect("postgres") as conn:
                _terminate_and_drop(conn, name)

    service._empty_db = empty_db
    service.take_baseline()
    return service


# --- shared server, serial mode ---------------------------------------------------------------


def provision_serial(settings: TestSettings, announce: Callable[[str], None]) -> PostgresService:
    url = _sqlalchemy_url(settings.urls["postgres"])
    with connect_or_explain(url, timeout=settings.connect_timeout, source="DATABASE_URL") as conn:
        check_server_version(conn, settings)
    lock = ServiceLock(
        "postgres",
        settings.urls["postgres"],
        lock_dir=settings.lock_dir,
        timeout=settings.lock_timeout,
        announce=announce,
    )
    lock.acquire()
    service = PostgresService("serial", url, connect_timeout=settings.connect_timeout)
    service._exit.callback(lock.release)
    try:
        schema.migrate_to_head(service.url)
        # We hold the lock: whatever rows are there were left by a killed process.
        service.truncate_tables()
        service.take_baseline()
    except BaseException:
        service.close()
        raise

    @contextlib.contextmanager
    def empty_db() -> Iterator[str]:
        # No CREATEDB needed: the database is ours while we hold the lock; restore it after.
        schema.downgrade_to_base(service.url)
        try:
            yield service.url
        finally:
            schema.downgrade_to_base(service.url)
            schema.migrate_to_head(service.url)

    service._empty_db = empty_db
    return service


# --- shared server, slot mode -----------------------------------------------------------------


def _ensure_template_database(
    admin: psycopg.Connection, server_url: URL, settings: TestSettings
) -> str:
    name = f"catalog_tmpl_{schema.migrations_digest()[:16]}"
    exists = "SELECT 1 FROM pg_database WHERE datname = %s"
    if admin.execute(exists, (name,)).fetchone():
        return name
    # Blocking advisory lock: concurrent first runs wait for one builder, bounded by the timeout.
    admin.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(f"{settings.lock_timeout}s")))
    try:
        admin.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", (_ADVISORY_CLASS, name))
    except psycopg.errors.LockNotAvailable:
        raise ServiceUnavailable(
            f"gave up after {settings.lock_timeout:.0f} s waiting for another process to build "
            f"the template database {name}"
        ) from None
    finally:
        admin.execute("RESET lock_timeout")
    try:
        if admin.execute(exists, (name,)).fetchone():
            return name
        build = f"{name}_build"
        _terminate_and_drop(admin, build)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(build)))
        schema.migrate_to_head(_render(server_url.set(database=build)))
        # Rename is atomic: cloners see no template or a fully migrated one.
        admin.execute(
            sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                sql.Identifier(build), sql.Identifier(name)
            )
        )
        admin.execute(sql.SQL("ALTER DATABASE {} IS_TEMPLATE true").format(sql.Identifier(name)))
        return name
    finally:
        _unclaim(admin, name)


def provision_slot(settings: TestSettings, announce: Callable[[str], None]) -> PostgresService:
    server_url = _sqlalchemy_url(settings.urls["postgres"])
    admin = connect_or_explain(
        server_url, timeout=settings.connect_timeout, source="DATABASE_URL", dbname=MAINTENANCE_DB
    )
    service: PostgresService | None = None
    try:
        check_server_version(admin, settings)
        name = settings.slot_name()
        if not _claim(admin, name):
            # A live process has this slot name (e.g. two Pants runs on one machine).
            name = f"{name}_p{os.getpid()}"
            if not _claim(admin, name):
                raise ServiceUnavailable(f"cannot claim slot database {name}")
        dropped = drop_leftover_databases(admin, keep={name})
        if dropped:
            announce(f"[catalog-tests] dropped leftover test databases: {', '.join(dropped)}")
        template = _ensure_template_database(admin, server_url, settings)
        _terminate_and_drop(admin, name)  # ours by claim; left by a killed run with our slot
        janitor = DatabaseJanitor(
            user=server_url.username or "postgres",
            password=server_url.password,
            host=server_url.host or "localhost",
            port=server_url.port or 5432,
            dbname=name,
            template_dbname=template,
            maintenance_dbname=MAINTENANCE_DB,
            connection_timeout=max(1, math.ceil(settings.connect_timeout)),
        )
        try:
            janitor.init()
        except psycopg.errors.InsufficientPrivilege as exc:
            raise ConfigError(
                f"slot isolation needs CREATEDB for {server_url.username!r} on "
                f"{server_url.host}:{server_url.port}: {exc}"
            ) from None
        # Tags every later session of this process and its children (libpq reads it at connect
        # time), so the owner of another slot can tell our sessions from its own.
        os.environ[APP_NAME_VAR] = f"catalog-tests {name}"
        service = PostgresService(
            "slot", server_url.set(database=name), connect_timeout=settings.connect_timeout
        )
        service.app_name = os.environ[APP_NAME_VAR]
        service._exit.callback(admin.close)  # runs last: releases the claims
        service._exit.callback(janitor.drop)
        service.take_baseline()
    except BaseException:
        if service is not None:
            service.close()
        else:
            admin.close()
        raise
    counter = itertools.count(1)

    @contextlib.contextmanager
    def empty_db() -> Iterator[str]:
        scratch = f"{name}{_SCRATCH_SEP}{next(counter)}"
        if not _claim(admin, scratch):
            raise ServiceUnavailable(f"cannot claim scratch database {scratch}")
        try:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
            yield _render(server_url.set(database=scratch))
        finally:
            _terminate_and_drop(admin, scratch)
            _unclaim(admin, scratch)

    service._empty_db = empty_db
    return service


def provision_postgres(settings: TestSettings, announce: Callable[[str], None]) -> PostgresService:
    if not settings.is_shared("postgres"):
        return provision_embedded(settings, announce)
    if settings.isolation == "slot":
        return provision_slot(settings, announce)
    return provision_serial(settings, announce)
