import bench_report as report
import benchstats

ROWS = [
    report.Row("B0", "serial", benchstats.summarize([100.0, 110.0, 90.0])),
    report.Row(
        "P-cold",
        "pants",
        benchstats.summarize([50.0]),
        failed_runs=1,
        target="<= 0.60",
        verdict=benchstats.at_most(0.5, 0.6),
    ),
    report.Row("P-remote", "remote", None, target="<= 0.10", note="BuildGrid missing"),
]


def test_headline_rows_show_median_range_and_ratio_to_b0() -> None:
    rows = report.headline_rows(ROWS, baseline=100.0)
    assert rows[0][2:6] == ["100.0", "90.0-110.0", "3", "1.000"]
    assert rows[1][4:6] == ["1 (1 failed)", "0.500"]
    assert rows[1][7].startswith("met")


def test_headline_rows_say_why_a_scenario_did_not_run() -> None:
    rows = report.headline_rows(ROWS, baseline=100.0)
    assert rows[2][2] == "-"
    assert rows[2][7] == "BuildGrid missing"


def test_markdown_table_escapes_pipes() -> None:
    assert report.markdown_table(["h"], [["a|b"]]).splitlines()[-1] == "| a\\|b |"


def test_markdown_has_machine_headline_sections_and_chart() -> None:
    text = report.markdown(
        title="T",
        command="python3 run.py",
        machine={"CPU": "x"},
        headline=ROWS,
        baseline=100.0,
        sections=[("Where the time goes", "body")],
        chart="benchmarks.png",
    )
    for expected in (
        "# T",
        "| CPU | x |",
        "| P-cold | pants |",
        "## Where the time goes",
        "![benchmark chart](benchmarks.png)",
    ):
        assert expected in text
