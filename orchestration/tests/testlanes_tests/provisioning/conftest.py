from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

# A project's Alembic setup as `alembic init` generates it: env.py asserts the ini file is set
# and configures logging from it; the migration reads an option of the ini.
ALEMBIC_INI = """
[{section}]
script_location = %(here)s/migrations
widget_table = widgets

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
formatter = generic

[formatter_generic]
format = %%(levelname)s [%%(name)s] %%(message)s
"""

ENV_PY = """
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine

config = context.config
assert config.config_file_name is not None
fileConfig(config.config_file_name)

engine = create_engine(config.get_main_option("sqlalchemy.url"))
with engine.connect() as connection:
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
"""

FIRST_REVISION = """
from alembic import context, op

revision = "0001"
down_revision = None


def upgrade():
    table = context.config.get_main_option("widget_table")
    op.execute(f"CREATE TABLE {table} (id serial PRIMARY KEY)")
"""


def write_alembic_project(root: Path, *, section: str = "alembic") -> Path:
    """An Alembic project in ``root`` (alembic.ini, migrations/env.py, one revision)."""
    (root / "alembic.ini").write_text(ALEMBIC_INI.format(section=section))
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "migrations" / "env.py").write_text(textwrap.dedent(ENV_PY))
    (versions / "0001_widgets.py").write_text(textwrap.dedent(FIRST_REVISION))
    return root


@pytest.fixture()
def alembic_project(tmp_path: Path) -> Path:
    """A project whose env.py needs its alembic.ini, with the ini's section [alembic]."""
    return write_alembic_project(tmp_path)


@pytest.fixture()
def alembic_project_in_section_shop(tmp_path: Path) -> Path:
    """The same project with its Alembic settings in the ini's section [shop]."""
    return write_alembic_project(tmp_path, section="shop")
