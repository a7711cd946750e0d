"""summary.py on real output of this repo's test runs (trimmed copies in testdata/summary/).

console_ran.txt       CI-mode suite, every test process run (remote cache proof, run 1)
console_remote.txt    the same suite from another checkout with empty local caches (run 2)
console_pr_one_change.txt  PR mode after one source file changed (run 3)
console_local.txt     a rerun answered partly from the local cache
console_memoized.txt  a rerun answered by pantsd's memory
console_failed.txt / failed_reports/  a failing, a skipped and a passing test
console_gate_failed.txt  a run that failed the coverage gate
reports/, coverage.xml   the JUnit reports and merged coverage of console_ran.txt's run
"""

from pathlib import Path

import pytest
from junit_reports import FAILED, SKIPPED, find_reports, read_reports
from lanes import lane_map_from_listings
from summary import (
    RAN,
    Coverage,
    gate_fails,
    gate_settings,
    main,
    parse_console,
    read_coverage_xml,
    render,
    summarize,
)

DATA = Path(__file__).parent / "testdata" / "summary"
# What `pants --tag=LANE list ::` printed for this suite.
LANE_OF = lane_map_from_listings(
    {
        "unit": "\n".join(
            f"backend/tests/unit/{name}.py:unit"
            for name in (
                "test_app_factory",
                "test_settings",
                "test_cli",
                "test_slugs",
                "test_zz_demo",
            )
        ),
        "contract": "backend/tests/contract/test_schemathesis_api.py:contract\n",
        "integration": "backend/tests/integration/legacy_env/test_legacy_env_suite.py:tests\n"
        "backend/tests/integration/test_devdb.py:integration\n",
    }
)


def console(name: str) -> str:
    return (DATA / name).read_text()


def test_every_result_line_of_a_full_run_is_read_with_its_file_count_and_time() -> None:
    results = parse_console(console("console_ran.txt"))
    assert len(results) == 6
    assert sum(r.files for r in results) == 31
    assert all(r.succeeded and r.source == RAN for r in results)
    batch = next(
        r for r in results if r.first_address.startswith("backend/tests/unit/test_app_factory")
    )
    assert (batch.first_address, batch.files) == ("backend/tests/unit/test_app_factory.py", 19)


def test_pants_log_lines_about_the_same_processes_are_not_counted_twice() -> None:
    text = console("console_pr_one_change.txt")
    assert "Completed: Run Pytest" in text
    assert len(parse_console(text)) == 6


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("console_remote.txt", {"cached remotely": 6}),
        ("console_pr_one_change.txt", {"cached remotely": 5, RAN: 1}),
        ("console_local.txt", {"cached locally": 4, RAN: 2}),
        ("console_memoized.txt", {"memoized": 2}),
    ],
)
def test_where_each_result_came_from(name: str, expected: dict[str, int]) -> None:
    sources: dict[str, int] = {}
    for result in parse_console(console(name)):
        sources[result.source] = sources.get(result.source, 0) + 1
    assert sources == expected


def test_a_cached_result_keeps_the_time_its_original_run_took() -> None:
    ran = {r.first_address: r.seconds for r in parse_console(console("console_ran.txt"))}
    remote = {r.first_address: r.seconds for r in parse_console(console("console_remote.txt"))}
    assert remote == ran


def test_a_failed_process_is_read_as_failed() -> None:
    (result,) = parse_console(console("console_failed.txt"))
    assert not result.succeeded
    assert result.first_address == "backend/tests/unit/test_zz_demo.py"


def test_lanes_sum_files_tests_and_cache_hits() -> None:
    tests = read_reports(find_reports(DATA / "reports"))
    lanes = summarize(parse_console(console("console_pr_one_change.txt")), tests, LANE_OF)
    unit = lanes["unit"]
    assert (unit.files, unit.processes, unit.cached_processes, unit.cached_files) == (23, 2, 1, 4)
    assert (unit.seconds_ran, unit.seconds_cached) == pytest.approx((21.21, 22.26))
    assert lanes["contract"].from_cache == {"cached remotely": 1}
    assert lanes["(no lane)"].files == 2  # the build's own tests carry no lane tag
    assert sum(lane.tests for lane in lanes.values()) == len(tests)


