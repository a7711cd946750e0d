"""A demo suite's configuration, written next to the child pytest runs the provisioning tests
start: its schema comes from a SQL recipe, as a suite that knows no service would declare it."""

from __future__ import annotations

from pathlib import Path

# The same schema the orchestration's own test processes get (repo pyproject.toml, suite
# "orchestration-demo"): one file, read by both.
SCHEMA_SQL = (Path(__file__).parent / "schema.sql").read_text()

CONFIG = """
[tool.pytest.ini_options]
markers = ["services(*names): services a test needs"]

[tool.testlanes.suites.demo]
sql = "schema.sql"
"""

SUITE_NAME = "demo"


def write_suite_config(root: Path, *, suite_lines: str = "") -> Path:
    """Make ``root`` the rootdir of a suite named ``demo`` whose schema is SCHEMA_SQL;
    ``suite_lines`` go into its table (``leak_check = true``, say)."""
    (root / "pyproject.toml").write_text(CONFIG + suite_lines)
    (root / "schema.sql").write_text(SCHEMA_SQL)
    return root
