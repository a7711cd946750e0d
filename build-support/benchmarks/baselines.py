"""B0 and B1: the plain pytest runs Pants is measured against."""

from __future__ import annotations

import shlex
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness import CACHE, Timed, capture, clean_env, fresh, timed
from workspaces import EnvGroup, Workspace, scenario_env

# pip's cache, warm as a CI job restores it; kept apart from the user's own.
PIP_CACHE = CACHE / "pip-cache"

GATE = 80


def pytest_cmd(
    python: Path, ws: Workspace, files: Sequence[str], junit: Path, *extra: str
) -> list[str]:
    pytest = [str(python), "-m", "pytest", "--no-header", "-q", "-p", "no:randomly"]
    reports = [f"--cov={ws.cov_source}", "--cov-config=pyproject.toml", f"--junit-xml={junit}"]
    return [*pytest, *reports, "-o", "junit_family=xunit1", *extra, *files]


def _pytest_group(
    python: Path, ws: Workspace, group: EnvGroup, name: str, logs: Path, *extra: str
) -> Timed:
    """One plain pytest process over a group, coverage data to logs/<name>.cov."""
    cmd = pytest_cmd(python, ws, group.files, logs / f"{name}.xml", "--cov-report=", *extra)
    env = scenario_env(ws, ws.pg_cache, COVERAGE_FILE=str(logs / f"{name}.cov"), **group.environ())
    return timed(cmd, cwd=ws.root, env=env, log=logs / f"{name}.log")


def _combine_and_gate(
    python: Path, ws: Workspace, logs: Path, name: str, parts: list[Path]
) -> Timed:
    """`coverage combine` of the parts, then the gate: the whole suite's coverage judged once."""
    data = logs / f"{name}.coverage"
    env = scenario_env(ws)
    combined = timed(
        [str(python), "-m", "coverage", "combine", f"--data-file={data}", *map(str, parts)],
        cwd=ws.root,
        env=env,
        log=logs / f"{name}-combine.log",
    )
    if not combined.ok:
        return combined
    report = [str(python), "-m", "coverage", "report", f"--data-file={data}"]
    report += ["--rcfile=pyproject.toml", f"--fail-under={GATE}"]
    return timed(report, cwd=ws.root, env=env, log=logs / f"{name}-gate.log")


def run_b0(ws: Workspace, python: Path, logs: Path, rep: int) -> Timed:
    """The serial job: one pytest process per group (suite), one after the other, then the gate."""
    fresh(ws.pg_cache)
    start = time.monotonic()
    runs = [
        _pytest_group(python, ws, group, f"b0-{rep}-{i}", logs)
        for i, group in enumerate(ws.env_groups())
    ]
    gate = _combine_and_gate(
        python, ws, logs, f"b0-{rep}", [logs / f"b0-{rep}-{i}.cov" for i in range(len(runs))]
    )
    rc = next((r.rc for r in runs if not r.ok), gate.rc)
    return Timed(time.monotonic() - start, rc, gate.log)


def run_b1(ws: Workspace, python: Path, logs: Path, rep: int, workers: int) -> Timed:
    """Two lanes side by side: groups without services under xdist, the others serially;
    then combine and the gate."""
    fresh(ws.pg_cache)
    groups = list(enumerate(ws.env_groups()))
    lanes = [
        [(i, g, ("-n", str(workers))) for i, g in groups if not g.serial],
        [(i, g, ()) for i, g in groups if g.serial],
    ]
    start = time.monotonic()

    def run_lane(members: list[tuple[int, EnvGroup, tuple[str, ...]]]) -> int:
        rc = 0
        for i, group, extra in members:
            rc = rc or _pytest_group(python, ws, group, f"b1-{rep}-{i}", logs, *extra).rc
        return rc

    with ThreadPoolExecutor(max_workers=2) as pool:
        rcs = list(pool.map(run_lane, lanes))
    parts = [logs / f"b1-{rep}-{i}.cov" for i, _ in groups]
    gate = _combine_and_gate(python, ws, logs, f"b1-{rep}", parts)
    rc = next((r for r in rcs if r), gate.rc)
    return Timed(time.monotonic() - start, rc, gate.log)


def frozen_requirements(export_python: Path, dest: Path) -> Path:
    """What a CI job for the plain suite installs: the exported resolve's pins (pytest-xdist
    among them)."""
    frozen = capture([str(export_python), "-m", "pip", "freeze", "--exclude-editable"])
    dest.write_text(frozen + "\n")
    return dest


def ci_venv(requirements: Path, venv: Path, log: Path) -> Timed:
    """A CI job's venv: made on the runner and installed from pins, pip's cache warm."""
    shutil.rmtree(venv, ignore_errors=True)
    script = (
        f"python3.11 -m venv {shlex.quote(str(venv))} && "
        f"{shlex.quote(str(venv / 'bin' / 'pip'))} install --quiet --no-deps "
        f"-r {shlex.quote(str(requirements))}"
    )
    env = clean_env(PIP_CACHE_DIR=str(PIP_CACHE))
    return timed(["bash", "-c", script], cwd=venv.parent, env=env, log=log)


def with_ci_venv(requirements: Path, venv: Path, log: Path, run: Callable[[Path], Timed]) -> Timed:
    """B0-ci / B1-ci: the venv's creation and the run, timed as one (a CI job pays both)."""
    made = ci_venv(requirements, venv, log)
    if not made.ok:
        return made
    result = run(venv / "bin" / "python")
    shutil.rmtree(venv, ignore_errors=True)
    return Timed(made.seconds + result.seconds, result.rc, result.log)
