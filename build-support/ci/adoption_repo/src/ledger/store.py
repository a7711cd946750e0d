"""Accounts and transfers in PostgreSQL (psycopg 3; the schema is db/schema.sql)."""

from __future__ import annotations

import psycopg


def open_account(conn: psycopg.Connection, name: str) -> int:
    row = conn.execute("INSERT INTO accounts (name) VALUES (%s) RETURNING id", (name,)).fetchone()
    return row[0]


def transfer(conn: psycopg.Connection, source: int, target: int, cents: int) -> None:
    conn.execute(
        "INSERT INTO transfers (source_id, target_id, cents) VALUES (%s, %s, %s)",
        (source, target, cents),
    )


def balance(conn: psycopg.Connection, account: int) -> int:
    row = conn.execute(
        "SELECT coalesce(sum(CASE WHEN target_id = %(a)s THEN cents ELSE -cents END), 0)"
        " FROM transfers WHERE %(a)s IN (source_id, target_id)",
        {"a": account},
    ).fetchone()
    return int(row[0])
