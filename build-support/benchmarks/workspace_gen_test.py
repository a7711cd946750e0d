import tomllib
from collections import Counter
from pathlib import Path

import pytest
import workspace_gen as gen

from lane_guard.lanes_toml import Lane

PROFILE = [
    gen.FileProfile("backend/tests/unit/test_a.py", "unit", (0.1, 0.2)),
    gen.FileProfile("backend/tests/unit/test_b.py", "unit", (0.3,)),
    gen.FileProfile("backend/tests/unit/test_c.py", "unit", (0.05,)),
    gen.FileProfile("backend/tests/contract/test_d.py", "contract", (1.0,)),
    gen.FileProfile("backend/tests/integration/test_e.py", "integration", (2.0, 2.0)),
]
DEFAULTS = {
    "unit": '__defaults__({python_tests: dict(tags=["unit"])})',
    "contract": '__defaults__({python_tests: dict(tags=["contract"])})',
    "integration": '__defaults__({python_tests: dict(tags=["integration"])})',
}
REAL_TOML = """
[GLOBAL]
pants_version = "2.17.1"
backend_packages = ["pants.backend.python", "lane_guard"]
pythonpath = ["%(buildroot)s/pants-plugins"]
pants_ignore.add = ["/dist/"]

[source]
root_patterns = ["/backend/src"]

[python]
interpreter_constraints = ["CPython==3.11.*"]

[python.resolves]
python-default = "3rdparty/python/default.lock"

[pytest]
execution_slot_var = "TEST_SLOT"

[ruff]
install_from_resolve = "python-default"
"""


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
    assert all(f.path.startswith(f"tests/{f.lane}/test_") for f in plan)


def test_a_quarter_or_so_of_the_tests_depend_on_the_leaf() -> None:
    plan = gen.plan_workspace(PROFILE, 200, seed=0)
    share = len(gen.dependents_of_leaf(plan)) / len(plan)
    assert 0.2 <= share <= 0.35


def test_rendered_workspace_has_a_build_file_per_lane_with_its_defaults() -> None:
    files = gen.render_workspace(gen.plan_workspace(PROFILE, 10), DEFAULTS, REAL_TOML)
    for lane, line in DEFAULTS.items():
        assert files[f"tests/{lane}/BUILD"].startswith(line)


def test_rendered_workspace_has_one_test_function_per_profiled_test() -> None:
    plan = gen.plan_workspace(PROFILE, 10)
    files = gen.render_workspace(plan, DEFAULTS, REAL_TOML)
    for f in plan:
        assert files[f.path].count("\ndef test_") == len(f.durations)


def test_every_module_a_test_imports_is_rendered() -> None:
    plan = gen.plan_workspace(PROFILE, 60)
    files = gen.render_workspace(plan, DEFAULTS, REAL_TOML)
    assert {f"src/synth/mod_{f.module:03d}.py" for f in plan} <= set(files)


def test_leaf_dependents_import_the_leaf_and_others_do_not() -> None:
    plan = gen.plan_workspace(PROFILE, 60)
    files = gen.render_workspace(plan, DEFAULTS, REAL_TOML)
    for m in range(1, gen.module_count(60)):
        imports_leaf = "from synth import leaf" in files[f"src/synth/mod_{m:03d}.py"]
        assert imports_leaf == gen.depends_on_leaf(m)


def test_pants_toml_keeps_the_python_setup_and_drops_plugins_and_lint() -> None:
    config = tomllib.loads(gen.pants_toml(REAL_TOML))
    assert config["GLOBAL"]["backend_packages"] == ["pants.backend.python"]
    assert "pythonpath" not in config["GLOBAL"]
    assert config["GLOBAL"]["pants_ignore"] == {"add": ["/dist/"]}
    assert config["source"]["root_patterns"] == ["/src", "/tests"]
    assert config["python"]["resolves"] == {"python-default": "3rdparty/python/default.lock"}
    assert config["pytest"]["execution_slot_var"] == "TEST_SLOT"
    assert "ruff" not in config


def test_toml_dumps_round_trips() -> None:
    data = {"a": {"s": 'quote " here', "n": 3, "f": 0.5, "b": True, "l": ["x", 1], "t": {"k": "v"}}}
    assert tomllib.loads(gen.toml_dumps(data)) == data


def test_lane_defaults_give_a_directory_what_the_lane_macro_gives_a_target() -> None:
    lane = Lane("integration", "", "services", "integration", 900, 240, retries=2)
    assert gen.lane_defaults(lane) == (
        "__defaults__({python_tests: dict(tags=['integration'], "
        "batch_compatibility_tag='integration', timeout=900, "
        "extra_env_vars=['PYTEST_TIMEOUT=240'])})"
    )


def test_write_workspace_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("")
    with pytest.raises(FileExistsError):
        gen.write_workspace(tmp_path, {}, tmp_path)
