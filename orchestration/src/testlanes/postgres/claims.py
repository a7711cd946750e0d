"""Claims on databases of the shared server: session advisory locks, and the leftover sweep.

A slot or scratch database is "claimed" with a session-level advisory lock named after it, held
by its process's admin connection. PostgreSQL releases it when that connection dies, so a
database whose claim is free belongs to a dead run and is dropped on the next start. Advisory
locks are scoped to the database a session is in, so every claim is taken from the maintenance
database, and the sweep also honours a claim held from any database (pg_locks shows them all).
"""

from __future__ import annotations

import psycopg
from psycopg import sql

# First half of every advisory lock key we take (the second is hashtext(name)).
ADVISORY_CLASS = 0x544C4E00  # "TLN\0"
# Where claims are taken and databases created from, whatever database the URL names
# (pytest-postgresql's janitor makes the same choice).
MAINTENANCE_DB = "postgres"
# Every slot and scratch database starts with this; the sweep looks at nothing else.
SLOT_PREFIX = "tl_slot_"
# Template databases: never swept (a build in progress holds the template's own claim).
TEMPLATE_PREFIX = "tl_tmpl_"
# Scratch databases are named <slot database><SCRATCH_SEP><n>; they belong to the slot.
SCRATCH_SEP = "_x"

_CLAIMED_ELSEWHERE_SQL = """
SELECT EXISTS (
    SELECT 1 FROM pg_locks
    WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND pid <> pg_backend_pid()
      AND classid = %s::bigint::oid AND objid = (hashtext(%s)::bigint & 4294967295)::oid
)
"""


def claim(conn: psycopg.Connection, name: str) -> bool:
    row = conn.execute(
        "SELECT pg_try_advisory_lock(%s, hashtext(%s))", (ADVISORY_CLASS, name)
    ).fetchone()
    return bool(row and row[0])


def unclaim(conn: psycopg.Connection, name: str) -> None:
    conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", (ADVISORY_CLASS, name))


def claimed_elsewhere(conn: psycopg.Connection, name: str) -> bool:
    row = conn.execute(_CLAIMED_ELSEWHERE_SQL, (ADVISORY_CLASS, name)).fetchone()
    return bool(row and row[0])


def terminate_and_drop(conn: psycopg.Connection, name: str) -> None:
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
    """Drop slot/scratch databases (of every suite) whose owning process is gone."""
    rows = conn.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s AND NOT datistemplate",
        (SLOT_PREFIX.replace("_", r"\_") + "%",),
    ).fetchall()
    # The connection's own database can be neither dropped nor locked out; it is never leftover.
    (current,) = conn.execute("SELECT current_database()").fetchone() or ("",)
    dropped = []
    for (name,) in rows:
        if name in keep or name == current or not claim(conn, name):
            continue
        if claimed_elsewhere(conn, name):
            unclaim(conn, name)  # a live process claimed it from another database
            continue
        try:
            terminate_and_drop(conn, name)
            dropped.append(name)
        finally:
            unclaim(conn, name)
    return dropped
