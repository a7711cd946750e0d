import pytest

from testlanes_report.junit import (
    FAILED,
    PASSED,
    SKIPPED,
    TestResult,
    by_case_name,
    find_reports,
    read_report,
)
from testlanes_report_tests.samples import FLAKY_TEST, SUMMARY, TESTDATA


def test_one_result_per_testcase_named_with_its_class_and_file() -> None:
    results = read_report(TESTDATA / "unit.xml")
    assert [r.name for r in results] == ["test_adds", "TestGroup::test_in_class", "test_skipped"]
    assert {r.file for r in results} == {"backend/tests/unit/test_sample.py"}


def test_failure_and_skip_become_outcomes_with_their_messages() -> None:
    unit = {r.name: r for r in read_report(TESTDATA / "unit.xml")}
    integration = {r.name: r for r in read_report(TESTDATA / "integration.xml")}
    assert unit["test_adds"].outcome == PASSED
    assert (unit["test_skipped"].outcome, unit["test_skipped"].message) == (SKIPPED, "no server")
    assert integration["test_fails"].outcome == FAILED
    assert "boom" in integration["test_fails"].message


def test_attempts_and_first_error_of_a_retried_test_are_read() -> None:
    # testdata/flaky.xml is real output of pytest with testlanes's retries (integration).
    results = {r.name: r for r in read_report(TESTDATA / "flaky.xml")}
    flaky = results[FLAKY_TEST]
    assert (flaky.outcome, flaky.attempts, flaky.flaky) == (PASSED, 2, True)
    assert flaky.first_error == "ConnectionResetError: [Errno 104] Connection reset by peer"
    steady = results["test_search_returns_the_new_document"]
    assert (steady.attempts, steady.flaky) == (1, False)


def test_an_error_at_teardown_outranks_the_pass_before_it(tmp_path) -> None:
    report = tmp_path / "report.xml"
    report.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.test_x" name="test_breaks_at_teardown" time="0.1">'
        '<error message="failed on teardown with &quot;boom&quot;">trace</error></testcase>'
        '<testcase classname="tests.test_x" name="test_fails" time="0.1">'
        '<failure message="assert 1 == 2">trace</failure></testcase>'
        "</testsuite></testsuites>"
    )
    results = by_case_name(read_report(report))
    breaks = results["test_breaks_at_teardown"]
    assert (breaks.outcome, breaks.error, breaks.details) == (FAILED, True, "trace")
    assert (results["test_fails"].outcome, results["test_fails"].error) == (FAILED, False)


def test_tests_a_library_generates_count_for_the_file_that_declares_them(
    run_tests: list[TestResult],
) -> None:
    generated = {t.file for t in run_tests if t.name.startswith("test_api_conforms_to_its_openapi")}
    assert generated == {"backend/tests/contract/test_schemathesis_api.py"}


def test_a_name_reported_twice_cannot_be_keyed_by_name(run_tests: list[TestResult]) -> None:
    twice = [run_tests[0], run_tests[0]]
    with pytest.raises(ValueError, match="more than once"):
        by_case_name(twice)


def test_a_missing_reports_directory_has_no_reports(tmp_path) -> None:
    assert find_reports(tmp_path / "absent") == []
    assert find_reports(SUMMARY / "reports")
