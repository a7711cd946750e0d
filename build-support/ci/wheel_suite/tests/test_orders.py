import os

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from shop import settings
from shop.models import Customer, Order


def seeded(db):
    return db.scalars(select(Customer).where(Customer.email == "seed@example.com")).one()


@pytest.mark.parametrize("cents", range(10))
def test_an_order_for_the_seeded_customer_commits(db, cents):
    db.add(Order(customer_id=seeded(db).id, total_cents=cents))
    db.commit()
    # Reading again opens the session's next transaction, left open into the next test.
    assert db.scalar(select(func.count()).select_from(Order)) >= 1


def test_a_customer_with_orders_cannot_be_deleted(db):
    db.add(Order(customer_id=seeded(db).id, total_cents=1))
    db.commit()
    db.delete(seeded(db))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()


def test_the_settings_read_at_import_name_this_processes_database(db):
    name = db.scalar(text("SELECT current_database()"))
    print(f"DATABASE={name}")
    assert settings.DATABASE_URL.endswith(f"/{name}")
    assert os.environ["POSTGRES_DB"] == name


def test_the_schema_came_from_the_projects_own_migrations(db):
    assert db.scalar(text("SELECT version_num FROM alembic_version")) == "0001"
