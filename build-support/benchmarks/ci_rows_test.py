from pathlib import Path

import analysis
import benchstats
import pytest
from ci_rows import CiHeadline, Layout, Lever, closing, lever_section
from harness import Timed
from pants_runs import PantsRun
from replay import Replay
from results import Results

from testlanes_report.console import ProcessResult

MERGE = Lever("merge", "one batch", edits=(("BUILD", 'batch="storage"', 'batch="integration"'),))


def test_a_lever_edits_the_clone_it_runs_in(tmp_path: Path) -> None:
    (tmp_path / "BUILD").write_text('integration_tests(batch="storage")\n')
    MERGE.apply(tmp_path)
    assert (tmp_path / "BUILD").read_text() == 'integration_tests(batch="integration")\n'


def test_a_lever_whose_text_is_gone_says_which_file_to_update(tmp_path: Path) -> None:
    (tmp_path / "BUILD").write_text("integration_tests()\n")
    with pytest.raises(ValueError, match="lever merge: BUILD has no 'batch=\"storage\"'"):
        MERGE.apply(tmp_path)


def test_a_lever_edits_every_file_its_glob_names(tmp_path: Path) -> None:
    for area in ("a", "b"):
        (tmp_path / area).mkdir()
        (tmp_path / area / "BUILD").write_text(f'python_tests(tag="unit/{area}")\n')
    Lever("flat", "", edits=(("*/BUILD", r'tag="[\w/]+"', 'tag="unit"'),)).apply(tmp_path)
    assert {p.read_text() for p in tmp_path.glob("*/BUILD")} == {'python_tests(tag="unit")\n'}


def test_a_lever_whose_glob_names_nothing_says_so(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="lever merge: no file matches BUILD"):
        MERGE.apply(tmp_path)


def layout(name: str, seconds: float, batches: list[set[str]]) -> Layout:
    summary = benchstats.summarize([seconds])
    return Layout(name, "", summary, 0, tuple(frozenset(b) for b in batches))


def test_the_lever_table_gives_time_processes_and_replay_precision_per_layout() -> None:
    split = layout("as committed", 100.0, [{"t1.py"}, {"t2.py"}])
    merged = layout("merge", 90.0, [{"t1.py", "t2.py"}])
    change = Replay("a.py", 30.0, True, 2, 1, frozenset({"t1.py"}), frozenset({"t1.py"}))
    _, text = lever_section(split, [merged], [change], reps=3)
    row = next(line for line in text.splitlines() if line.startswith("| merge"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[2:] == ["100.0", "90.0", "-10.0", "2 -> 1", "1.00 -> 0.50"]


def p_ci(tmp_path: Path, seconds: float) -> CiHeadline:
    processes = [ProcessResult(f"tests/test_{n}.py", 1, True, 40.0, "ran") for n in range(4)]
    last = PantsRun(Timed(100.0, 0, tmp_path / "log"), processes, {}, "")
    b1ci = benchstats.summarize([100.0])
    return CiHeadline(b1ci, layout("as committed", seconds, []), last, None, [])


def test_a_p_ci_over_b1_ci_gets_a_note_naming_its_floor_and_where_start_up_came_from(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(analysis, "PARALLELISM", 3)
    results = Results(baseline=200.0, startup=15.0, startup_source="P-remote")
    closing(results, p_ci(tmp_path, 110.0))
    (note,) = results.closing
    assert "Its 4 test processes took 160.0 s" in note
    assert "which 3 at once (pants.ci.toml) cannot run in less than 53.3 s" in note
    assert "(P-remote): a floor of 68.3 s" in note
    assert "against its target B1-ci = 100.0 s" in note


def test_a_p_ci_within_b1_ci_or_without_a_start_up_figure_gets_no_note(tmp_path: Path) -> None:
    fast = Results(baseline=200.0, startup=15.0)
    closing(fast, p_ci(tmp_path, 90.0))
    unknown = Results(baseline=200.0)
    closing(unknown, p_ci(tmp_path, 110.0))
    assert fast.closing == unknown.closing == []
