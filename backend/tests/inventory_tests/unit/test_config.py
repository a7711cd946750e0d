from __future__ import annotations

import pytest

from inventory.core.config import from_env


def test_the_database_uri_is_built_from_the_postgres_variables() -> None:
    settings = from_env(
        {
            "POSTGRES_SERVER": "db.internal",
            "POSTGRES_PORT": "6543",
            "POSTGRES_USER": "app",
            "POSTGRES_PASSWORD": "p@ss/word",
            "POSTGRES_DB": "stock",
        }
    )
    assert settings.SQLALCHEMY_DATABASE_URI == (
        "postgresql+psycopg://app:p%40ss%2Fword@db.internal:6543/stock"
    )


def test_without_a_password_the_uri_has_none() -> None:
    assert from_env({"POSTGRES_SERVER": "h"}).SQLALCHEMY_DATABASE_URI == (
        "postgresql+psycopg://postgres@h:5432/inventory"
    )


def test_a_port_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError, match="POSTGRES_PORT='five' is not a port number"):
        from_env({"POSTGRES_PORT": "five"})
