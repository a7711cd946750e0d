"""Test utilities for the catalog backend: service provisioning, isolation and leak checks.

Integration test modules declare the services they need::

    pytestmark = pytest.mark.services("postgres")          # also "opensearch", "elasticsearch"

and take connection details only from fixtures (``database_url``, ``db_session``, ...), never
by building their own connection strings. The pytest plugin is ``catalog_testing.plugin``
(registered by ``backend/tests/conftest.py``).

Environment variables (all optional; every one that changes behaviour must be passed to the
tests, which also puts it into Pants' cache key):

``DATABASE_URL``
    A shared PostgreSQL server to test against. Unset: each test process runs its own
    throwaway cluster copied from a migrated template cluster (embedded mode).
``OPENSEARCH_URL`` / ``ELASTICSEARCH_URL``
    Shared search servers. Unset: tests declaring that service are reported as SKIPPED.
``CATALOG_TEST_ISOLATION`` = ``serial`` (default) | ``slot``
    How test processes share the services above. ``serial``: a cross-process lock per service
    held for the whole process. ``slot``: a database per process cloned from a migrated
    template database, and a search index prefix per process.
``CATALOG_POSTGRES_VERSION`` / ``CATALOG_OPENSEARCH_VERSION`` / ``CATALOG_ELASTICSEARCH_VERSION``
    Required with the matching URL: the server version the tests expect (``15`` or ``15.8``).
    Checked against the server at start-up, so a cache key that includes it changes whenever
    the server does.
``CATALOG_TEST_SLOT``
    Set by Pants (``[pytest].execution_slot_var``); names the slot database and index prefix.
    ``PYTEST_XDIST_WORKER`` is appended when set.
``CATALOG_TEST_LOCK_DIR`` (default ``<tmp>/catalog-test-locks``), ``CATALOG_TEST_LOCK_TIMEOUT``
    (seconds, default 600): where the serial locks live and how long to wait for one.
``CATALOG_TEST_CACHE_DIR`` (default ``<tmp>/catalog-test-cache``): the migrated template
    clusters of embedded mode, one per (migration files, PostgreSQL version).
``CATALOG_TEST_CONNECT_TIMEOUT`` (seconds, default 5): how long to try an unreachable service.

Legacy suites that read ``DATABASE_URL``, ``POSTGRES_HOST``/``PORT``/``DB``/``USER``/``PASSWORD``
or libpq's ``PG*`` variables at import time get this process's database there: the integration
lane's conftest exports them before a test module is imported.
"""
