"""The variables a suite reads its database address from, pointed at this process's database.

Set before any conftest or test module is imported (plugin.pytest_load_initial_conftests), so
suites that build settings and engines at import time see their embedded, serial or slot
database. Each suite chooses the names it reads (suites.py); all are known here.
"""

from __future__ import annotations

from sqlalchemy.engine import URL

POSTGRES_NAMES: tuple[str, ...] = (
    "DATABASE_URL",
    "POSTGRES_HOST",
    "POSTGRES_SERVER",
    "POSTGRES_PORT",
    "POSTGRES_DB",
    "POSTGRES_USER",
    "POSTGRES_PASSWORD",
    "PGHOST",
    "PGPORT",
    "PGDATABASE",
    "PGUSER",
    "PGPASSWORD",
)

# What a suite reads a search engine's address and its index prefix from.
SEARCH_URL_NAMES: dict[str, str] = {
    "opensearch": "OPENSEARCH_URL",
    "elasticsearch": "ELASTICSEARCH_URL",
}
INDEX_PREFIX_NAME = "INDEX_PREFIX"


def postgres_exports(url: URL, names: tuple[str, ...] = POSTGRES_NAMES) -> dict[str, str]:
    """``names`` pointing at the database of SQLAlchemy ``url`` (psycopg 3 driver)."""
    host, port = url.host or "localhost", str(url.port or 5432)
    user, password = url.username or "", str(url.password or "")
    every = {
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "POSTGRES_HOST": host,
        "POSTGRES_SERVER": host,
        "POSTGRES_PORT": port,
        "POSTGRES_DB": str(url.database),
        "POSTGRES_USER": user,
        "POSTGRES_PASSWORD": password,
        "PGHOST": host,
        "PGPORT": port,
        "PGDATABASE": str(url.database),
        "PGUSER": user,
        "PGPASSWORD": password,
    }
    return {name: every[name] for name in names if every[name] or name.endswith("PASSWORD")}
