from pathlib import Path

import bench_report as report
import benchstats
import pytest
import readme_headline as headline

MACHINE = {
    "Date": "2026-12-03 11:32 UTC",
    "Cores (os.cpu_count)": "2",
    "Repo commit": "abc1234",
    "Harness wall time": "47.0 min",
}
ROWS = [
    report.Row("B0", "serial pytest --cov", benchstats.summarize([100.0, 110.0, 90.0])),
    report.Row("B1", "xdist lane || serial lane", benchstats.summarize([80.0])),
    report.Row(
        "P-warm",
        "nothing changed",
        benchstats.summarize([2.0]),
        target="<= 0.05",
        verdict=benchstats.at_most(0.02, 0.05),
    ),
]
SCALE = [report.ScalePoint(50, {"B0": benchstats.summarize([13.6])}, lower_bound=2.5)]


def generated_report(scale: list[report.ScalePoint] = SCALE) -> str:
    return report.markdown(
        title="Benchmarks",
        command="python3 build-support/benchmarks/run.py --reps 3",
        machine=MACHINE,
        headline=ROWS,
        baseline=100.0,
        sections=[("B1: where the time goes", "| Rep | s |\n| --- | --- |\n| 1 | 9 |")],
        scale=scale,
        scale_note="synthetic",
        chart=None,
    )


def readme(block: str = "stale numbers") -> str:
    return f"# Project\n\n## Benchmarks\n\n{headline.BEGIN}\n{block}\n{headline.END}\n\n## Next\n"


def test_parse_reads_the_command_and_the_machine_of_the_run() -> None:
    parsed = headline.parse(generated_report())
    assert parsed.command == "python3 build-support/benchmarks/run.py --reps 3"
    assert parsed.machine["Repo commit"] == "abc1234"


def test_parse_reads_the_headline_rows_in_report_order() -> None:
    table = headline.parse(generated_report()).headline.project(("Scenario", "Median s", "x B0"))
    assert table.rows == (
        ("B0", "100.0", "1.000"),
        ("B1", "80.0", "0.800"),
        ("P-warm", "2.00", "0.020"),
    )


def test_render_quotes_the_verdict_and_names_the_run() -> None:
    block = headline.render(headline.parse(generated_report()))
    assert "| P-warm | 2.00 | 0.020 | <= 0.05 | met (0.020 vs <= 0.050) |" in block
    assert "commit abc1234, 2 cores" in block


def test_render_leaves_out_the_long_columns() -> None:
    block = headline.render(headline.parse(generated_report()))
    assert "serial pytest --cov" not in block
    assert "Min-max" not in block


def test_render_includes_the_scale_table_when_the_run_had_one() -> None:
    assert "| 50 | 13.6 | - | - | - | - |" in headline.render(headline.parse(generated_report()))


def test_render_omits_the_scale_table_when_the_run_had_none() -> None:
    assert "Test files" not in headline.render(headline.parse(generated_report(scale=[])))


def test_replace_block_changes_only_the_text_between_the_markers() -> None:
    updated = headline.replace_block(readme(), f"{headline.BEGIN}\nfresh\n{headline.END}")
    assert updated == readme("fresh")


def test_replace_block_refuses_a_readme_without_markers() -> None:
    with pytest.raises(headline.ReportFormatError, match="no .* block"):
        headline.replace_block("# Project\n", "anything")


def test_parse_refuses_a_report_without_a_headline_section() -> None:
    with pytest.raises(headline.ReportFormatError, match="Headline"):
        headline.parse("# Benchmarks\n\nCommand: `run.py`\n\n## Machine\n\n| | |\n| --- | --- |\n")


def test_check_fails_while_the_readme_is_stale_and_passes_once_rewritten(tmp_path: Path) -> None:
    report_md, readme_md = tmp_path / "benchmarks.md", tmp_path / "README.md"
    report_md.write_text(generated_report())
    readme_md.write_text(readme())
    paths = ["--report", str(report_md), "--readme", str(readme_md)]
    assert headline.main(["--check", *paths]) == 1
    assert headline.main(paths) == 0
    assert headline.main(["--check", *paths]) == 0
    assert "| B1 | 80.0 | 0.800 |" in readme_md.read_text()
