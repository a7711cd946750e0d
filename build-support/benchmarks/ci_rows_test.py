from pathlib import Path

import benchstats
import pytest
from ci_rows import Layout, Lever, lever_section
from replay import Replay

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
