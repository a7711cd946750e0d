from __future__ import annotations

import pytest

from catalog.adapters.db.engine import create_engine_from_url
from catalog.adapters.search.elasticsearch import ElasticsearchIndex
from catalog.adapters.search.factory import build_search_index
from catalog.adapters.search.opensearch import OpenSearchIndex
from catalog.adapters.search.postgres_fts import PostgresSearchIndex
from catalog.http.app import create_app
from catalog.settings import SearchBackend, Settings, SettingsError

URL = "postgresql+psycopg://app@localhost:1/catalog"


def test_create_app_without_injected_store_needs_a_database_url(fake_index) -> None:
    with pytest.raises(SettingsError, match="DATABASE_URL"):
        create_app(Settings(), search_index=fake_index)


def test_create_app_builds_without_connecting_to_anything() -> None:
    app = create_app(Settings(database_url=URL))
    assert app.state.container.search_index.backend == "postgres"


def test_openapi_declares_the_problem_schema_for_error_responses(app) -> None:
    schema = app.openapi()
    assert {"Problem", "FieldError"} <= set(schema["components"]["schemas"])
    not_found = schema["paths"]["/documents/{document_id}"]["get"]["responses"]["404"]
    assert "application/problem+json" in not_found["content"]


def test_openapi_documents_the_import_body_as_json_lines(app) -> None:
    operation = app.openapi()["paths"]["/collections/{collection_id}/documents/import"]["post"]
    assert list(operation["requestBody"]["content"]) == ["application/x-ndjson"]


def test_openapi_validation_errors_are_documented_as_problems(app) -> None:
    responses = app.openapi()["paths"]["/workspaces"]["post"]["responses"]
    assert list(responses["422"]["content"]) == ["application/problem+json"]


def test_factory_picks_postgres_search_by_default() -> None:
    engine = create_engine_from_url(URL)
    try:
        assert isinstance(build_search_index(Settings(), engine), PostgresSearchIndex)
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("backend", "url_setting", "index_class"),
    [
        (SearchBackend.OPENSEARCH, "opensearch_url", OpenSearchIndex),
        (SearchBackend.ELASTICSEARCH, "elasticsearch_url", ElasticsearchIndex),
    ],
)
def test_factory_builds_a_prefixed_engine_index(
    backend: SearchBackend, url_setting: str, index_class: type
) -> None:
    settings = Settings(
        search_backend=backend, index_prefix="slot1-", **{url_setting: "http://localhost:9200"}
    )
    index = build_search_index(settings, None)
    assert isinstance(index, index_class)
    assert index.index == "slot1-documents"
    index.close()


def test_factory_needs_an_engine_for_postgres_search() -> None:
    with pytest.raises(ValueError, match="engine"):
        build_search_index(Settings(), None)
