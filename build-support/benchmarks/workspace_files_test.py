import re
import tomllib
from pathlib import Path

import pytest
import workspace_files as files
import workspace_gen as gen
from workspace_samples import DEFAULTS, PROFILE, REAL_TOML

from lane_guard.lanes_toml import Lane


def test_rendered_workspace_has_a_build_file_per_lane_with_its_defaults() -> None:
    rendered = files.render_workspace(gen.plan_workspace(PROFILE, 10), DEFAULTS, REAL_TOML)
    for lane, line in DEFAULTS.items():
        assert rendered[f"tests/{lane}/BUILD"].startswith(line)


def test_rendered_workspace_has_one_test_function_per_profiled_test() -> None:
    plan = gen.plan_workspace(PROFILE, 10)
    rendered = files.render_workspace(plan, DEFAULTS, REAL_TOML)
    for f in plan:
        assert rendered[f.path].count("\ndef test_") == len(f.durations)


def test_each_feature_area_is_a_batch_of_its_own_inside_its_lane() -> None:
    plan = gen.plan_workspace(PROFILE, 200)
    rendered = files.render_workspace(plan, DEFAULTS, REAL_TOML)
    for f in plan:
        build = rendered[f.path.rpartition("/")[0] + "/BUILD"]
        area = f.path.split("/")[2]
        assert build == f'python_tests(batch_compatibility_tag="{f.lane}/{area}")\n'


def test_every_module_is_rendered_with_its_imports() -> None:
    plan = gen.plan_workspace(PROFILE, 60)
    rendered = files.render_workspace(plan, DEFAULTS, REAL_TOML)
    layout = gen.Layout.for_files(60)
    for m in range(layout.modules):
        imported = re.findall(r"from synth import mod_(\d+)", rendered[gen.module_path(m)])
        assert tuple(int(i) for i in imported) == layout.imports(m)


def test_integration_tests_use_the_plugins_database_and_others_do_not() -> None:
    plan = gen.plan_workspace(PROFILE, 10)
    rendered = files.render_workspace(plan, DEFAULTS, REAL_TOML)
    for f in plan:
        assert ("(conn)" in rendered[f.path]) == (f.lane == "integration")
    assert "DELETE FROM events" in rendered["tests/integration/conftest.py"]
    assert "tests/unit/conftest.py" not in rendered


def test_pants_toml_keeps_the_python_setup_and_drops_plugins_and_lint() -> None:
    config = tomllib.loads(files.pants_toml(REAL_TOML))
    assert config["GLOBAL"]["backend_packages"] == ["pants.backend.python"]
    assert "pythonpath" not in config["GLOBAL"]
    assert config["GLOBAL"]["pants_ignore"] == {"add": ["/dist/"]}
    assert config["source"]["root_patterns"] == ["/src", "/tests", "/plugins"]
    assert config["python"]["resolves"] == {"python-default": "3rdparty/python/default.lock"}
    assert config["pytest"]["execution_slot_var"] == "TEST_SLOT"
    assert "ruff" not in config


def test_lane_defaults_give_a_directory_what_the_lane_macro_gives_a_target() -> None:
    lane = Lane("integration", "", "services", "integration", 900, 240, retries=2)
    defaults = files.lane_defaults(lane)
    assert "tags=['integration'], batch_compatibility_tag='integration', timeout=900" in defaults
    assert "'TEST_SERVICES=postgres', 'TEST_SUITE=synth'" in defaults
    assert "'PYTEST_ADDOPTS=-p testlanes.plugin'" in defaults
    assert "dependencies=['plugins/testlanes/plugin.py', 'db:schema']" in defaults


def test_a_lane_without_services_loads_the_plugin_but_asks_for_no_database() -> None:
    env = files.lane_env(Lane("unit", "", "nothing", "unit", 60, 10))
    assert "PYTEST_ADDOPTS=-p testlanes.plugin" in env
    assert not [v for v in env if v.startswith(("TEST_SERVICES=", "TEST_SUITE="))]


def test_a_lane_that_disables_plugins_disables_them_in_the_workspace_too() -> None:
    lane = Lane("unit", "", "nothing", "unit", 60, 10, disable_plugins=("schemathesis",))
    assert "PYTEST_ADDOPTS=-p testlanes.plugin -p no:schemathesis" in files.lane_env(lane)


def test_write_workspace_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("")
    with pytest.raises(FileExistsError):
        files.write_workspace(tmp_path, {}, tmp_path)
