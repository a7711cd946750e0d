"""Single values read straight from the database, for assertions on what a test left there."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text


def scalar(engine: Engine, query: str) -> Any:
    """The one value ``query`` selects, read on a connection of its own."""
    with engine.connect() as conn:
        return conn.execute(text(query)).scalar_one()
