"""Engine and session factory construction for PostgreSQL via psycopg 3."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

CONNECT_TIMEOUT_SECONDS = 5


def create_engine_from_url(url: str, **engine_options: Any) -> Engine:
    """Engine with pre-ping (survives database restarts) and a bounded connect timeout.

    The timeout makes an unreachable database fail fast as a 503 instead of hanging requests.
    """
    options: dict[str, Any] = {
        "pool_pre_ping": True,
        "connect_args": {
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "application_name": "catalog",
        },
    }
    options.update(engine_options)
    return create_engine(url, **options)


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    # Entities are converted to frozen dataclasses before commit, so expiry buys nothing.
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
