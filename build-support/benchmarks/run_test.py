import pytest
import run


def test_quick_mode_is_one_small_workspace_once_at_a_twentieth_of_the_durations() -> None:
    args = run.parse_args(["--quick"])
    assert (args.reps, args.files, args.replay_count, args.time_scale) == (1, 12, 1, 0.05)


def test_the_full_run_repeats_each_scenario_three_times() -> None:
    assert run.parse_args([]).reps == 3


def test_quick_mode_flips_no_lever_and_levers_can_be_named_or_none() -> None:
    assert run.parse_args(["--quick"]).levers == []
    assert run.parse_args(["--levers", "entire-lockfile"]).levers == ["entire-lockfile"]
    assert run.parse_args(["--levers", ""]).levers == []


def test_an_unknown_lever_is_refused_naming_the_known_ones(capsys) -> None:
    with pytest.raises(SystemExit):
        run.parse_args(["--levers", "faster"])
    assert "unknown levers ['faster']" in capsys.readouterr().err


def test_user_scale_is_one_workspace_sized_from_the_profile_at_full_durations() -> None:
    args = run.parse_args(["--user-scale"])
    assert (args.files, args.time_scale, args.reps) == (None, 1.0, 3)
    assert (args.user_seconds, args.replay_count) == (270.0, 12)
    assert args.levers == list(run.USER_SCALE_LEVERS)


def test_a_user_scale_smoke_names_its_size() -> None:
    args = run.parse_args(["--user-scale", "--files", "30", "--reps", "1", "--replay-count", "2"])
    assert (args.files, args.reps, args.replay_count) == (30, 1, 2)


def test_every_default_lever_is_a_known_one() -> None:
    known = {lever.name for lever in run.LEVERS}
    assert set(run.REPO_LEVERS) <= known
    assert set(run.USER_SCALE_LEVERS) <= known
    assert run.parse_args([]).levers == list(run.REPO_LEVERS)
