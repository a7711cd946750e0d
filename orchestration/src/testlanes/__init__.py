"""testlanes: lanes, declared services and their isolation for pytest suites run by Pants.

A test process belongs to a lane (``TEST_LANE`` and its policy, set by the BUILD macros from
lanes.toml) and a suite (``TEST_SUITE``: its schema recipe and the variables it reads, from
``[tool.testlanes.suites.<name>]``). Services are declared per directory (``TEST_SERVICES``,
from the BUILD macro) or per module (``pytestmark = pytest.mark.services("postgres")``); a test
takes connection details only from fixtures (``database_url``, ``db_session`` ...) or from the
variables its suite reads, which the plugin sets before any conftest is imported.

Settings (options.py): each is an environment variable, an ini key ``testlanes_<name>`` and an
option ``--testlanes-<name>`` (``pytest --help`` lists them); the option wins, then the variable
(Pants passes variables, and they are its cache key), then the ini key. The variables:

``TEST_POSTGRES_URL`` / ``TEST_OPENSEARCH_URL`` / ``TEST_ELASTICSEARCH_URL``
    A shared server for the tests. Unset: PostgreSQL runs embedded (a throwaway cluster per
    process, copied from a template cluster); search tests are skipped, saying why.
``TEST_POSTGRES_VERSION`` (likewise ``_OPENSEARCH_``, ``_ELASTICSEARCH_``)
    Required with the matching URL; checked against the server at start-up.
``TEST_ISOLATION`` = ``serial`` (default) | ``slot``
    How test processes share a server (modes.py decides, and says how each mode works).
``TEST_SLOT``
    Pants' execution slot (``[pytest].execution_slot_var``); names slot databases and index
    prefixes. ``PYTEST_XDIST_WORKER`` is appended when set.
``TEST_STRICT=1``
    No retries, whatever the lane allows.
``TEST_LOCK_DIR``, ``TEST_LOCK_TIMEOUT`` (s, default 600), ``TEST_CACHE_DIR``,
``TEST_CONNECT_TIMEOUT`` (s, default 5)
    Where the local serial locks and the template clusters live, and how long to wait.
"""
