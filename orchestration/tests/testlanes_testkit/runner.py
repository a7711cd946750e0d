"""Run pytest (or Python) in a child process with a clean service environment.

The plugin exports this process's database into os.environ (DATABASE_URL, POSTGRES_*, PG*) and
its lane's policy is in TEST_*; a child must inherit neither: it is an experiment whose outcome
the test judges, with no lane rules, no retries and no service of ours.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from testlanes.config import (
    CACHE_DIR_VAR,
    ISOLATION_VAR,
    SERVICES_VAR,
    SLOT_VAR,
    SUITE_VAR,
    URL_VARS,
    VERSION_VARS,
)
from testlanes.exports import INDEX_PREFIX_NAME, POSTGRES_NAMES, SEARCH_URL_NAMES
from testlanes.lane_policy import LANE_VAR, MAY_TOUCH_VAR, RETRIES_VAR
from testlanes.postgres.service import APP_NAME_VAR
from testlanes_report.junit import read_report

_SERVICE_VARS = (
    *URL_VARS.values(),
    *VERSION_VARS.values(),
    *POSTGRES_NAMES,
    *SEARCH_URL_NAMES.values(),
    INDEX_PREFIX_NAME,
    ISOLATION_VAR,
    SLOT_VAR,
    SERVICES_VAR,
    SUITE_VAR,
    LANE_VAR,
    MAY_TOUCH_VAR,
    RETRIES_VAR,
    APP_NAME_VAR,
    "PYTEST_XDIST_WORKER",
    "PYTEST_ADDOPTS",
)
# Plugins an inner run does not need; importing them costs about a second per process, and
# in process a first import may break the outer test's lane rule (urllib3, under schemathesis,
# opens an IPv6 socket to probe for IPv6 when imported).
UNNEEDED_PLUGINS = ("hypothesispytest", "schemathesis", "pytest_postgresql", "pytest_cov")


def clean_env(
    overrides: Mapping[str, str] | None = None, *, cache_dir: Path | None = None
) -> dict[str, str]:
    """os.environ without any service variables, our sys.path as PYTHONPATH, plus overrides."""
    env = {k: v for k, v in os.environ.items() if k not in _SERVICE_VARS}
    # Absolute: Pants puts the source roots on sys.path relative to its sandbox, and child runs
    # start in other directories.
    env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in sys.path if p)
    if cache_dir is not None:
        env[CACHE_DIR_VAR] = str(cache_dir)
    env.update(overrides or {})
    return env


@dataclass
class Outcome:
    outcome: str  # passed | failed | error | skipped
    message: str


@dataclass
class PytestRun:
    returncode: int
    stdout: str
    stderr: str
    outcomes: dict[str, Outcome]


def run_pytest(
    args: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float = 300
) -> PytestRun:
    """Run pytest with our plugin in a child process; outcomes are keyed by test name."""
    junit = cwd / "junit.xml"
    cmd = [sys.executable, "-m", "pytest", "-p", "testlanes.plugin", "-p", "no:cacheprovider"]
    for plugin in UNNEEDED_PLUGINS:
        cmd += ["-p", f"no:{plugin}"]
    cmd += ["-q", "-rA", f"--junitxml={junit}", *args]
    proc = subprocess.run(
        cmd, cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=timeout, check=False
    )
    return PytestRun(proc.returncode, proc.stdout, proc.stderr, _outcomes(junit))


def _outcomes(junit: Path) -> dict[str, Outcome]:
    if not junit.exists():
        return {}
    return {
        result.case_name: Outcome(
            "error" if result.error else result.outcome, f"{result.message}\n{result.details}"
        )
        for result in read_report(junit)
    }
