import pytest

from testlanes_report.coverage_xml import gate_fails, read_coverage_xml
from testlanes_report_tests.samples import SUMMARY, console


def test_the_total_is_the_one_pants_printed() -> None:
    coverage = read_coverage_xml(SUMMARY / "coverage.xml")
    total_line = next(
        line for line in console("console_ran.txt").splitlines() if line.startswith("TOTAL")
    )
    assert f"{coverage.percent:.1f}%" == total_line.split()[-1]
    assert len(coverage.files) == 5


@pytest.mark.parametrize(
    ("percent", "fail_under", "fails"),
    [(79.96, 80.0, False), (79.94, 80.0, True), (80.0, 80.0, False), (99.99, 100.0, True)],
)
def test_the_gate_rounds_to_the_report_precision_like_coverage_py(
    percent: float, fail_under: float, fails: bool
) -> None:
    assert gate_fails(percent, fail_under, precision=1) is fails
