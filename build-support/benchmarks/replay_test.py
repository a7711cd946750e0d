import dataclasses
from pathlib import Path

import pytest
from replay import Distribution, Replay, edit_line, precision_with
from replay_report import USER_SCALE, closing, section, verdict


def replay(file: str, seconds: float, rerun: set[str], dependents: set[str]) -> Replay:
    return Replay(
        file, seconds, True, 6, 1 if rerun else 0, frozenset(rerun), frozenset(dependents)
    )


REPLAYS = [
    replay("a.py", 10.0, set(), set()),
    replay("b.py", 20.0, {"t1.py", "t2.py"}, {"t1.py"}),
    replay("c.py", 30.0, {"t3.py"}, {"t3.py", "t4.py"}),
    replay("d.py", 40.0, {"t5.py"}, {"t5.py"}),
]


def test_precision_counts_dependent_files_among_those_rerun() -> None:
    assert [r.precision for r in REPLAYS] == [1.0, 0.5, 1.0, 1.0]
    assert REPLAYS[2].missed == {"t4.py"}


def test_the_distribution_is_over_wall_time_as_x_b0_with_pooled_precision() -> None:
    dist = Distribution.of(REPLAYS, b0=100.0)
    assert (dist.median, dist.p90, dist.worst, dist.worst_file) == (0.25, 0.4, 0.4, "d.py")
    assert dist.precision == pytest.approx(3 / 4)


def test_the_verdict_names_each_target_it_misses() -> None:
    text = verdict(Distribution.of(REPLAYS, b0=100.0)).text
    assert text.startswith("median met")
    assert "precision missed" in text


def test_the_section_lists_every_replay_fastest_first() -> None:
    lines = [line for line in section(REPLAYS, 100.0).splitlines() if line.startswith("| `")]
    assert [line.split("`")[1] for line in lines] == ["a.py", "b.py", "c.py", "d.py"]


@pytest.mark.parametrize(
    ("name", "added"),
    [("x.py", "_PULL_REQUEST_REPLAY = 1"), ("lanes.toml", "# pull-request replay"), ("BUILD", "#")],
)
def test_an_edit_appends_one_line_that_means_nothing(tmp_path: Path, name: str, added: str) -> None:
    path = tmp_path / name
    path.write_text("x = 1")
    edit_line(path)
    first, second = path.read_text().splitlines()
    assert (first, second.startswith(added)) == ("x = 1", True)


def test_a_format_without_an_edit_rule_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data.json").write_text("{}")
    with pytest.raises(ValueError, match="no one-line edit for data.json"):
        edit_line(tmp_path / "data.json")


def test_precision_with_a_layout_reruns_every_batch_holding_a_dependent() -> None:
    # b.py's dependent t1 shares a batch with t2; c.py's t3 and t4 share one; d.py's t5 is alone.
    batches = [frozenset({"t1.py", "t2.py"}), frozenset({"t3.py", "t4.py"}), frozenset({"t5.py"})]
    assert precision_with(batches, REPLAYS) == pytest.approx((1 + 2 + 1) / (2 + 2 + 1))


def test_precision_with_one_file_per_batch_is_perfect() -> None:
    batches = [frozenset({f"t{n}.py"}) for n in range(1, 6)]
    assert precision_with(batches, REPLAYS) == 1.0


def test_the_closing_note_names_the_floor_a_pull_request_pays_and_the_typical_one() -> None:
    text = closing(REPLAYS, b0=100.0)
    assert "reruns no test still costs 10.0 s = 0.10 x B0 (`a.py`)" in text
    assert "The median pull request (`b.py`, 20.0 s) reran 1 of 6 test processes" in text
    assert "1 of 4 files rerun did not depend on the change (precision 0.75)" in text


def test_the_section_sets_changed_since_without_the_remote_cache_beside_the_replay() -> None:
    with_column = [
        dataclasses.replace(r, changed_since=r.seconds * 3, changed_since_ok=r.file != "d.py")
        for r in REPLAYS
    ]
    text = section(with_column, 100.0)
    assert "no remote cache" in text
    assert "median 75.0 s = 0.750 x B0, against 25.0 s with the remote cache" in text
    assert "| 120.0 (1.200) (failed) |" in text


def test_without_the_column_the_section_says_nothing_of_it() -> None:
    assert "changed-since=HEAD~1" not in section(REPLAYS, 100.0)


def test_the_users_scale_judges_the_same_replays_by_its_stricter_limits() -> None:
    dist = Distribution.of(REPLAYS, b0=100.0)  # median 0.25, p90 0.4, precision 0.75
    assert verdict(dist).text.startswith("median met")
    strict = verdict(dist, USER_SCALE).text
    assert "median missed by 0.100" in strict
    assert "p90 missed by 0.050" in strict


def test_the_stated_target_is_the_limits_the_verdict_applies() -> None:
    assert USER_SCALE.target == "median <= 0.15, p90 <= 0.35, precision >= 0.9"


def test_the_closing_note_counts_the_unrelated_reruns_that_changed_test_files_caused() -> None:
    test_change = replay("t6.py", 25.0, {"t6.py", "t7.py", "t8.py"}, {"t6.py"})
    text = closing([*REPLAYS, test_change], b0=100.0)
    assert "3 of 7 files rerun did not depend on the change" in text
    assert "2 of them came from changed test files (1 of the 5 changes)" in text
