from pathlib import Path

import pytest
from junit_reports import FAILED, PASSED, SKIPPED, find_reports, read_report, read_reports
from lanes import UNKNOWN_LANE, lane_map_from_listings
from tally import main, render, tally_by_lane

TESTDATA = Path(__file__).parent / "testdata"
LANE_OF = {
    "backend/tests/unit/test_sample.py": "unit",
    "backend/tests/integration/test_db.py": "integration",
}


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
    lanes = tally_by_lane(read_reports(find_reports(TESTDATA)), LANE_OF)
    assert (len(lanes["unit"].files), lanes["unit"].tests) == (1, 3)
    assert (len(lanes["integration"].files), lanes["integration"].tests) == (1, 2)


def test_a_file_no_lane_claims_is_tallied_visibly_not_dropped() -> None:
    lanes = tally_by_lane(read_report(TESTDATA / "unit.xml"), {})
    assert lanes[UNKNOWN_LANE].tests == 3


def test_render_ends_with_the_whole_run_totals() -> None:
    text = render(tally_by_lane(read_reports(find_reports(TESTDATA)), LANE_OF))
    assert text.splitlines()[-1] == "3 passed, 1 failed, 1 skipped"
    assert [line.split()[0] for line in text.splitlines()[1:3]] == ["unit", "integration"]


def test_main_without_reports_fails_with_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--reports", str(tmp_path)]) == 2
    assert "run the tests first" in capsys.readouterr().err
