"""Embedded mode: a throwaway cluster per test process, copied from a template cluster.

The template cluster holds the suite's schema; it is built once per machine and cached by
(suite, recipe digest, server version), so two suites' templates live side by side.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from filelock import FileLock, Timeout
from psycopg import sql
from sqlalchemy.engine import make_url

from embedded_postgres import EmbeddedPostgres, find_bindir, server_version
from testlanes.config import TestSettings
from testlanes.errors import ServiceUnavailable
from testlanes.postgres.claims import SLOT_PREFIX, terminate_and_drop
from testlanes.postgres.service import PostgresService, render
from testlanes.suites import Suite

# Bump when the layout of template clusters changes (e.g. the database the schema lives in).
_FORMAT = "2"


def template_key(suite: Suite, version: str) -> str:
    recipe = suite.recipe.digest() if suite.recipe else "empty"
    key = f"{_FORMAT}|{suite.name}|{recipe}|{version}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def template_cluster(suite: Suite, settings: TestSettings, announce: Callable[[str], None]) -> Path:
    """The template cluster for this suite's recipe and these server binaries, built once."""
    bindir = find_bindir()
    version = server_version(bindir)
    key = template_key(suite, version)
    cache = settings.cache_dir
    if not cache.exists():
        cache.mkdir(parents=True, exist_ok=True)
        # The cluster runs as another OS user when we are root: it must reach its data dir.
        cache.chmod(0o755)
    final = cache / f"pg{version}-{suite.name}-{key}"
    if (final / "PG_VERSION").exists():
        return final
    lock = FileLock(cache / f"{final.name}.lock", thread_local=False, fallback_to_soft=False)
    try:
        lock.acquire(timeout=settings.lock_timeout)
    except Timeout:
        raise ServiceUnavailable(
            f"gave up after {settings.lock_timeout:.0f} s waiting for another process to build "
            f"the template cluster {final} (lock {lock.lock_file})"
        ) from None
    try:
        if (final / "PG_VERSION").exists():
            return final
        announce(f"[testlanes] building the template cluster of suite {suite.name!r}: {final}")
        for stale in cache.glob(f".build-{key}-*"):
            shutil.rmtree(stale, ignore_errors=True)  # we hold the lock: nobody else is building
        build = cache / f".build-{key}-{os.getpid()}"
        with EmbeddedPostgres(data_dir=build, bindir=bindir) as pg:
            if suite.recipe is not None:
                suite.recipe.apply(pg.url, suite.exports_for)
        # A rename is atomic: readers see no template or a complete, cleanly stopped one.
        os.rename(build, final)
        return final
    finally:
        lock.release()


def provision_embedded(
    suite: Suite, settings: TestSettings, announce: Callable[[str], None]
) -> PostgresService:
    template = template_cluster(suite, settings, announce)
    pg = EmbeddedPostgres(template=template)
    pg.start()
    cleanup = contextlib.ExitStack()
    cleanup.callback(pg.stop)
    counter = itertools.count(1)

    @contextlib.contextmanager
    def empty_db(service: PostgresService) -> Iterator[str]:
        name = f"{SLOT_PREFIX}scratch_{next(counter)}"
        with pg.connect("postgres") as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield render(service.sa_url.set(database=name))
        finally:
            with pg.connect("postgres") as conn:
                terminate_and_drop(conn, name)

    service = PostgresService(
        "embedded",
        make_url(pg.url),
        suite,
        connect_timeout=settings.connect_timeout,
        cleanup=cleanup,
        empty_database=empty_db,
        owns_server=True,
        socket_dir=str(pg.socket_dir),
    )
    service.take_baseline()
    return service
