import shutil
from pathlib import Path

import pytest

from testlanes_report.__main__ import gate_settings, main
from testlanes_report_tests.samples import SUMMARY

# The repository's own lanes: the report takes their names and order from it.
LANES_TOML = Path(__file__).resolve().parents[3] / "lanes.toml"


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    shutil.copy(LANES_TOML, tmp_path / "lanes.toml")
    return tmp_path


def test_the_terminal_report_without_reports_fails_with_a_hint(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--reports", str(repo), "--repo", str(repo), "--no-lanes"]) == 2
    assert "run the tests first" in capsys.readouterr().err


def test_markdown_is_written_even_when_the_run_left_nothing(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--markdown", "--console", str(repo / "missing.log"), "--reports", str(repo)]
    args += ["--repo", str(repo), "--no-lanes", "--coverage-xml", str(repo / "none.xml")]
    assert main([*args, "--fail-under", "80", "--precision", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## Tests")
    assert "did not get as far as running tests" in out


def test_markdown_of_a_real_run_counts_its_cache_hits(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--markdown", "--console", str(SUMMARY / "console_pr_one_change.txt")]
    args += ["--reports", str(SUMMARY / "reports"), "--repo", str(repo), "--no-lanes"]
    args += ["--coverage-xml", str(SUMMARY / "coverage.xml"), "--fail-under", "80"]
    assert main([*args, "--precision", "1"]) == 0
    assert "5/6 (5 cached remotely)" in capsys.readouterr().out


def test_the_terminal_report_of_a_real_run_closes_with_its_totals(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--reports", str(SUMMARY / "reports"), "--repo", str(repo), "--no-lanes"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert " passed, 0 failed, " in last


def test_gate_settings_come_from_pants_ci_toml_and_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pants.ci.toml").write_text("[coverage-py]\nfail_under = 80\n")
    (tmp_path / "pyproject.toml").write_text("[tool.coverage.report]\nprecision = 1\n")
    assert gate_settings(tmp_path) == (80.0, 1)


def test_a_repository_without_a_ci_config_or_pyproject_has_no_gate(tmp_path: Path) -> None:
    assert gate_settings(tmp_path) == (0.0, 0)
