"""Settings, read once at import time from the environment (POSTGRES_*)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.engine import URL


@dataclass(frozen=True)
class Settings:
    POSTGRES_SERVER: str = "localhost"
    POSTGRES_PORT: int = 5432
    POSTGRES_USER: str = "postgres"
    POSTGRES_PASSWORD: str = ""
    POSTGRES_DB: str = "inventory"
    PAGE_SIZE_MAX: int = 100

    @property
    def SQLALCHEMY_DATABASE_URI(self) -> str:  # - the name such services use
        url = URL.create(
            "postgresql+psycopg",
            username=self.POSTGRES_USER,
            password=self.POSTGRES_PASSWORD or None,
            host=self.POSTGRES_SERVER,
            port=self.POSTGRES_PORT,
            database=self.POSTGRES_DB,
        )
        return url.render_as_string(hide_password=False)


def from_env(env: Mapping[str, str]) -> Settings:
    defaults = Settings()
    port = env.get("POSTGRES_PORT", str(defaults.POSTGRES_PORT))
    if not port.isdigit():
        raise ValueError(f"POSTGRES_PORT={port!r} is not a port number")
    return Settings(
        POSTGRES_SERVER=env.get("POSTGRES_SERVER", defaults.POSTGRES_SERVER),
        POSTGRES_PORT=int(port),
        POSTGRES_USER=env.get("POSTGRES_USER", defaults.POSTGRES_USER),
        POSTGRES_PASSWORD=env.get("POSTGRES_PASSWORD", defaults.POSTGRES_PASSWORD),
        POSTGRES_DB=env.get("POSTGRES_DB", defaults.POSTGRES_DB),
    )


settings = from_env(os.environ)
