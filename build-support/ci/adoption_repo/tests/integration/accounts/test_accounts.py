import time

import psycopg
import pytest

from ledger.store import open_account


def test_an_account_name_is_unique(conn):
    open_account(conn, "alice")
    with pytest.raises(psycopg.errors.UniqueViolation):
        open_account(conn, "alice")


def test_the_house_account_outlives_a_busy_second(conn, house):
    # Another process's wipe-all teardown would delete it, were the database shared.
    time.sleep(1)
    assert conn.execute("SELECT name FROM accounts WHERE id = %s", (house,)).fetchone() == ("house",)
