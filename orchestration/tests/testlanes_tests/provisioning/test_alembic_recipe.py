"""The Alembic recipe runs a project's usual env.py: with its alembic.ini (fileConfig,
config_file_name, ini options), in the ini's directory; a failure says how to reproduce it."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from testlanes.errors import AlembicRecipeFailed
from testlanes.recipes import SchemaRecipe

pytestmark = pytest.mark.services("postgres")


def _recipe(project: Path, **table: str) -> SchemaRecipe:
    return SchemaRecipe.from_table("shop", table, project)


def _tables(url: str) -> list[str]:
    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
    return [name for (name,) in rows]


def _no_exports(url: str) -> dict[str, str]:
    return {}


def test_the_projects_alembic_ini_is_used_so_its_usual_env_py_runs(
    alembic_project: Path, empty_database_url: str
) -> None:
    _recipe(alembic_project, alembic_ini="alembic.ini").apply(empty_database_url, _no_exports)

    # widgets: the table name the ini gave the migration
    assert _tables(empty_database_url) == ["alembic_version", "widgets"]


def test_a_named_section_of_the_ini_is_the_one_used(
    alembic_project_in_section_shop: Path, empty_database_url: str
) -> None:
    recipe = _recipe(
        alembic_project_in_section_shop, alembic_ini="alembic.ini", alembic_section="shop"
    )

    recipe.apply(empty_database_url, _no_exports)

    assert _tables(empty_database_url) == ["alembic_version", "widgets"]


def test_without_the_ini_a_failure_names_command_directory_variables_output_and_the_fix(
    alembic_project: Path, empty_database_url: str
) -> None:
    recipe = _recipe(alembic_project, alembic="migrations")

    with pytest.raises(AlembicRecipeFailed) as failed:
        recipe.apply(empty_database_url, lambda url: {"POSTGRES_DB": "shop_test"})

    pytest.LineMatcher(str(failed.value).splitlines()).fnmatch_lines(
        [
            "suite 'shop': the schema recipe `alembic upgrade head` (script_location "
            f"{alembic_project}/migrations) failed with exit status 1",
            "  command:   alembic upgrade head  (sqlalchemy.url = postgresql+psycopg://*)",
            f"  directory: {Path.cwd()}",
            "  variables: POSTGRES_DB=shop_test",
            "  last * lines of its output:",
            "    | *assert config.config_file_name is not None*",
            "    | AssertionError",
            "  to fix: this env.py needs the project's alembic.ini: set alembic_ini = \"<path to "
            'alembic.ini>" in [[]tool.testlanes.suites.shop] (relative to the pytest config file;'
            " alembic_section if its section is not [[]alembic])",
        ]
    )
