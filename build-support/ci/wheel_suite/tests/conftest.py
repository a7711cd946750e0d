import psycopg
import pytest
from settings import DATABASE

# A module-level connection, made when conftest is imported.
CONN = psycopg.connect(**DATABASE, autocommit=True)


@pytest.fixture(scope="session", autouse=True)
def seed():
    CONN.execute("INSERT INTO customers (email) VALUES ('seed@example.com')")
    yield
    # Teardown as such suites do it: delete every row of every table.
    CONN.execute("DELETE FROM orders")
    CONN.execute("DELETE FROM customers")
