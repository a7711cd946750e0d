import benchstats
import pytest


def test_summary_takes_the_median_of_an_odd_number_of_runs() -> None:
    assert benchstats.summarize([3.0, 1.0, 2.0]).median == 2.0


def test_summary_takes_the_mean_of_the_middle_two_of_an_even_number_of_runs() -> None:
    assert benchstats.summarize([4.0, 1.0, 2.0, 3.0]).median == 2.5


def test_summary_refuses_no_runs() -> None:
    with pytest.raises(ValueError, match="at least one run"):
        benchstats.summarize([])


def test_ratio_divides_by_the_baseline() -> None:
    assert benchstats.ratio(30.0, 60.0) == 0.5


def test_ratio_refuses_a_zero_baseline() -> None:
    with pytest.raises(ValueError, match="positive"):
        benchstats.ratio(1.0, 0.0)


def test_at_most_is_met_at_the_limit() -> None:
    assert benchstats.at_most(0.6, 0.6).met


def test_at_most_miss_says_by_how_much() -> None:
    verdict = benchstats.at_most(0.75, 0.6)
    assert not verdict.met
    assert "missed by 0.150" in verdict.text
    assert "25% over" in verdict.text


def test_at_least_miss_says_by_how_much() -> None:
    verdict = benchstats.at_least(90.0, 95.0, unit="%")
    assert not verdict.met
    assert "missed by 5.000%" in verdict.text


def test_at_least_is_met_above_the_limit() -> None:
    assert benchstats.at_least(100.0, 95.0).met


def test_lower_bound_is_the_longest_file_when_it_dominates() -> None:
    assert benchstats.lower_bound([10.0, 1.0, 1.0], cores=2) == 10.0


def test_lower_bound_is_total_over_cores_when_work_dominates() -> None:
    assert benchstats.lower_bound([3.0, 3.0, 3.0, 3.0], cores=2) == 6.0


def test_lower_bound_of_nothing_is_zero() -> None:
    assert benchstats.lower_bound([], cores=2) == 0.0


def test_overhead_per_process_is_the_mean_time_outside_tests() -> None:
    assert benchstats.overhead_per_process([2.0, 3.0], [1.5, 1.5]) == pytest.approx(1.0)


def test_overhead_per_process_needs_one_test_time_per_process() -> None:
    with pytest.raises(ValueError, match="one test time per process"):
        benchstats.overhead_per_process([1.0], [])


def test_balanced_wall_spreads_the_process_time_over_the_cores() -> None:
    # Processes of 30 s and 10 s on 2 cores: even batches would take 20 s each.
    assert benchstats.balanced_wall([30.0, 10.0], 2, wall=30.0) == pytest.approx(20.0)


def test_balanced_wall_keeps_what_ran_outside_the_longest_process() -> None:
    assert benchstats.balanced_wall([30.0, 10.0], 2, wall=35.0) == pytest.approx(25.0)


def test_balanced_wall_of_no_processes_is_the_wall() -> None:
    assert benchstats.balanced_wall([], 2, wall=7.5) == 7.5


def test_percentile_is_a_measured_value_by_nearest_rank() -> None:
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert [benchstats.percentile(values, q) for q in (20, 50, 90, 100)] == [1.0, 3.0, 5.0, 5.0]
