"""Slot mode: a database per test process on the shared server, cloned from a template.

Names carry the suite, the host and the slot (``tl_slot_<suite>_<host>_s<slot>``), so two
suites' slot databases and templates (``tl_tmpl_<suite>_<digest>``) coexist on one server.
Claims and the leftover sweep: see claims.py.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL

if TYPE_CHECKING:
    from pytest_postgresql.janitor import DatabaseJanitor

from testlanes.config import URL_VARS, TestSettings
from testlanes.errors import ConfigError, ServiceUnavailable
from testlanes.postgres.claims import (
    ADVISORY_CLASS,
    MAINTENANCE_DB,
    SCRATCH_SEP,
    SLOT_PREFIX,
    TEMPLATE_PREFIX,
    claim,
    drop_leftover_databases,
    terminate_and_drop,
    unclaim,
)
from testlanes.postgres.service import (
    APP_NAME_VAR,
    PostgresService,
    ScratchFactory,
    check_server_version,
    connect_or_explain,
    render,
    sqlalchemy_url,
    with_user_of,
)
from testlanes.suites import Suite

# PostgreSQL truncates identifiers at 63 bytes; keep the suite's part short enough.
_SUITE_CHARS = 20


def _suite_part(suite: Suite) -> str:
    return "".join(c if c.isalnum() else "_" for c in suite.name.lower())[:_SUITE_CHARS]


def template_name(suite: Suite) -> str:
    digest = suite.recipe.digest() if suite.recipe else "0" * 16
    return f"{TEMPLATE_PREFIX}{_suite_part(suite)}_{digest[:16]}"


def slot_name(suite: Suite, settings: TestSettings) -> str:
    return f"{SLOT_PREFIX}{_suite_part(suite)}_{settings.namespace()}_{settings.slot_suffix()}"


def _ensure_template_database(
    admin: psycopg.Connection, server_url: URL, suite: Suite, settings: TestSettings
) -> str:
    name = template_name(suite)
    exists = "SELECT 1 FROM pg_database WHERE datname = %s"
    if admin.execute(exists, (name,)).fetchone():
        return name
    # Blocking advisory lock: concurrent first runs wait for one builder, bounded by the timeout.
    admin.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(f"{settings.lock_timeout}s")))
    try:
        admin.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", (ADVISORY_CLASS, name))
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
        terminate_and_drop(admin, build)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(build)))
        if suite.recipe is not None:
            suite.recipe.apply(render(server_url.set(database=build)), suite.exports_for)
        # Rename is atomic: cloners see no template or a complete one.
        admin.execute(
            sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                sql.Identifier(build), sql.Identifier(name)
            )
        )
        admin.execute(sql.SQL("ALTER DATABASE {} IS_TEMPLATE true").format(sql.Identifier(name)))
        return name
    finally:
        unclaim(admin, name)


def _janitor_class() -> type[DatabaseJanitor]:
    """pytest-postgresql's janitor, the wheel's `slot` extra: only slot mode needs it."""
    try:
        from pytest_postgresql.janitor import DatabaseJanitor
    except ImportError:
        raise ConfigError(
            "TEST_ISOLATION=slot needs pytest-postgresql: install testlanes[slot] "
            "(pip install 'testlanes[slot]')"
        ) from None
    return DatabaseJanitor


def provision_slot(
    suite: Suite, settings: TestSettings, announce: Callable[[str], None]
) -> PostgresService:
    janitor_class = _janitor_class()  # before touching the server
    server_url = sqlalchemy_url(settings.urls["postgres"])
    admin = connect_or_explain(
        server_url,
        timeout=settings.connect_timeout,
        source=URL_VARS["postgres"],
        dbname=MAINTENANCE_DB,
    )
    service: PostgresService | None = None
    try:
        check_server_version(admin, settings)
        server_url = with_user_of(server_url, admin)
        name = slot_name(suite, settings)
        if not claim(admin, name):
            # A live process has this slot name (e.g. two Pants runs on one machine).
            name = f"{name}_p{os.getpid()}"
            if not claim(admin, name):
                raise ServiceUnavailable(f"cannot claim slot database {name}")
        dropped = drop_leftover_databases(admin, keep={name})
        if dropped:
            announce(f"[testlanes] dropped leftover test databases: {', '.join(dropped)}")
        terminate_and_drop(admin, name)  # ours by claim; left by a killed run with our slot
        try:
            janitor = janitor_class(
                user=server_url.username or "postgres",
                password=server_url.password,
                host=server_url.host or "localhost",
                port=server_url.port or 5432,
                dbname=name,
                template_dbname=_ensure_template_database(admin, server_url, suite, settings),
                maintenance_dbname=MAINTENANCE_DB,
                connection_timeout=max(1, math.ceil(settings.connect_timeout)),
            )
            janitor.init()
        except psycopg.errors.InsufficientPrivilege as exc:
            raise ConfigError(
                f"slot isolation needs CREATEDB for {server_url.username!r} on "
                f"{server_url.host}:{server_url.port} ({exc}): grant it (ALTER ROLE ... CREATEDB), "
                f"use another user in {URL_VARS['postgres']}, or use TEST_ISOLATION=serial"
            ) from None
        # Tags every later session of this process and its children (libpq reads it at connect
        # time), so the owner of another slot can tell our sessions from its own.
        os.environ[APP_NAME_VAR] = f"testlanes {name}"[:63]
        cleanup = contextlib.ExitStack()
        cleanup.callback(admin.close)  # runs last: releases the claims
        cleanup.callback(janitor.drop)
        service = PostgresService(
            "slot",
            server_url.set(database=name),
            suite,
            connect_timeout=settings.connect_timeout,
            cleanup=cleanup,
            empty_database=_scratch_databases(admin, server_url, name),
            app_name=os.environ[APP_NAME_VAR],
        )
        service.take_baseline()
    except BaseException:
        if service is not None:
            service.close()
        else:
            admin.close()
        raise
    return service


def _scratch_databases(admin: psycopg.Connection, server_url: URL, name: str) -> ScratchFactory:
    """Scratch databases next to slot ``name``, claimed so no other process's sweep drops them."""
    counter = itertools.count(1)

    @contextlib.contextmanager
    def empty_db(service: PostgresService) -> Iterator[str]:
        scratch = f"{name}{SCRATCH_SEP}{next(counter)}"
        if not claim(admin, scratch):
            raise ServiceUnavailable(f"cannot claim scratch database {scratch}")
        try:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
            yield render(server_url.set(database=scratch))
        finally:
            terminate_and_drop(admin, scratch)
            unclaim(admin, scratch)

    return empty_db
