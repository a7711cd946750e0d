import time

import psycopg
import pytest

from ledger.store import balance, open_account, transfer


def test_a_transfer_moves_money_out_of_the_house(conn, house):
    bob = open_account(conn, "bob")
    transfer(conn, house, bob, 250)
    time.sleep(1)  # a busy second: another process's teardown must not touch our rows
    assert (balance(conn, bob), balance(conn, house)) == (250, -250)


def test_a_transfer_to_no_account_is_refused(conn, house):
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        transfer(conn, house, 999_999, 1)
