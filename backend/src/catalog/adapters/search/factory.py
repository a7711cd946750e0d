"""Pick and build the configured search adapter."""

from __future__ import annotations

from sqlalchemy import Engine

from catalog.adapters.search.elasticsearch import ElasticsearchIndex, elasticsearch_client
from catalog.adapters.search.opensearch import OpenSearchIndex, opensearch_client
from catalog.adapters.search.postgres_fts import PostgresSearchIndex
from catalog.ports import SearchIndex
from catalog.settings import SearchBackend, Settings


def build_search_index(settings: Settings, engine: Engine | None) -> SearchIndex:
    """The adapter for ``SEARCH_BACKEND``; PostgreSQL FTS needs the engine, the others a URL."""
    if settings.search_backend is SearchBackend.OPENSEARCH and settings.opensearch_url:
        return OpenSearchIndex(
            opensearch_client(settings.opensearch_url),
            prefix=settings.index_prefix,
            refresh=settings.search_refresh,
        )
    if settings.search_backend is SearchBackend.ELASTICSEARCH and settings.elasticsearch_url:
        return ElasticsearchIndex(
            elasticsearch_client(settings.elasticsearch_url),
            prefix=settings.index_prefix,
            refresh=settings.search_refresh,
        )
    if engine is None:
        raise ValueError("PostgreSQL full-text search needs a database engine")
    return PostgresSearchIndex(engine)