def test_coverage_total_is_the_one_pants_printed() -> None:
    coverage = read_coverage_xml(DATA / "coverage.xml")
    total_line = next(
        line for line in console("console_ran.txt").splitlines() if line.startswith("TOTAL")
    )
    assert f"{coverage.percent:.1f}%" == total_line.split()[-1]
    assert len(coverage.files) == 5


@pytest.mark.parametrize(
    ("percent", "fail_under", "fails"),
    [(79.96, 80.0, False), (79.94, 80.0, True), (80.0, 80.0, False), (99.99, 100.0, True)],
)
def test_gate_rounds_to_the_report_precision_like_coverage_py(
    percent: float, fail_under: float, fails: bool
) -> None:
    assert gate_fails(percent, fail_under, precision=1) is fails


def test_gate_settings_come_from_pants_ci_toml_and_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pants.ci.toml").write_text("[coverage-py]\nfail_under = 80\n")
    (tmp_path / "pyproject.toml").write_text("[tool.coverage.report]\nprecision = 1\n")
    assert gate_settings(tmp_path) == (80.0, 1)


def test_render_shows_lanes_slowest_tests_and_the_gate_verdict() -> None:
    tests = read_reports(find_reports(DATA / "reports"))
    coverage = read_coverage_xml(DATA / "coverage.xml")
    text = render(parse_console(console("console_remote.txt")), tests, LANE_OF, coverage, 80.0, 1)
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| ")}
    assert "6/6 (6 cached remotely)" in rows["**all**"]
    assert "| 31 |" in rows["**all**"]
    assert rows["integration"].split("|")[2].strip() == "5"
    assert "### Slowest 10 tests" in text
    assert "Total **87.2%**" in text
    assert "gate 80%: passed" in text
    assert "Least covered files: `backend/src/catalog/serve.py` 61%" in text


def test_tests_a_library_generates_count_for_the_file_that_declares_them() -> None:
    tests = read_reports(find_reports(DATA / "reports"))
    generated = {t.file for t in tests if t.name.startswith("test_api_conforms_to_its_openapi")}
    assert generated == {"backend/tests/contract/test_schemathesis_api.py"}


def test_a_gate_above_the_total_is_reported_as_failed() -> None:
    coverage = Coverage(lines_valid=100, lines_covered=70, branches_valid=0, branches_covered=0)
    assert "gate 80%: **FAILED**" in render([], [], {}, coverage, 80.0, 1)


def test_failures_name_the_test_and_the_first_line_of_its_message() -> None:
    tests = read_reports(find_reports(DATA / "failed_reports"))
    assert sorted(t.outcome for t in tests) == sorted([FAILED, SKIPPED, "passed"])
    text = render(parse_console(console("console_failed.txt")), tests, LANE_OF, None, 80.0, 1)
    assert "### Failures (1 tests in 1 processes)" in text
    assert (
        "- `backend/tests/unit/test_zz_demo.py::test_slug_of_an_empty_title_is_rejected`: "
        "AssertionError: boom: expected a slug" in text
    )
    assert "No coverage report was written" in text


def test_pants_own_gate_verdict_is_quoted() -> None:
    coverage = Coverage(lines_valid=10, lines_covered=0, branches_valid=0, branches_covered=0)
    text = render([], [], {}, coverage, 80.0, 1, console=console("console_gate_failed.txt"))
    assert "Pants: `Coverage failure: total of 0.0 is less than fail-under=80.0`." in text


def test_main_writes_markdown_even_when_the_run_left_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--console", str(tmp_path / "missing.log"), "--reports", str(tmp_path), "--no-lanes"]
    args += ["--coverage-xml", str(tmp_path / "none.xml"), "--fail-under", "80", "--precision", "1"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("## Tests")
    assert "did not get as far as running tests" in out


def test_main_on_a_real_run(capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "--console",
        str(DATA / "console_pr_one_change.txt"),
        "--reports",
        str(DATA / "reports"),
    ]
    args += ["--coverage-xml", str(DATA / "coverage.xml"), "--no-lanes", "--fail-under", "80"]
    args += ["--precision", "1"]
    assert main(args) == 0
    assert "5/6 (5 cached remotely)" in capsys.readouterr().out
