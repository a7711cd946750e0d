import benchstats
from results import TARGETS, USER_SCALE_TARGETS, Results, guarded, unmeasured


def test_a_row_carries_its_scenarios_target() -> None:
    results = Results()
    results.add("P-warm", "nothing changed", benchstats.summarize([1.0]))
    assert results.rows[0].target == TARGETS["P-warm"]


def test_a_scenario_that_breaks_is_a_row_saying_so_and_the_run_goes_on() -> None:
    results = Results()

    def broken() -> None:
        raise SystemExit("BuildGrid did not start\nlong log")

    guarded(results, "P-remote", broken)
    (row,) = results.rows
    assert (row.scenario, row.summary, row.note) == (
        "P-remote",
        None,
        "not measured: BuildGrid did not start",
    )


def test_unmeasured_lists_each_broken_scenario_with_its_reason() -> None:
    results = Results()
    results.add("B0", "serial", benchstats.summarize([1.0]))
    guarded(results, "modes", lambda: (_ for _ in ()).throw(RuntimeError("no server")))
    assert unmeasured(results) == ["modes: no server"]


def test_a_user_scale_run_states_the_user_scale_targets() -> None:
    results = Results(user_scale=True)
    results.add("replay", "12 changes", benchstats.summarize([1.0]))
    results.add("P-ci", "cold", benchstats.summarize([1.0]))
    assert results.rows[0].target == USER_SCALE_TARGETS["replay"] != TARGETS["replay"]
    assert results.rows[1].target == TARGETS["P-ci"]
