"""The ledger's database fixtures, as the team wrote them before it adopted the lanes.

libpq reads PGHOST, PGPORT, PGDATABASE, ...: the lanes' pytest plugin points them at this test
process's own database before this module is imported.
"""

import time

import psycopg
import pytest

from ledger.store import open_account


@pytest.fixture(scope="session")
def conn():
    with psycopg.connect(autocommit=True) as conn:
        yield conn


@pytest.fixture(scope="session", autouse=True)
def house(conn):
    house_id = open_account(conn, "house")
    yield house_id
    # Teardown as the suite always did it: delete every row.
    conn.execute("DELETE FROM transfers")
    conn.execute("DELETE FROM accounts")


@pytest.fixture(autouse=True)
def time_window(record_property):
    """When each test ran (JUnit properties): how a CI run tells that two processes overlapped."""
    record_property("started", repr(time.time()))
    yield
    record_property("finished", repr(time.time()))
