import psycopg
import pytest
from conftest import CONN


def seed_id():
    return CONN.execute("SELECT id FROM customers WHERE email = 'seed@example.com'").fetchone()[0]


@pytest.mark.parametrize("cents", range(10))
def test_an_order_for_the_seeded_customer_commits(cents):
    CONN.execute("INSERT INTO orders (customer_id, total_cents) VALUES (%s, %s)", (seed_id(), cents))


def test_a_customer_with_orders_cannot_be_deleted():
    CONN.execute("INSERT INTO orders (customer_id, total_cents) VALUES (%s, 1)", (seed_id(),))
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        CONN.execute("DELETE FROM customers WHERE id = %s", (seed_id(),))


def test_the_database_is_this_processes_own():
    name = CONN.execute("SELECT current_database()").fetchone()[0]
    print(f"DATABASE={name}")
    assert name.startswith("tl_slot_shop_")

