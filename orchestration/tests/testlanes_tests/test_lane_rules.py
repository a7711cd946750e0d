"""Lane purity: unit/contract tests fail on sockets, subprocesses and databases, naming the rule;
integration tests reach only the services they declare (testlanes.lane_rules)."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from testlanes.errors import LaneRuleError
from testlanes.lane_policy import LanePolicy
from testlanes.lane_rules import LaneRules, rule_message, service_message
from testlanes_testkit.inner_runs import CONTRACT, INTEGRATION, UNIT, InnerRun, run_in_lane

pytest_plugins = ["pytester"]

RunFile = Callable[[LanePolicy | None, str], InnerRun]

SOCKET_RULE = (
    "lane rule (unit): tests in the unit lane may not open network sockets; move this test to "
    "a lane that may touch services (lanes.toml) and declare the service"
)


@pytest.fixture()
def run_file(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> RunFile:
    """Write ``source`` as the only test file and run it with our plugin as ``lane``."""

    def run(lane: LanePolicy | None, source: str) -> InnerRun:
        pytester.makepyfile(test_file=source)
        return run_in_lane(pytester, monkeypatch, lane)

    return run


def test_a_unit_test_opening_a_tcp_socket_fails_naming_the_rule_and_the_lane(
    run_file: RunFile,
) -> None:
    run = run_file(
        UNIT,
        """
        import socket

        def test_creates_a_socket():
            socket.socket(socket.AF_INET, socket.SOCK_STREAM)

        def test_connects_by_name():
            socket.create_connection(("localhost", 9))
        """,
    )
    run.result.assert_outcomes(failed=2)
    assert run.output.count(SOCKET_RULE) >= 2
    assert "socket.socket(AF_INET)" in run.output
    assert "socket.getaddrinfo(localhost 9)" in run.output


def test_a_unit_test_connecting_a_unix_socket_fails(run_file: RunFile) -> None:
    run = run_file(
        UNIT,
        """
        import socket

        def test_unix():
            with socket.socket(socket.AF_UNIX) as sock:
                sock.connect("\\0catalog-lane-rules")  # abstract: no file, nothing listens
        """,
    )
    run.result.assert_outcomes(failed=1)
    assert SOCKET_RULE in run.output
    assert "socket.connect AF_UNIX" in run.output


def test_asyncio_event_loops_stay_allowed_in_the_unit_lane(run_file: RunFile) -> None:
    # The loop's self-pipe is a socket pair that never connects: not network traffic.
    run = run_file(
        UNIT,
        """
        import asyncio

        def test_runs_a_loop():
            assert asyncio.run(asyncio.sleep(0, result=3)) == 3
        """,
    )
    run.result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    "start",
    [
        "subprocess.run(['true'], check=False)",
        "os.system('true')",
        "os.posix_spawn('/bin/true', ['true'], {})",
    ],
)
def test_a_contract_test_starting_a_subprocess_fails_naming_the_rule(
    run_file: RunFile, start: str
) -> None:
    run = run_file(
        CONTRACT,
        f"""
        import os, subprocess

        def test_starts_a_program():
            {start}
        """,
    )
    run.result.assert_outcomes(failed=1)
    assert (
        "lane rule (contract): tests in the contract lane may not start subprocesses; move this "
        "test to a lane that may touch services (lanes.toml)" in run.output
    )


def test_a_test_that_catches_the_rule_error_still_fails(run_file: RunFile) -> None:
    run = run_file(
        UNIT,
        """
        import subprocess

        def test_swallows():
            try:
                subprocess.run(["true"], check=False)
            except Exception:
                pass
        """,
    )
    run.result.assert_outcomes(failed=1)
    assert "may not start subprocesses" in run.output
    assert "the test caught the error" in run.output


def test_a_unit_test_connecting_to_postgres_fails_before_any_connection(run_file: RunFile) -> None:
    run = run_file(
        UNIT,
        """
        import psycopg
        from sqlalchemy import create_engine, text

        def test_psycopg():
            psycopg.connect("host=127.0.0.1 port=1 dbname=catalog connect_timeout=1")

        def test_sqlalchemy():
            engine = create_engine("postgresql+psycopg://app@127.0.0.1:1/catalog")
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        """,
    )
    run.result.assert_outcomes(failed=2)
    assert (
        run.output.count("lane rule (unit): tests in the unit lane may not touch a database") >= 2
    )
    assert "Connection refused" not in run.output


def test_a_unit_test_declaring_a_service_errors_before_its_fixtures_run(run_file: RunFile) -> None:
    run = run_file(
        UNIT,
        """
        import pytest

        pytestmark = pytest.mark.services("postgres")

        def test_uses_the_database(database_url):
            pass
        """,
    )
    run.result.assert_outcomes(errors=1)
    assert rule_message("unit", "may not declare services", "services(postgres)") in run.output
    assert "cannot provision" not in run.output


def test_an_integration_test_does_not_see_the_addresses_of_services_it_did_not_declare(
    run_file: RunFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_OPENSEARCH_URL", "http://192.0.2.1:9200")
    monkeypatch.setenv("TEST_ELASTICSEARCH_URL", "http://192.0.2.2:9200")
    run = run_file(
        INTEGRATION,
        """
        import os
        import pytest

        @pytest.mark.services("opensearch")
        def test_declared():
            assert os.environ["TEST_OPENSEARCH_URL"] == "http://192.0.2.1:9200"
            assert "TEST_ELASTICSEARCH_URL" not in os.environ

        def test_undeclared():
            assert "TEST_OPENSEARCH_URL" not in os.environ
            assert "TEST_ELASTICSEARCH_URL" not in os.environ
        """,
    )
    run.result.assert_outcomes(passed=2)
    # Hidden only while each test ran.
    assert os.environ["TEST_OPENSEARCH_URL"] == "http://192.0.2.1:9200"


def test_an_integration_test_connecting_to_an_undeclared_database_fails(
    run_file: RunFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_POSTGRES_URL", "postgresql+psycopg://app@127.0.0.1:1/catalog")
    run = run_file(
        INTEGRATION,
        """
        import psycopg

        def test_connects_anyway():
            psycopg.connect("host=localhost port=1 dbname=catalog connect_timeout=1")
        """,
    )
    run.result.assert_outcomes(failed=1)
    assert (
        service_message("integration", "postgres", "connected to it at localhost:1") in run.output
    )


def test_connecting_to_an_undeclared_search_service_is_refused_and_recorded() -> None:
    rules = LaneRules(INTEGRATION)
    rules._search_addresses = {("127.0.0.1", 9200): "opensearch"}
    rules.declared = frozenset({"postgres"})
    with pytest.raises(LaneRuleError, match="did not declare 'opensearch'"):
        rules.on_audit("socket.connect", (None, ("127.0.0.1", 9200)))
    assert len(rules.violations) == 1
    rules.declared = frozenset({"opensearch"})
    rules.on_audit("socket.connect", (None, ("127.0.0.1", 9200)))
    rules.on_audit("socket.connect", (None, ("127.0.0.1", 8000)))  # e.g. the app under test
    assert len(rules.violations) == 1


def test_without_a_lane_only_tests_that_declare_a_service_are_guarded(run_file: RunFile) -> None:
    run = run_file(
        None,
        """
        import pytest
        from testlanes import guards

        def test_is_left_alone(pytestconfig):
            rules = pytestconfig.pluginmanager.get_plugin("testlanes_lane_rules")
            assert rules not in guards.ACTIVE
            assert pytestconfig.getoption("reruns") == 0

        @pytest.mark.services("postgres")
        def test_declaring_a_service_opts_in(pytestconfig):
            rules = pytestconfig.pluginmanager.get_plugin("testlanes_lane_rules")
            assert guards.ACTIVE[-1] is rules
        """,
    )
    run.result.assert_outcomes(passed=2)


DRIVER_CONNECTS = {
    "psycopg": "psycopg.connect(host='127.0.0.1', port=1, dbname='shop', connect_timeout=1)",
    "psycopg2": "psycopg2.connect(host='127.0.0.1', port=1, dbname='shop', connect_timeout=1)",
    "asyncpg": "asyncio.run(asyncpg.connect(host='127.0.0.1', port=1, database='shop'))",
}


@pytest.mark.parametrize("driver", sorted(DRIVER_CONNECTS))
def test_the_isolation_rule_sees_every_driver_and_a_swallowed_error(
    run_file: RunFile, driver: str
) -> None:
    run = run_file(
        INTEGRATION,
        f"""
        import asyncio
        import contextlib
        import {driver}

        def test_connects_to_a_database_nobody_provisioned():
            with contextlib.suppress(Exception):  # code that turns every error into "down"
                {DRIVER_CONNECTS[driver]}
        """,
    )
    run.result.assert_outcomes(failed=1)
    assert (
        "isolation rule: this test connected to 127.0.0.1:1/shop, which testlanes did not "
        "provision (this process has no database yet)"
    ) in run.output
    assert "the test caught the error" in run.output
