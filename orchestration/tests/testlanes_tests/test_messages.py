"""What a misconfigured user sees, word for word where it matters: each message names what is
wrong, where the value came from and what to do."""

from __future__ import annotations

import pytest

from testlanes_testkit.inner_runs import UNIT, run_in_lane

pytest_plugins = ["pytester"]

PASSING_TEST = "def test_passes():\n    pass\n"


@pytest.fixture()
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project with one suite, `shop`, and one test file."""
    pytester.makepyprojecttoml('[tool.testlanes.suites.shop]\nsql = "schema.sql"\n')
    pytester.makepyfile(test_file=PASSING_TEST)
    return pytester


MISCONFIGURATIONS = {
    "unknown-suite": (
        {"TEST_SUITE": "shipping"},
        (),
        # (fnmatch reads [...] as a set of characters: ? stands for each bracket)
        "ERROR: TEST_SUITE='shipping' but */pyproject.toml configures ?'shop'? under ?tool.*",
    ),
    "bad-isolation": (
        {},
        ("--testlanes-isolation=parallel",),
        "ERROR: TEST_ISOLATION='parallel': expected 'serial' or 'slot'",
    ),
    "not-a-url": (
        {"TEST_SERVICES": "postgres", "TEST_POSTGRES_URL": "db.internal:5432"},
        (),
        "ERROR: testlanes: cannot provision postgres: TEST_POSTGRES_URL='db.internal:5432' is not "
        "a PostgreSQL URL; expected e.g. postgresql+psycopg://USER@HOST:PORT/DATABASE (declared "
        "by TEST_SERVICES=postgres)*",
    ),
}


@pytest.mark.parametrize(
    ("env", "args", "said"), MISCONFIGURATIONS.values(), ids=MISCONFIGURATIONS.keys()
)
def test_a_misconfiguration_is_a_usage_error_saying_what_is_wrong(
    suite: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    args: tuple[str, ...],
    said: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    run = run_in_lane(suite, monkeypatch, None, *args)

    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    run.result.stderr.fnmatch_lines([said])


def test_a_variable_overriding_an_ini_key_wins_and_the_header_says_so(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_CONNECT_TIMEOUT", "7")

    run = run_in_lane(suite, monkeypatch, None, "-o", "testlanes_connect_timeout=3")

    run.result.assert_outcomes(passed=1)
    run.result.stdout.fnmatch_lines(
        [
            "testlanes: testlanes_connect_timeout = 7 (from TEST_CONNECT_TIMEOUT, "
            "overriding ini testlanes_connect_timeout = 3)"
        ]
    )


def test_an_ini_key_configures_what_no_variable_sets(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_ISOLATION", raising=False)

    run = run_in_lane(suite, monkeypatch, None, "-o", "testlanes_isolation=slot")

    run.result.stdout.fnmatch_lines(
        ["testlanes: testlanes_isolation = slot (from ini testlanes_isolation)"]
    )


def test_a_lane_rule_broken_in_a_session_fixture_fails_the_test_that_set_it_up(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_file="""
        import socket
        import pytest

        @pytest.fixture(scope="session", autouse=True)
        def network():
            socket.create_connection(("127.0.0.1", 9))

        def test_first():
            pass
        """
    )

    run = run_in_lane(pytester, monkeypatch, UNIT)

    run.result.assert_outcomes(errors=1)
    run.result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_first*",
            "*lane rule (unit): tests in the unit lane may not open network sockets*",
        ]
    )
    assert "INTERNALERROR" not in run.output
