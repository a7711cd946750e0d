"""Search adapters behind the ``SearchIndex`` port: PostgreSQL FTS, OpenSearch, Elasticsearch."""
