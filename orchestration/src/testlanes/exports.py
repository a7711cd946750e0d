"""The variables a suite reads its database address from, pointed at this process's database.

Set before any conftest or test module is imported (plugin.pytest_load_initial_conftests), so
suites that build settings and engines at import time see their embedded, serial or slot
database. Each suite chooses the names it reads (suites.py); all are known here.
"""

from __future__ import annotations

from sqlalchemy.engine import URL

from testlanes.errors import ConfigError

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
    """``names`` pointing at the database of SQLAlchemy ``url`` (psycopg 3 driver).

    Every name gets a value (a password may be empty): a name left unset would let the suite
    fall back to its own default, which may be a real database.
    """
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
    unfilled = [name for name in names if not every[name] and not name.endswith("PASSWORD")]
    if unfilled:
        raise ConfigError(
            f"cannot set {', '.join(unfilled)}: the database URL "
            f"{url.render_as_string(hide_password=True)} does not say it; name it in the URL "
            f"(TEST_POSTGRES_URL, for a shared server) or drop it from the suite's env"
        )
    return {name: every[name] for name in names}


# Where a declared service's variables point when this process has no address for it (an xdist
# controller, whose workers provision; a search engine with no server given): a host that never
# resolves (RFC 2606), so nothing falls back to the suite's own defaults.
PLACEHOLDER_HOST = "not-provisioned.testlanes.invalid"


def placeholder_exports(service: str, postgres_names: tuple[str, ...]) -> dict[str, str]:
    if service == "postgres":
        url = URL.create(
            "postgresql+psycopg",
            username="not_provisioned",
            host=PLACEHOLDER_HOST,
            port=1,
            database="not_provisioned",
        )
        return postgres_exports(url, postgres_names)
    return {SEARCH_URL_NAMES[service]: f"http://{PLACEHOLDER_HOST}:1"}
