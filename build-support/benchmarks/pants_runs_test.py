from pathlib import Path

import pytest
from harness import Timed
from pants_runs import PantsRun, Stores, dependent_tests_in, read_junit

from testlanes_report.console import ProcessResult

CASE = '<testcase classname="{module}" name="{name}" time="{seconds}" />'


def write_report(path: Path, *cases: tuple[str, str, float]) -> None:
    body = "".join(CASE.format(module=m, name=n, seconds=s) for m, n, s in cases)
    path.write_text(f'<testsuites><testsuite name="pytest">{body}</testsuite></testsuites>')


@pytest.fixture()
def reports(tmp_path: Path) -> Path:
    write_report(
        tmp_path / "batch.xml",
        ("tests.unit.test_a", "test_one", 1.0),
        ("tests.unit.test_a", "test_two", 0.5),
        ("tests.unit.test_b", "test_three", 2.0),
    )
    write_report(tmp_path / "single.xml", ("tests.integration.test_c", "test_db", 4.0))
    return tmp_path


def test_each_test_file_knows_its_seconds_and_the_files_of_its_process(reports: Path) -> None:
    junit = read_junit(reports)
    batch = frozenset({"tests/unit/test_a.py", "tests/unit/test_b.py"})
    assert junit["tests/unit/test_a.py"] == (1.5, batch)
    assert junit["tests/integration/test_c.py"] == (4.0, frozenset({"tests/integration/test_c.py"}))


def test_a_process_is_credited_with_the_test_time_of_all_its_files(reports: Path) -> None:
    batch = ProcessResult("tests/unit/test_a.py:tests", 2, True, 5.0, "ran")
    cached = ProcessResult("tests/integration/test_c.py", 1, True, 6.0, "cached remotely")
    run = PantsRun(Timed(9.0, 0, reports / "log"), [batch, cached], read_junit(reports), "")
    assert run.test_seconds_of(batch) == pytest.approx(3.5)
    assert run.ran() == [batch]
    assert run.remote_fraction == 0.5


def test_a_process_without_a_report_holds_only_its_first_file(tmp_path: Path) -> None:
    run = PantsRun(Timed(1.0, 0, tmp_path / "log"), [], read_junit(tmp_path), "")
    process = ProcessResult("tests/unit/test_z.py", 1, True, 1.0, "ran")
    assert run.files_of(process) == frozenset({"tests/unit/test_z.py"})
    assert run.test_seconds_of(process) == 0.0


def test_stores_become_pants_flags(tmp_path: Path) -> None:
    assert Stores(tmp_path / "s", tmp_path / "n").args() == [
        f"--local-store-dir={tmp_path / 's'}",
        f"--named-caches-dir={tmp_path / 'n'}",
    ]


ALL_TESTS = frozenset({"tests/test_a.py", "tests/test_b.py"})


def test_dependents_are_the_test_files_of_the_listing() -> None:
    listing = "src/x.py\ntests/test_a.py:tests\nsrc/y.py:lib\n"
    assert dependent_tests_in(listing, "src/z.py", ALL_TESTS) == {"tests/test_a.py"}


def test_a_changed_test_file_is_its_own_dependent() -> None:
    assert dependent_tests_in("", "tests/test_b.py", ALL_TESTS) == {"tests/test_b.py"}
