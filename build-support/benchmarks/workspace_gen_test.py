import re
from collections import Counter

import pytest
import workspace_gen as gen
from workspace_samples import PROFILE


def dependents(plan: list[gen.SyntheticFile], module: int) -> list[str]:
    """The test files that import module, directly or not (what `pants dependents` says)."""
    layout = gen.Layout.for_files(len(plan))

    def reaches(m: int) -> bool:
        return m == module or any(reaches(i) for i in layout.imports(m))

    return [f.path for f in plan if reaches(f.module)]


def test_profile_groups_tests_per_file_and_drops_files_without_a_lane() -> None:
    tests = [("t/test_x.py", 0.5), ("t/test_x.py", 0.25), ("other/test_y.py", 1.0)]
    profile = gen.profile_from_tests(tests, {"t/test_x.py": "unit"})
    assert profile == [gen.FileProfile("t/test_x.py", "unit", (0.5, 0.25))]


@pytest.mark.parametrize("n", [3, 10, 50, 200, 800])
def test_lane_counts_add_up_to_the_requested_files(n: int) -> None:
    assert sum(gen.lane_counts(PROFILE, n).values()) == n


def test_lane_counts_keep_the_profile_proportions() -> None:
    assert gen.lane_counts(PROFILE, 50) == {"unit": 30, "contract": 10, "integration": 10}


def test_lane_counts_refuse_fewer_files_than_lanes() -> None:
    with pytest.raises(ValueError, match="one per lane"):
        gen.lane_counts(PROFILE, 2)


def test_plan_uses_every_real_file_of_a_lane_before_repeating_one() -> None:
    plan = gen.plan_workspace(PROFILE, 10, seed=1)
    unit_sources = Counter(f.source for f in plan if f.lane == "unit")
    assert set(unit_sources) == {
        "backend/tests/unit/test_a.py",
        "backend/tests/unit/test_b.py",
        "backend/tests/unit/test_c.py",
    }
    assert max(unit_sources.values()) - min(unit_sources.values()) <= 1


def test_plan_scales_durations() -> None:
    plan = gen.plan_workspace(PROFILE, 5, seed=0, time_scale=0.5)
    assert {f.durations for f in plan if f.lane == "integration"} == {(1.0, 1.0)}


def test_plan_is_deterministic_for_a_seed() -> None:
    assert gen.plan_workspace(PROFILE, 40, seed=7) == gen.plan_workspace(PROFILE, 40, seed=7)


def test_plan_paths_are_unique_and_in_their_lane_directory() -> None:
    plan = gen.plan_workspace(PROFILE, 200, seed=3)
    assert len({f.path for f in plan}) == 200
    assert all(re.match(rf"tests/{f.lane}/area_\d+/test_", f.path) for f in plan)


def test_layout_is_mostly_leaves_with_a_few_hubs() -> None:
    layout = gen.Layout.for_files(1000)
    assert (layout.hubs, layout.middles, layout.leaves) == (10, 40, 150)


def test_small_workspaces_still_have_every_layer() -> None:
    layout = gen.Layout.for_files(12)
    assert (layout.hubs, layout.middles, layout.leaves) == (1, 1, 1)


def test_only_hubs_import_nothing_and_imports_point_one_layer_up() -> None:
    layout = gen.Layout.for_files(1000)
    hubs = range(layout.hubs)
    middles = range(layout.hubs, layout.hubs + layout.middles)
    for m in range(layout.modules):
        imports = layout.imports(m)
        if m in hubs:
            assert imports == ()
        elif m in middles:
            assert len(imports) == 2
            assert all(i in hubs for i in imports)
        else:
            assert len(imports) == 1
            assert imports[0] in middles


def test_fan_in_a_hub_reaches_many_more_tests_than_a_leaf() -> None:
    plan = gen.plan_workspace(PROFILE, 1000)
    layout = gen.Layout.for_files(1000)
    hub_share = len(dependents(plan, 0)) / len(plan)
    leaf_share = len(dependents(plan, layout.modules - 1)) / len(plan)
    assert 0.15 <= hub_share <= 0.25  # about 2 / hubs
    assert leaf_share <= 0.01  # about 1 / leaves


def test_every_test_file_imports_a_leaf() -> None:
    plan = gen.plan_workspace(PROFILE, 200)
    layout = gen.Layout.for_files(200)
    assert all(f.module >= layout.hubs + layout.middles for f in plan)


def test_files_for_sizes_the_plan_to_the_asked_test_time() -> None:
    # PROFILE's files average 5.65 s / 5 = 1.13 s.
    assert gen.files_for(PROFILE, 113.0) == 100
    plan = gen.plan_workspace(PROFILE, gen.files_for(PROFILE, 300.0))
    assert 270 <= sum(f.seconds for f in plan) <= 330


def test_changes_are_drawn_without_replacement_and_reproducibly() -> None:
    files = [f"f{i}.py" for i in range(40)]
    drawn = gen.sample_changes(files, 12, seed=3)
    assert len(set(drawn)) == 12
    assert set(drawn) <= set(files)
    assert drawn == gen.sample_changes(reversed(files), 12, seed=3)  # order of input is moot
    assert drawn != gen.sample_changes(files, 12, seed=4)


def test_changes_are_uniform_over_the_files() -> None:
    files = [f"f{i}.py" for i in range(10)]
    counts = Counter(f for seed in range(2000) for f in gen.sample_changes(files, 2, seed=seed))
    assert all(350 <= n <= 450 for n in counts.values())  # 400 expected each


def test_changes_refuse_more_than_there_are_files() -> None:
    with pytest.raises(ValueError, match="12 changes from 3"):
        gen.sample_changes(["a", "b", "c"], 12, seed=0)


def test_a_hub_reaches_whole_feature_areas_so_their_batches_rerun_only_dependents() -> None:
    plan = gen.plan_workspace(PROFILE, 200)
    layout = gen.Layout.for_files(200)
    areas: dict[str, set[str]] = {}
    for f in plan:
        areas.setdefault(f.path.rpartition("/")[0], set()).add(f.path)
    for hub in range(layout.hubs):
        reached = set(dependents(plan, hub))
        assert reached == set().union(*(a for a in areas.values() if a & reached))


def test_the_description_counts_every_file_once_per_lane() -> None:
    plan = gen.plan_workspace(PROFILE, 200)
    lanes = {f.lane for f in plan}
    rows = [
        line.strip("| ").split(" | ")
        for line in gen.describe(plan).splitlines()
        if line.split(" | ")[0].lstrip("| ") in lanes
    ]
    assert sorted(row[0] for row in rows) == sorted(lanes)
    assert sum(int(row[1]) for row in rows) == 200


@pytest.mark.parametrize("n", [260, 600, 1000])
def test_feature_areas_hold_about_a_dozen_files_whatever_the_suite_size(n: int) -> None:
    plan = gen.plan_workspace(PROFILE, n)
    per_area = Counter(f.batch for f in plan)
    assert all(
        gen.FILES_PER_AREA / 2 <= files <= gen.FILES_PER_AREA * 1.5 for files in per_area.values()
    )


@pytest.mark.parametrize("lane_files", [1, 30, 156, 2000])
def test_a_lane_has_a_multiple_of_the_hubs_in_areas_and_never_more_than_middle_modules(
    lane_files: int,
) -> None:
    layout = gen.Layout.for_files(1000)
    areas = layout.areas_for(lane_files)
    assert areas % layout.hubs == 0
    assert layout.hubs <= areas <= layout.middles
