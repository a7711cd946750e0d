"""Sample inputs the synthetic workspace's tests share: a profile, lane defaults, a pants.toml."""

import workspace_gen as gen

PROFILE = [
    gen.FileProfile("backend/tests/unit/test_a.py", "unit", (0.1, 0.2)),
    gen.FileProfile("backend/tests/unit/test_b.py", "unit", (0.3,)),
    gen.FileProfile("backend/tests/unit/test_c.py", "unit", (0.05,)),
    gen.FileProfile("backend/tests/contract/test_d.py", "contract", (1.0,)),
    gen.FileProfile("backend/tests/integration/test_e.py", "integration", (2.0, 2.0)),
]
DEFAULTS = {
    "unit": '__defaults__({python_tests: dict(tags=["unit"])})',
    "contract": '__defaults__({python_tests: dict(tags=["contract"])})',
    "integration": '__defaults__({python_tests: dict(tags=["integration"])})',
}
REAL_TOML = """
[GLOBAL]
pants_version = "2.17.1"
backend_packages = ["pants.backend.python", "lane_guard"]
pythonpath = ["%(buildroot)s/pants-plugins"]
pants_ignore.add = ["/dist/"]

[source]
root_patterns = ["/backend/src"]

[python]
interpreter_constraints = ["CPython==3.11.*"]

[python.resolves]
python-default = "3rdparty/python/default.lock"

[pytest]
execution_slot_var = "TEST_SLOT"

[ruff]
install_from_resolve = "python-default"
"""
