import analysis

from testlanes_report.console import ProcessResult

RAN = [
    ProcessResult("backend/tests/unit/test_a.py", 10, True, 30.0, "ran"),
    ProcessResult("backend/tests/integration/test_b.py", 2, True, 50.0, "ran"),
]


def test_startup_section_adds_each_stage_to_the_one_above_and_names_the_largest() -> None:
    stages = [
        analysis.Stage("--version", "start", 20.0),
        analysis.Stage("list ::", "+ targets", 24.0, failed=1),
    ]
    text, phrase = analysis.startup_section(stages, test_seconds=30.0, reps=3)
    rows = [line for line in text.splitlines() if line.startswith("| ")][2:]  # past the header
    assert [row.split("|")[3:5] for row in rows] == [
        [" 20.0 ", " 20.0 "],
        [" 24.0 (1 failed) ", " 4.0 "],
        [" 30.0 ", " 6.0 "],
    ]
    assert phrase.startswith("the largest stage is `--version` (+20.0 s")
    assert "(medians of 3)" in text


def test_cold_closing_gives_the_floor_that_processes_at_once_and_start_up_set(
    monkeypatch,
) -> None:
    monkeypatch.setattr(analysis, "PARALLELISM", 2)
    run = analysis.PantsRun(None, RAN, {}, "")  # type: ignore[arg-type]
    text = analysis.cold_closing("P-ci", run, startup=20.0, b0=100.0, target=("B0-ci", 110.0))
    # 80 s of processes, at most 2 at once = 40 s, plus 20 s of start-up: 60 s = 0.60 x B0.
    assert "a floor of 60.0 s = 0.60 x B0" in text
    assert "x 2 processes" in text
    assert text.startswith("**P-ci.** Its 2 test processes")
    assert "against its target B0-ci = 110.0 s" in text


def test_mode_closing_compares_perfectly_even_batches_with_serial() -> None:
    run = analysis.PantsRun(None, RAN, {}, "")  # type: ignore[arg-type]
    serial = analysis.benchstats.summarize([100.0])
    text = analysis.mode_closing("slot", run, wall=60.0, serial=serial)
    assert text.startswith("**slot mode.** Its 2 integration processes (50.0 s, 30.0 s)")
    assert "(100.0 s)" in text
