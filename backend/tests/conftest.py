"""Root conftest of the test source root: registers the catalog test plugin for every lane.

The plugin only provides fixtures and hooks; no service starts unless a test declares it.
Named as a string so pytest can rewrite its asserts; backend/tests/BUILD declares the dependency
that Pants cannot infer from a string.
"""

pytest_plugins = ["catalog_testing.plugin"]
