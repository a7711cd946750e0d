"""What a failing Alembic recipe prints: never a password, always a way to reproduce it."""

from __future__ import annotations

from pathlib import Path

import pytest

from testlanes.alembic_recipe import AlembicRun

URL = "postgresql+psycopg://shop:s3cret@db.internal:5432/tl_tmpl_shop"
EXPORTS = {
    "DATABASE_URL": URL,
    "POSTGRES_PASSWORD": "s3cret",
    "POSTGRES_SERVER": "db.internal",
}
OUTPUT = "connecting to postgresql://shop:s3cret@db.internal/tl_tmpl_shop\nOperationalError: boom\n"


@pytest.fixture()
def message(tmp_path: Path) -> str:
    run = AlembicRun("shop", None, tmp_path / "alembic.ini", section="shop")
    return run.explain(1, OUTPUT, URL, EXPORTS)


def test_passwords_are_hidden_in_the_url_the_variables_and_the_output(message: str) -> None:
    assert "s3cret" not in message
    pytest.LineMatcher(message.splitlines()).fnmatch_lines(
        [
            "  command:   alembic -c */alembic.ini -n shop upgrade head  (sqlalchemy.url = "
            "postgresql+psycopg://shop:***@db.internal:5432/tl_tmpl_shop)",
            "  variables: DATABASE_URL=postgresql+psycopg://shop:***@db.internal:5432/tl_tmpl_shop "
            "POSTGRES_PASSWORD=*** POSTGRES_SERVER=db.internal",
            "    | connecting to postgresql://shop:***@db.internal/tl_tmpl_shop",
        ]
    )


def test_with_an_ini_the_command_runs_in_its_directory(message: str, tmp_path: Path) -> None:
    pytest.LineMatcher(message.splitlines()).fnmatch_lines([f"  directory: {tmp_path}"])


def test_a_failure_of_unknown_cause_says_how_to_reproduce_it(message: str) -> None:
    pytest.LineMatcher(message.splitlines()).fnmatch_lines(
        ["  to reproduce: run that command in that directory with those variables*"]
    )


def test_a_missing_alembic_says_which_extra_to_install(tmp_path: Path) -> None:
    run = AlembicRun("shop", tmp_path / "migrations", None)
    message = run.explain(1, "ModuleNotFoundError: No module named 'alembic'\n", URL, {})
    pytest.LineMatcher(message.splitlines()).fnmatch_lines(
        [
            "  to fix: suite 'shop' has an Alembic schema recipe but alembic is not installed "
            "here: pip install 'testlanes[alembic]'"
        ]
    )
