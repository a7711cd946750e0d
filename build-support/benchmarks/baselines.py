"""B0 and B1: the plain pytest runs Pants is measured against."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness import CACHE, Timed, capture, clean_env, fresh, timed
from workspaces import Workspace, scenario_env

# pip's cache, warm as a CI job restores it; kept apart from the user's own.
PIP_CACHE = CACHE / "pip-cache"

GATE = 80


def pytest_cmd(
    python: Path, ws: Workspace, files: Sequence[str], junit: Path, *extra: str
) -> list[str]:
    return [
        str(python),
        "-m",
        "pytest",
        "--no-header",
        "-q",
        "-p",
        "no:randomly",
        f"--cov={ws.cov_source}",
        "--cov-config=pyproject.toml",
        f"--junit-xml={junit}",
        "-o",
        "junit_family=xunit1",
        *extra,
        *files,
    ]


def run_b0(ws: Workspace, python: Path, logs: Path, rep: int) -> Timed:
    junit = logs / f"b0-{rep}.xml"
    cmd = pytest_cmd(python, ws, ws.files(), junit, "--cov-report=term", f"--cov-fail-under={GATE}")
    env = scenario_env(ws, fresh(ws.pg_cache), COVERAGE_FILE=str(logs / f".coverage.b0-{rep}"))
    return timed(cmd, cwd=ws.root, env=env, log=logs / f"b0-{rep}.log")


@dataclass
class B1Run:
    total: Timed
    fast: float
    integration: float
    combine: float


def run_b1(ws: Workspace, xdist: Path, logs: Path, rep: int, workers: int) -> B1Run:
    fresh(ws.pg_cache)
    lanes = {
        "fast": (ws.files("unit", "contract"), ["-n", str(workers)]),
        "integration": (ws.files("integration"), []),
    }
    procs: dict[str, tuple[subprocess.Popen[bytes], float]] = {}
    handles = []
    start = time.monotonic()
    for name, (files, extra) in lanes.items():
        if not files:
            continue
        cmd = pytest_cmd(xdist, ws, files, logs / f"b1-{name}-{rep}.xml", "--cov-report=", *extra)
        env = scenario_env(ws, ws.pg_cache, COVERAGE_FILE=str(logs / f"b1-{rep}.cov.{name}"))
        out = (logs / f"b1-{name}-{rep}.log").open("w")
        handles.append(out)
        procs[name] = (
            subprocess.Popen(cmd, cwd=ws.root, env=env, stdout=out, stderr=subprocess.STDOUT),
            start,
        )
    ends: dict[str, float] = {}
    rc = 0
    while len(ends) < len(procs):
        for name, (proc, _) in procs.items():
            if name not in ends and proc.poll() is not None:
                ends[name] = time.monotonic() - start
                rc = rc or proc.returncode
        time.sleep(0.05)
    for out in handles:
        out.close()
    data = logs / f"b1-{rep}.coverage"
    env = scenario_env(ws)
    parts = [str(logs / f"b1-{rep}.cov.{name}") for name in procs]
    combine_start = time.monotonic()
    combined = timed(
        [str(xdist), "-m", "coverage", "combine", f"--data-file={data}", *parts],
        cwd=ws.root,
        env=env,
        log=logs / f"b1-combine-{rep}.log",
    )
    gate = timed(
        [
            str(xdist),
            "-m",
            "coverage",
            "report",
            f"--data-file={data}",
            "--rcfile=pyproject.toml",
            f"--fail-under={GATE}",
        ],
        cwd=ws.root,
        env=env,
        log=logs / f"b1-gate-{rep}.log",
    )
    combine = time.monotonic() - combine_start
    total = Timed(time.monotonic() - start, rc or combined.rc or gate.rc, gate.log)
    return B1Run(total, ends.get("fast", 0.0), ends.get("integration", 0.0), combine)


def frozen_requirements(export_python: Path, dest: Path, extra: Sequence[str] = ()) -> Path:
    """What a CI job for the plain suite installs: the exported resolve's pins, plus extra lines."""
    frozen = capture([str(export_python), "-m", "pip", "freeze", "--exclude-editable"])
    dest.write_text("\n".join([*frozen.splitlines(), *extra]) + "\n")
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
