from pathlib import Path

import pytest
from junit_reports import FAILED, PASSED, SKIPPED, read_outages, read_report, read_reports
from lanes import UNKNOWN_LANE, lane_map_from_listings
from summary import render_failures, render_flaky, render_outages
from tally import main, render, tally_by_lane

TESTDATA = Path(__file__).parent / "testdata"
LANE_OF = {
    "backend/tests/unit/test_sample.py": "unit",
    "backend/tests/integration/test_db.py": "integration",
    "backend/tests/integration/test_flaky_sample.py": "integration",
}
# The tally's own reports; testdata/summary/ holds summary.py's.
REPORTS = sorted(TESTDATA.glob("*.xml"))
FLAKY_TEST = "test_reindex_survives_a_reset_connection"


def test_read_report_gives_one_result_per_testcase_with_its_file() -> None:
    results = read_report(TESTDATA / "unit.xml")
    assert [r.name for r in results] == ["test_adds", "TestGroup::test_in_class", "test_skipped"]
    assert {r.file for r in results} == {"backend/tests/unit/test_sample.py"}


def test_read_report_maps_failure_and_skip_to_outcomes_with_their_messages() -> None:
    unit = {r.name: r for r in read_report(TESTDATA / "unit.xml")}
    integration = {r.name: r for r in read_report(TESTDATA / "integration.xml")}
    assert unit["test_adds"].outcome == PASSED
    assert (unit["test_skipped"].outcome, unit["test_skipped"].message) == (SKIPPED, "no server")
    assert integration["test_fails"].outcome == FAILED
    assert "boom" in integration["test_fails"].message


def test_lane_map_reads_generated_target_addresses_per_lane() -> None:
    listings = {"unit": "backend/tests/unit/test_a.py:unit\nbackend/tests/unit:unit\n"}
    assert lane_map_from_listings(listings) == {"backend/tests/unit/test_a.py": "unit"}


def test_tally_counts_files_and_tests_per_lane() -> None:
    lanes = tally_by_lane(read_reports(REPORTS), LANE_OF)
    assert (len(lanes["unit"].files), lanes["unit"].tests) == (1, 3)
    assert (len(lanes["integration"].files), lanes["integration"].tests) == (2, 4)


def test_a_file_no_lane_claims_is_tallied_visibly_not_dropped() -> None:
    lanes = tally_by_lane(read_report(TESTDATA / "unit.xml"), {})
    assert lanes[UNKNOWN_LANE].tests == 3


def test_render_closes_with_the_whole_run_totals_without_flaky_tests() -> None:
    reports = [TESTDATA / "unit.xml", TESTDATA / "integration.xml"]
    text = render(tally_by_lane(read_reports(reports), LANE_OF))
    assert text.splitlines()[-1] == "3 passed, 1 failed, 1 skipped"
    assert [line.split()[0] for line in text.splitlines()[1:3]] == ["unit", "integration"]


def test_read_report_takes_attempts_and_first_error_of_a_retried_test() -> None:
    # testdata/flaky.xml is real output of pytest with testlanes's retries (integration).
    results = {r.name: r for r in read_report(TESTDATA / "flaky.xml")}
    flaky = results[FLAKY_TEST]
    assert (flaky.outcome, flaky.attempts, flaky.flaky) == (PASSED, 2, True)
    assert flaky.first_error == "ConnectionResetError: [Errno 104] Connection reset by peer"
    steady = results["test_search_returns_the_new_document"]
    assert (steady.attempts, steady.flaky) == (1, False)


def test_flaky_tests_get_a_column_and_a_list_after_the_unchanged_closing_line() -> None:
    lines = render(tally_by_lane(read_reports(REPORTS), LANE_OF)).splitlines()
    assert lines[0].split()[-1] == "flaky"
    assert [line.split()[-1] for line in lines[1:3]] == ["0", "1"]
    assert lines[3] == "5 passed, 1 failed, 1 skipped"
    assert lines[4:] == [
        "FLAKY: 1 passed only after a retry",
        f"  backend/tests/integration/test_flaky_sample.py::{FLAKY_TEST}: 2 attempts, "
        "first error: ConnectionResetError: [Errno 104] Connection reset by peer",
    ]


def test_main_without_reports_fails_with_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--reports", str(tmp_path)]) == 2
    assert "run the tests first" in capsys.readouterr().err


def test_the_ci_summary_lists_flaky_tests_with_attempts_and_first_error() -> None:
    text = "\n".join(render_flaky(read_reports(REPORTS), LANE_OF))
    assert text.startswith("### Flaky (1 passed only after a retry)")
    assert f"`backend/tests/integration/test_flaky_sample.py::{FLAKY_TEST}` (integration): " in text
    assert "2 attempts, first error: ConnectionResetError" in text


OUTAGE = TESTDATA / "outages" / "outage.xml"  # the shape testlanes.outages writes (trimmed)


def test_an_outage_is_one_line_naming_service_address_and_tests_not_run() -> None:
    text = render(tally_by_lane(read_reports([OUTAGE]), LANE_OF), read_outages([OUTAGE]))
    assert (
        "OUTAGE: postgres down at 127.0.0.1:55123 since "
        "test_alpha.py::test_waits_for_the_outage, 2 tests not run"
    ) in text.splitlines()


def test_the_ci_summary_shows_outages_and_keeps_their_tests_out_of_failures() -> None:
    tests = read_reports([OUTAGE])
    outages = "\n".join(render_outages(read_outages([OUTAGE]), tests))
    failures = "\n".join(render_failures(tests, [], 20))
    assert outages.startswith("### Outages (3 failed tests are theirs")
    assert "- **postgres down at 127.0.0.1:55123 since" in outages
    assert failures == ""
