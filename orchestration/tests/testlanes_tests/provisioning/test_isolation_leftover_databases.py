"""Slot databases of dead runs are found by their free advisory-lock claim and dropped."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from testlanes.postgres import PostgresService
from testlanes.postgres.claims import SLOT_PREFIX as TEST_DB_PREFIX
from testlanes.postgres.claims import claim as _claim
from testlanes.postgres.claims import drop_leftover_databases
from testlanes.postgres.service import connect_or_explain

# Sweeps the server: other live processes' databases must survive it (that is under test).
pytestmark = [pytest.mark.services("postgres"), pytest.mark.manages_databases]


@pytest.fixture()
def admin(postgres_service: PostgresService) -> Iterator[psycopg.Connection]:
    with postgres_service.connect() as conn:
        row = conn.execute(
            "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        if not (row and row[0]):
            pytest.skip("needs CREATEDB on the server under test")
        yield conn


@pytest.fixture()
def make_db(admin: psycopg.Connection) -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _create(admin: psycopg.Connection, names: list[str], name: str) -> None:
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    names.append(name)


def _exists(admin: psycopg.Connection, name: str) -> bool:
    return (
        admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        is not None
    )


def test_an_unclaimed_test_database_is_dropped(
    admin: psycopg.Connection, make_db: list[str]
) -> None:
    _create(admin, make_db, f"{TEST_DB_PREFIX}janitor_dead")

    dropped = drop_leftover_databases(admin, keep=set())

    assert f"{TEST_DB_PREFIX}janitor_dead" in dropped
    assert not _exists(admin, f"{TEST_DB_PREFIX}janitor_dead")


def test_a_database_claimed_by_a_live_session_is_kept(
    admin: psycopg.Connection, make_db: list[str], postgres_service: PostgresService
) -> None:
    name = f"{TEST_DB_PREFIX}janitor_live"
    _create(admin, make_db, name)
    with postgres_service.connect() as owner:
        assert _claim(owner, name)

        dropped = drop_leftover_databases(admin, keep=set())

        assert name not in dropped
        assert _exists(admin, name)


def test_a_database_claimed_from_another_database_is_kept(
    admin: psycopg.Connection, make_db: list[str], postgres_service: PostgresService
) -> None:
    # Advisory locks are per database: a sweep from here must still see the owner's claim.
    name = f"{TEST_DB_PREFIX}janitor_elsewhere"
    _create(admin, make_db, name)
    with connect_or_explain(
        postgres_service.sa_url, timeout=5, source="test", dbname="template1"
    ) as owner:
        assert _claim(owner, name)

        dropped = drop_leftover_databases(admin, keep=set())

        assert name not in dropped
        assert _exists(admin, name)


def test_databases_without_our_prefix_are_never_touched(
    admin: psycopg.Connection, make_db: list[str]
) -> None:
    _create(admin, make_db, "someone_elses_db")

    drop_leftover_databases(admin, keep=set())

    assert _exists(admin, "someone_elses_db")


def test_a_dead_sessions_claim_is_released_with_its_connection(
    admin: psycopg.Connection, make_db: list[str], postgres_service: PostgresService
) -> None:
    name = f"{TEST_DB_PREFIX}janitor_killed"
    _create(admin, make_db, name)
    owner = postgres_service.connect()
    assert _claim(owner, name)
    # With a timeout, pg_terminate_backend waits until the backend is gone (PostgreSQL 14+).
    admin.execute("SELECT pg_terminate_backend(%s, 10000)", (owner.info.backend_pid,))
    owner.close()

    assert name in drop_leftover_databases(admin, keep=set())
