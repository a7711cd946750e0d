from __future__ import annotations

import re

import pytest

from catalog.settings import DEFAULT_INDEX_PREFIX, SearchBackend, Settings, SettingsError

URL = "postgresql+psycopg://app@localhost/catalog"


def test_defaults_use_postgres_search_and_the_default_prefix() -> None:
    settings = Settings.from_env({})
    assert settings.database_url is None
    assert settings.search_backend is SearchBackend.POSTGRES
    assert settings.index_prefix == DEFAULT_INDEX_PREFIX


def test_database_url_is_read_and_trimmed() -> None:
    assert Settings.from_env({"DATABASE_URL": f"  {URL} "}).database_url == URL


def test_non_postgres_database_url_is_refused() -> None:
    with pytest.raises(SettingsError, match="DATABASE_URL"):
        Settings.from_env({"DATABASE_URL": "sqlite:///x.db"})


def test_search_backend_is_case_insensitive() -> None:
    env = {"SEARCH_BACKEND": "OpenSearch", "OPENSEARCH_URL": "http://localhost:9200"}
    assert Settings.from_env(env).search_backend is SearchBackend.OPENSEARCH


def test_unknown_search_backend_lists_the_choices() -> None:
    with pytest.raises(SettingsError, match=re.escape("postgres|opensearch|elasticsearch")):
        Settings.from_env({"SEARCH_BACKEND": "solr"})


@pytest.mark.parametrize(
    ("backend", "variable"),
    [("opensearch", "OPENSEARCH_URL"), ("elasticsearch", "ELASTICSEARCH_URL")],
)
def test_engine_backends_require_their_url(backend: str, variable: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({"SEARCH_BACKEND": backend})


def test_empty_index_prefix_is_allowed() -> None:
    assert Settings.from_env({"INDEX_PREFIX": ""}).index_prefix == ""


@pytest.mark.parametrize("prefix", ["Upper-", "-lead", "has space", "x" * 65])
def test_invalid_index_prefixes_are_refused(prefix: str) -> None:
    with pytest.raises(SettingsError, match="INDEX_PREFIX"):
        Settings.from_env({"INDEX_PREFIX": prefix})


def test_cursor_secret_comes_from_the_environment() -> None:
    secret = "s" * 32
    assert Settings.from_env({"CURSOR_SECRET": secret}).cursor_secret == secret.encode()


def test_missing_cursor_secret_generates_a_random_one() -> None:
    assert Settings.from_env({}).cursor_secret != Settings.from_env({}).cursor_secret


def test_short_cursor_secret_is_refused() -> None:
    with pytest.raises(SettingsError, match="CURSOR_SECRET"):
        Settings.from_env({"CURSOR_SECRET": "short"})


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("off", False)])
def test_search_refresh_flag_is_parsed(raw: str, expected: bool) -> None:
    assert Settings.from_env({"SEARCH_REFRESH": raw}).search_refresh is expected


def test_invalid_search_refresh_is_refused() -> None:
    with pytest.raises(SettingsError, match="SEARCH_REFRESH"):
        Settings.from_env({"SEARCH_REFRESH": "maybe"})


def test_with_database_url_returns_a_copy_with_the_url() -> None:
    settings = Settings.from_env({})
    assert settings.with_database_url(URL).database_url == URL
    assert settings.database_url is None


def test_secret_is_not_shown_in_repr() -> None:
    assert "secret" not in repr(Settings(cursor_secret=b"secret-secret-secret"))
