"""Configuration, read from the environment in one place."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

DEFAULT_INDEX_PREFIX = "catalog-"
# Lowercase, and no characters OpenSearch/Elasticsearch reject in index names.
_INDEX_PREFIX_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$|^$")
_FALSE = {"0", "false", "no", "off", ""}
_TRUE = {"1", "true", "yes", "on"}


class SettingsError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


class SearchBackend(StrEnum):
    POSTGRES = "postgres"
    OPENSEARCH = "opensearch"
    ELASTICSEARCH = "elasticsearch"


def _generated_secret() -> bytes:
    return secrets.token_bytes(32)


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str | None = None
    search_backend: SearchBackend = SearchBackend.POSTGRES
    opensearch_url: str | None = None
    elasticsearch_url: str | None = None
    index_prefix: str = DEFAULT_INDEX_PREFIX
    # Without CURSOR_SECRET cursors stop working across restarts, which is harmless in dev.
    cursor_secret: bytes = field(default_factory=_generated_secret, repr=False)
    # Wait for index refresh on every write; only for tests that search right after writing.
    search_refresh: bool = False

    def __post_init__(self) -> None:
        if self.database_url is not None and not self.database_url.startswith("postgresql"):
            raise SettingsError("DATABASE_URL must be a postgresql+psycopg:// URL")
        if not _INDEX_PREFIX_RE.match(self.index_prefix):
            raise SettingsError(
                "INDEX_PREFIX must be lowercase letters, digits, '-', '_' or '.' "
                "(at most 64, not starting with a symbol)"
            )
        if self.search_backend is SearchBackend.OPENSEARCH and not self.opensearch_url:
            raise SettingsError("OPENSEARCH_URL is required when SEARCH_BACKEND=opensearch")
        if self.search_backend is SearchBackend.ELASTICSEARCH and not self.elasticsearch_url:
            raise SettingsError("ELASTICSEARCH_URL is required when SEARCH_BACKEND=elasticsearch")
        if len(self.cursor_secret) < 16:
            raise SettingsError("CURSOR_SECRET must be at least 16 bytes")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def text(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        backend_name = (text("SEARCH_BACKEND") or SearchBackend.POSTGRES.value).lower()
        try:
            backend = SearchBackend(backend_name)
        except ValueError:
            choices = "|".join(member.value for member in SearchBackend)
            raise SettingsError(f"SEARCH_BACKEND must be one of {choices}") from None
        refresh = (text("SEARCH_REFRESH") or "").lower()
        if refresh not in _TRUE | _FALSE:
            raise SettingsError("SEARCH_REFRESH must be true or false")
        secret = text("CURSOR_SECRET")
        prefix = env.get("INDEX_PREFIX")
        return cls(
            database_url=text("DATABASE_URL"),
            search_backend=backend,
            opensearch_url=text("OPENSEARCH_URL"),
            elasticsearch_url=text("ELASTICSEARCH_URL"),
            index_prefix=DEFAULT_INDEX_PREFIX if prefix is None else prefix.strip(),
            cursor_secret=secret.encode() if secret else _generated_secret(),
            search_refresh=refresh in _TRUE,
        )

    def with_database_url(self, url: str) -> Settings:
        return replace(self, database_url=url)
