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


def generated_report(
    rows: list[report.Row] = ROWS,
    command: str = "python3 build-support/benchmarks/run.py --reps 3",
    lead: str = "",
) -> str:
    return report.markdown(
        title="Benchmarks",
        command=command,
        machine=MACHINE,
        headline=rows,
        baseline=rows[0].summary.median if rows[0].summary else None,
        lead=lead,
        sections=[("B1: where the time goes", "| Rep | s |\n| --- | --- |\n| 1 | 9 |")],
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
    paths += ["--user-report", str(tmp_path / "no-user-scale-run.md")]
    assert headline.main(["--check", *paths]) == 1
    assert headline.main(paths) == 0
    assert headline.main(["--check", *paths]) == 0
    assert "| B1 | 80.0 | 0.800 |" in readme_md.read_text()


def seconds_rows(**medians: float) -> list[report.Row]:
    """Headline rows named by keyword (P_ci -> P-ci), B0 first."""
    return [
        report.Row(name.replace("_", "-"), "", benchstats.summarize([seconds]))
        for name, seconds in medians.items()
    ]


THIS_SUITE = seconds_rows(B0=60.0, B1_ci=50.0, P_ci=75.0, replay=40.0)
USER_SCALE = seconds_rows(B0=300.0, B1_ci=200.0, P_ci=150.0, replay=30.0)


def parsed(rows: list[report.Row]) -> headline.Report:
    return headline.parse(generated_report(rows=rows))


def test_crossover_names_the_measured_sizes_between_which_pants_overtakes_xdist_cold() -> None:
    sentence = headline.crossover([parsed(THIS_SUITE), parsed(USER_SCALE)])
    assert "(P-ci over the tests B1-ci runs) between a serial job of 60 s and one of 5.0 min" in (
        sentence
    )
    assert "(x xdist: 1.50, 0.75)" in sentence


def test_crossover_says_already_when_pants_wins_at_the_smallest_measured_size() -> None:
    sentence = headline.crossover([parsed(USER_SCALE), parsed(THIS_SUITE)])
    assert (
        "on a pull request (the replay's median, against xdist rerunning the whole suite) "
        "already at a serial job of 60 s, the smallest measured (x xdist: 0.80, 0.15)" in sentence
    )


def test_crossover_says_so_when_pants_wins_at_no_measured_size() -> None:
    sentence = headline.crossover([parsed(THIS_SUITE)])
    assert "(P-ci over the tests B1-ci runs) at no measured size, up to a serial job of 60 s" in (
        sentence
    )


def test_crossover_compares_like_for_like_when_p_ci_also_runs_tests_xdist_does_not() -> None:
    rows = seconds_rows(B0=60.0, B1_ci=50.0, P_ci=75.0, P_ci_backend=45.0, replay=40.0)
    assert (
        "(P-ci over the tests B1-ci runs) already at a serial job of 60 s, the smallest "
        "measured (x xdist: 0.90)" in headline.crossover([parsed(rows)])
    )


def test_crossover_never_extrapolates_a_win_at_a_small_size_to_a_larger_one() -> None:
    small_win = seconds_rows(B0=60.0, B1_ci=50.0, P_ci=45.0, replay=40.0)
    sentence = headline.crossover([parsed(small_win), parsed(USER_SCALE)])
    assert "runs) already at a serial job of 60 s, the smallest measured (x xdist: 0.90, 0.75)" in (
        sentence
    )
    large_loss = seconds_rows(B0=300.0, B1_ci=200.0, P_ci=220.0, replay=30.0)
    sentence = headline.crossover([parsed(small_win), parsed(large_loss)])
    assert "at a serial job of 60 s but not at one of 5.0 min (x xdist: 0.90, 1.10)" in sentence


def test_crossover_says_nothing_is_compared_without_the_rows() -> None:
    assert headline.crossover([parsed(ROWS)]).startswith("No report holds B0, B1-ci and P-ci")


def test_the_lead_replaces_the_slot_run_py_writes_and_stays_put_when_placed_again() -> None:
    lead = headline.render_lead(parsed(USER_SCALE))
    slot = (headline.LEAD_BEGIN, headline.LEAD_END)
    placed = headline.replace_block(generated_report(lead=headline.LEAD_SLOT), lead, *slot)
    assert headline.replace_block(placed, lead, *slot) == placed
    assert placed.count(headline.LEAD_BEGIN) == 1
    assert placed.index("## At the user's scale") < placed.index("Command: `")
    assert "![user-scale benchmark chart](user-scale/benchmarks.png)" in placed


def test_check_fails_while_the_reports_lead_is_stale(tmp_path: Path) -> None:
    report_md, user_md = tmp_path / "benchmarks.md", tmp_path / "user.md"
    readme_md = tmp_path / "README.md"
    report_md.write_text(generated_report(rows=THIS_SUITE, lead=headline.LEAD_SLOT))
    user_md.write_text(generated_report(rows=USER_SCALE, command="run.py --user-scale"))
    readme_md.write_text(readme())
    paths = ["--report", str(report_md), "--user-report", str(user_md), "--readme", str(readme_md)]
    assert headline.main(paths) == 0
    user_md.write_text(generated_report(rows=THIS_SUITE, command="run.py --user-scale --reps 5"))
    assert headline.main(["--check", *paths]) == 1
    assert headline.main(paths) == 0
    assert "run.py --user-scale --reps 5" in report_md.read_text()
    assert "run.py --user-scale --reps 5" in readme_md.read_text()
