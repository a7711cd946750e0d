from pathlib import Path

from baselines import GATE, pytest_cmd
from workspaces import group_by_env, real_workspace, scenario_env

SERVICES = ["TEST_LANE=integration", "TEST_SERVICES=postgres"]
TARGETS = {  # as test_targets reads them from `pants peek`
    "backend/tests/unit/test_a.py": {"tags": ["unit"], "extra_env_vars": ["TEST_LANE=unit"]},
    "pants-plugins/lane_guard/lanes_test.py": {"tags": ["unit"], "extra_env_vars": None},
    "backend/tests/integration/test_b.py": {"tags": ["integration"], "extra_env_vars": SERVICES},
}


def test_the_real_workspace_keeps_only_the_backend_tests_for_pytest(tmp_path: Path) -> None:
    ws = real_workspace(tmp_path / "a", tmp_path, TARGETS)
    assert ws.files() == ["backend/tests/unit/test_a.py", "backend/tests/integration/test_b.py"]
    assert ws.files("integration") == ["backend/tests/integration/test_b.py"]
    assert ws.all_tests == set(TARGETS)


def test_the_real_workspace_groups_its_backend_tests_by_their_build_variables(
    tmp_path: Path,
) -> None:
    ws = real_workspace(tmp_path / "a", tmp_path, TARGETS)
    assert [(g.files, g.serial) for g in ws.env_groups()] == [
        (("backend/tests/unit/test_a.py",), False),
        (("backend/tests/integration/test_b.py",), True),
    ]


def test_scenario_env_points_the_tests_at_the_harness_caches_only(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("TEST_POSTGRES_URL", "postgresql://elsewhere/db")
    monkeypatch.setenv("PANTS_CONFIG_FILES", "pants.ci.toml")
    ws = real_workspace(tmp_path / "a", tmp_path, TARGETS)
    env = scenario_env(ws, tmp_path / "pg", COVERAGE_FILE="cov")
    assert "TEST_POSTGRES_URL" not in env
    assert "PANTS_CONFIG_FILES" not in env
    assert env["TEST_CACHE_DIR"] == str(tmp_path / "pg")
    assert env["TEST_LOCK_DIR"] == str(tmp_path / "locks")
    assert env["PYTHONPATH"] == "backend/src:backend/tests:orchestration/src:orchestration/tests"
    assert env["COVERAGE_FILE"] == "cov"


def test_the_pytest_baseline_measures_coverage_and_writes_junit(tmp_path: Path) -> None:
    ws = real_workspace(tmp_path / "a", tmp_path, TARGETS)
    cmd = pytest_cmd(Path("/py"), ws, ws.files(), tmp_path / "j.xml", f"--cov-fail-under={GATE}")
    assert cmd[:3] == ["/py", "-m", "pytest"]
    assert "--cov=backend/src" in cmd
    assert f"--junit-xml={tmp_path / 'j.xml'}" in cmd
    assert cmd[-3:] == [f"--cov-fail-under={GATE}", *ws.files()]


def test_plain_pytest_groups_files_by_suite_and_services_not_by_lane() -> None:
    plugin = "PYTEST_ADDOPTS=-p testlanes.plugin"
    groups = group_by_env(
        {
            "unit/test_a.py": ("TEST_LANE=unit", "PYTEST_TIMEOUT=10", plugin),
            "contract/test_b.py": ("TEST_LANE=contract", "PYTEST_TIMEOUT=60", plugin),
            "inventory/test_c.py": (
                "TEST_LANE=integration",
                "TEST_SERVICES=postgres",
                "TEST_SUITE=inventory",
                plugin,
            ),
            "catalog/test_d.py": (
                "TEST_LANE=integration",
                "TEST_SERVICES=postgres",
                "TEST_SUITE=catalog",
                plugin,
            ),
        }
    )
    assert [(g.files, g.serial) for g in groups] == [
        (("contract/test_b.py", "unit/test_a.py"), False),
        (("catalog/test_d.py",), True),
        (("inventory/test_c.py",), True),
    ]
    assert groups[2].environ() == {
        "TEST_SERVICES": "postgres",
        "TEST_SUITE": "inventory",
        "PYTEST_ADDOPTS": "-p testlanes.plugin",
    }


def test_a_generated_workspace_splits_by_lane_for_b1(tmp_path: Path) -> None:
    from workspaces import Workspace

    ws = Workspace(
        tmp_path,
        "tests",
        "src",
        "src",
        False,
        lanes={"unit": ["tests/u.py"], "integration": ["tests/i.py"]},
    )
    assert [(g.files, g.serial) for g in ws.env_groups()] == [
        (("tests/u.py",), False),
        (("tests/i.py",), True),
    ]
