from pathlib import Path

from baselines import GATE, pytest_cmd
from workspaces import real_workspace, scenario_env

LANES = {
    "unit": ["backend/tests/unit/test_a.py", "pants-plugins/lane_guard/lanes_test.py"],
    "integration": ["backend/tests/integration/test_b.py"],
}


def test_the_real_workspace_keeps_only_the_backend_tests_for_pytest(tmp_path: Path) -> None:
    ws = real_workspace(tmp_path / "a", tmp_path, LANES, "backend/src/x.py")
    assert ws.files() == ["backend/tests/unit/test_a.py", "backend/tests/integration/test_b.py"]
    assert ws.files("integration") == ["backend/tests/integration/test_b.py"]


def test_scenario_env_points_the_tests_at_the_harness_caches_only(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("TEST_POSTGRES_URL", "postgresql://elsewhere/db")
    monkeypatch.setenv("PANTS_CONFIG_FILES", "pants.ci.toml")
    ws = real_workspace(tmp_path / "a", tmp_path, LANES, "backend/src/x.py")
    env = scenario_env(ws, tmp_path / "pg", COVERAGE_FILE="cov")
    assert "TEST_POSTGRES_URL" not in env
    assert "PANTS_CONFIG_FILES" not in env
    assert env["TEST_CACHE_DIR"] == str(tmp_path / "pg")
    assert env["TEST_LOCK_DIR"] == str(tmp_path / "locks")
    assert (env["PYTHONPATH"], env["COVERAGE_FILE"]) == ("backend/src:backend/tests", "cov")


def test_the_pytest_baseline_measures_coverage_and_writes_junit(tmp_path: Path) -> None:
    ws = real_workspace(tmp_path / "a", tmp_path, LANES, "backend/src/x.py")
    cmd = pytest_cmd(Path("/py"), ws, ws.files(), tmp_path / "j.xml", f"--cov-fail-under={GATE}")
    assert cmd[:3] == ["/py", "-m", "pytest"]
    assert "--cov=backend/src" in cmd
    assert f"--junit-xml={tmp_path / 'j.xml'}" in cmd
    assert cmd[-3:] == [f"--cov-fail-under={GATE}", *ws.files()]
