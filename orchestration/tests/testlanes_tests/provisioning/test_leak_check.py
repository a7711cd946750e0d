"""The leak check adopts real suites: it never waits for the suite's own locks, says once when it
cannot check, and by default leaves a wipe-all suite's own commits to the suite."""

from __future__ import annotations

import functools
from collections.abc import Callable

import pytest
from testlanes_tests.provisioning.demo_suite import write_suite_config

from testlanes.registry import registry
from testlanes_report.junit import read_report
from testlanes_testkit.runner import PytestRun, clean_env, run_pytest

pytestmark = pytest.mark.services("postgres")

# A session fixture of the suite's own keeps a session open inside a transaction that read the
# table (so it holds ACCESS SHARE, which TRUNCATE must wait for), as many suites' do.
SESSION_HOLDING_A_TRANSACTION = """
import psycopg
import pytest

@pytest.fixture(scope="session", autouse=True)
def open_session():
    conn = psycopg.connect()  # PG* variables: this process's database
    conn.execute("SELECT count(*) FROM workspaces")  # opens a transaction, left open
    yield conn
    conn.close()
"""

LEAKING_TESTS = """
import pytest
from sqlalchemy import text

pytestmark = pytest.mark.services("postgres")

@pytest.mark.parametrize("n", range(3))
def test_commits_a_row_and_leaves_it(db_engine, n):
    with db_engine.begin() as conn:
        conn.execute(text("INSERT INTO workspaces (slug, name) VALUES (:s, 'W')"), {"s": f"w{n}"})
"""

# A suite written before the plugin: its own connection, commits, deletes every row at the end.
WIPE_ALL_SUITE = """
import psycopg
import pytest

pytestmark = pytest.mark.services("postgres")
CONN = psycopg.connect(autocommit=True)

@pytest.fixture(scope="session", autouse=True)
def seed_and_wipe():
    CONN.execute("INSERT INTO workspaces (slug, name) VALUES ('seed', 'Seed')")
    yield
    CONN.execute("DELETE FROM collections")
    CONN.execute("DELETE FROM workspaces")

def test_own_connection_commits_a_row():
    CONN.execute("INSERT INTO workspaces (slug, name) VALUES ('own', 'Own')")

def test_plugin_fixture_leaves_a_row(db_engine):
    with db_engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO collections (workspace_id, slug) "
                             "SELECT id, 'c' FROM workspaces WHERE slug = 'seed'")
"""


# Each inner run: the suite table's extra lines and the files of the suite.
RUNS = {
    "held_session": (
        "leak_check = true\n",
        {"conftest.py": SESSION_HOLDING_A_TRANSACTION, "test_leaks.py": LEAKING_TESTS},
    ),
    "wipe_all": ("", {"test_wipe.py": WIPE_ALL_SUITE}),
    "wipe_all_checked": ("leak_check = true\n", {"test_wipe.py": WIPE_ALL_SUITE}),
}


@pytest.fixture(scope="module")
def inner_run(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Callable[[str], PytestRun]:
    """The inner run of RUNS[name], made once per module however many tests read it."""

    @functools.cache
    def run(name: str) -> PytestRun:
        suite_lines, files = RUNS[name]
        root = tmp_path_factory.mktemp(name)
        write_suite_config(root, suite_lines=suite_lines)
        for file_name, body in files.items():
            (root / file_name).write_text(body)
        # Declared for the whole process, as a BUILD file does: provisioned before conftest
        # imports.
        env = clean_env(
            {"TEST_SERVICES": "postgres"}, cache_dir=registry(request.config).settings.cache_dir
        )
        return run_pytest([str(root)], cwd=root, env=env)

    return run


LEAKS = [f"test_commits_a_row_and_leaves_it[{n}]" for n in range(3)]


def test_a_leak_is_still_reported_while_the_suite_holds_a_lock_on_the_table(
    inner_run: Callable[[str], PytestRun],
) -> None:
    run = inner_run("held_session")
    for name in LEAKS:
        result = run.outcomes[name]
        assert result.outcome == "error", run.stdout + run.stderr
        pytest.LineMatcher(result.message.splitlines()).fnmatch_lines(
            ["*test_commits_a_row_and_leaves_it*left rows behind (workspaces: 1)*"]
        )


def test_the_check_never_waits_for_the_lock_the_suite_holds(
    inner_run: Callable[[str], PytestRun], tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Each test used to wait out a 5 s lock timeout in TRUNCATE and fail with LockNotAvailable.
    run = inner_run("held_session")
    report = next(tmp_path_factory.getbasetemp().glob("held*/junit.xml"))
    seconds = {r.name: r.seconds for r in read_report(report)}
    assert sum(seconds[name] for name in LEAKS) < 5.0, seconds
    assert "LockNotAvailable" not in run.stdout


def test_when_it_cannot_clean_up_it_says_once_why_and_which_setting_turns_it_off(
    inner_run: Callable[[str], PytestRun],
) -> None:
    run = inner_run("held_session")
    pytest.LineMatcher(run.stderr.splitlines()).fnmatch_lines(
        [
            "[[]testlanes] leak check: cannot empty the tables after *test_commits_a_row_and_"
            "leaves_it[[]0]: pid * (application_name *, idle in transaction, transaction open "
            "since *, holding workspaces AccessShareLock; last query: *SELECT count(*) FROM "
            "workspaces*). The check never waits for another session's locks (said once*). If "
            "the suite cleans up after itself, turn the check off: leak_check = false in "
            "[[]tool.testlanes.suites.demo]"
        ]
    )
    assert run.stderr.count("[testlanes] leak check:") == 1


def test_by_default_a_wipe_all_suites_own_commits_are_left_to_the_suite(
    inner_run: Callable[[str], PytestRun],
) -> None:
    run = inner_run("wipe_all")
    result = run.outcomes["test_own_connection_commits_a_row"]
    assert result.outcome == "passed", run.stdout + run.stderr


def test_by_default_a_test_using_the_plugins_fixtures_is_still_checked(
    inner_run: Callable[[str], PytestRun],
) -> None:
    run = inner_run("wipe_all")
    result = run.outcomes["test_plugin_fixture_leaves_a_row"]
    assert result.outcome == "error"
    pytest.LineMatcher(result.message.splitlines()).fnmatch_lines(
        ["*test_plugin_fixture_leaves_a_row left rows behind (collections: 1)*"]
    )


def test_with_leak_check_true_the_suites_own_commits_are_checked_too(
    inner_run: Callable[[str], PytestRun],
) -> None:
    run = inner_run("wipe_all_checked")
    result = run.outcomes["test_own_connection_commits_a_row"]
    assert result.outcome == "error", run.stdout + run.stderr
    pytest.LineMatcher(result.message.splitlines()).fnmatch_lines(
        ["*test_own_connection_commits_a_row left rows behind (workspaces: 1)*"]
    )
