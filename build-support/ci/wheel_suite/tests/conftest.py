import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from shop.db import engine
from shop.models import Customer, Order


@pytest.fixture(scope="session", autouse=True)
def db():
    # One session for the whole run, held open (its transaction too, between commits), as the
    # session fixtures of many suites do.
    with Session(engine) as session:
        session.add(Customer(email="seed@example.com"))
        session.commit()
        yield session
        # Teardown as such suites do it: delete every row of every table.
        session.rollback()
        session.execute(delete(Order))
        session.execute(delete(Customer))
        session.commit()
