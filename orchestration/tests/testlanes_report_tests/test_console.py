import pytest

from testlanes_report.console import RAN, parse_console
from testlanes_report_tests.samples import console


def test_every_result_line_of_a_full_run_is_read_with_its_file_count_and_time() -> None:
    results = parse_console(console("console_ran.txt"))
    assert len(results) == 6
    assert sum(r.files for r in results) == 31
    assert all(r.succeeded and r.source == RAN for r in results)
    batch = next(r for r in results if r.first_file == "backend/tests/unit/test_app_factory.py")
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
