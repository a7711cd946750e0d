"""Synthetic Pants workspaces shaped like this repo's suite, for the scaling benchmark.

A profile (per real test file: its lane and per-test durations, read from JUnit reports) is
sampled into N synthetic test files. Each synthetic test burns CPU (and, in the integration lane,
also waits, as a test waiting on PostgreSQL does) for the real test's duration times a scale. The
workspace reuses this repo's launcher, lockfile and Pants/pytest/coverage options, and the lanes
of lanes.toml (as plain `__defaults__`), so no new resolve is needed and the lanes batch the
same way.

Everything here is pure (returns file contents) except `write_workspace`.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lane_guard.lanes_toml import LANES_FILE, load_lanes

if TYPE_CHECKING:
    from lane_guard.lanes_toml import Lane

LANES: tuple[str, ...] = load_lanes(Path(__file__).resolve().parents[2] / LANES_FILE).names
# Fraction of a test's time that is CPU: integration tests mostly wait on the database server.
CPU_SHARE: Mapping[str, float] = {"unit": 1.0, "contract": 1.0, "integration": 0.5}
# One in this many synthetic modules imports the leaf module the one-change scenario edits.
LEAF_FANOUT = 4
CHANGE_FILE = "src/synth/leaf.py"
# Sections of pants.toml a synthetic workspace needs; the rest (plugins, lint) stays out.
PANTS_SECTIONS = (
    "python",
    "python-bootstrap",
    "python-infer",
    "subprocess-environment",
    "pex-cli",
    "test",
    "pytest",
    "coverage-py",
    "anonymous-telemetry",
)
COPIED_FILES = (
    "pants",
    "build-support/bin/test_policy.sh",  # the launcher sources it
    "pants.ci.toml",
    "3rdparty/python/BUILD",
    "3rdparty/python/requirements.txt",
    "3rdparty/python/default.lock",
    # 3rdparty/python/BUILD and pants.toml's [python] also declare the plugins' test resolve.
    "3rdparty/python/pants-plugins-requirements.txt",
    "3rdparty/python/pants-plugins.lock",
)


@dataclass(frozen=True)
class FileProfile:
    """One real test file: where it came from, its lane and its tests' durations in seconds."""

    source: str
    lane: str
    durations: tuple[float, ...]

    @property
    def seconds(self) -> float:
        return sum(self.durations)


@dataclass(frozen=True)
class SyntheticFile:
    path: str
    lane: str
    source: str
    durations: tuple[float, ...]
    module: int

    @property
    def seconds(self) -> float:
        return sum(self.durations)


def profile_from_tests(
    tests: Iterable[tuple[str, float]], lane_of: Mapping[str, str]
) -> list[FileProfile]:
    """(test file, seconds) pairs, e.g. from JUnit reports, grouped per file with its lane.

    Files without a lane (not in `lane_of`) are left out: they are not part of a lane's mix.
    """
    per_file: dict[str, list[float]] = defaultdict(list)
    for file, seconds in tests:
        per_file[file].append(max(0.0, seconds))
    return [
        FileProfile(source=file, lane=lane_of[file], durations=tuple(durations))
        for file, durations in sorted(per_file.items())
        if file in lane_of
    ]


def lane_counts(profile: Sequence[FileProfile], n_files: int) -> dict[str, int]:
    """Split n_files over the lanes in the profile's proportions (largest remainder, >= 1 each)."""
    present = [lane for lane in LANES if any(f.lane == lane for f in profile)]
    if not present:
        raise ValueError("the profile has no test files in any lane")
    if n_files < len(present):
        raise ValueError(f"need at least {len(present)} files, one per lane")
    total = len(profile)
    shares = {lane: n_files * sum(f.lane == lane for f in profile) / total for lane in present}
    counts = {lane: max(1, int(share)) for lane, share in shares.items()}
    by_remainder = sorted(present, key=lambda lane: shares[lane] - int(shares[lane]), reverse=True)
    i = 0
    while sum(counts.values()) < n_files:
        counts[by_remainder[i % len(present)]] += 1
        i += 1
    while sum(counts.values()) > n_files:
        largest = max(present, key=lambda lane: counts[lane])
        counts[largest] -= 1
    return counts


def module_count(n_files: int) -> int:
    return max(2, n_files // 10)


def depends_on_leaf(module: int) -> bool:
    """Module 0 is the leaf itself; every LEAF_FANOUT-th other module imports it."""
    return module % LEAF_FANOUT == 0


def plan_workspace(
    profile: Sequence[FileProfile], n_files: int, *, seed: int = 0, time_scale: float = 1.0
) -> list[SyntheticFile]:
    """Draw n_files synthetic test files: the lane mix of the profile, every real file of a lane
    used once before any is used again (in a seeded random order), durations times time_scale."""
    rng = random.Random(seed)
    counts = lane_counts(profile, n_files)
    modules = module_count(n_files)
    files: list[SyntheticFile] = []
    for lane, count in counts.items():
        pool = [f for f in profile if f.lane == lane]
        order: list[FileProfile] = []
        while len(order) < count:
            batch = pool[:]
            rng.shuffle(batch)
            order.extend(batch)
        for source in order[:count]:
            index = len(files)
            files.append(
                SyntheticFile(
                    path=f"tests/{lane}/test_{lane}_{index:04d}.py",
                    lane=lane,
                    source=source.source,
                    durations=tuple(round(d * time_scale, 4) for d in source.durations) or (0.0,),
                    module=index % modules,
                )
            )
    return files


def dependents_of_leaf(plan: Sequence[SyntheticFile]) -> list[str]:
    return [f.path for f in plan if depends_on_leaf(f.module)]


# --- rendering ------------------------------------------------------------------------------------


def toml_dumps(data: Mapping[str, object]) -> str:
    """TOML for the subset Pants config uses: tables of strings, numbers, bools, lists, tables."""
    lines: list[str] = []

    def value(v: object) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        raise TypeError(f"cannot write {type(v).__name__} to TOML")

    def table(name: str, body: Mapping[str, object]) -> None:
        scalars = {k: v for k, v in body.items() if not isinstance(v, Mapping)}
        tables = {k: v for k, v in body.items() if isinstance(v, Mapping)}
        if scalars or not tables:
            lines.append(f"[{name}]")
            lines.extend(f"{_key(k)} = {value(v)}" for k, v in scalars.items())
            lines.append("")
        for k, sub in tables.items():
            table(f"{name}.{_key(k)}", sub)  # type: ignore[arg-type]

    for name, body in data.items():
        if not isinstance(body, Mapping):
            raise TypeError("top-level TOML values must be tables")
        table(_key(name), body)
    return "\n".join(lines)


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def pants_toml(real: str) -> str:
    """This repo's pants.toml, cut down to the Python backend and the synthetic source roots."""
    config = tomllib.loads(real)
    glob = config["GLOBAL"]
    out: dict[str, object] = {
        "GLOBAL": {
            "pants_version": glob["pants_version"],
            "backend_packages": ["pants.backend.python"],
            **({"pants_ignore": glob["pants_ignore"]} if "pants_ignore" in glob else {}),
        },
        "source": {"root_patterns": ["/src", "/tests"]},
    }
    out.update({section: config[section] for section in PANTS_SECTIONS if section in config})
    return (
        "# Generated by build-support/benchmarks: a cut-down copy of the repo's pants.toml.\n"
        + (toml_dumps(out))
    )


PYPROJECT = """\
[tool.pytest.ini_options]
addopts = ["--strict-markers", "-p", "no:cacheprovider"]

[tool.coverage.run]
branch = true
relative_files = true

[tool.coverage.report]
include = ["src/*"]
precision = 1
"""

WORK = '''\
"""What a synthetic test spends its time on: CPU, then waiting."""

import time


def run(seconds: float, cpu_share: float) -> None:
    deadline = time.perf_counter() + seconds * cpu_share
    while time.perf_counter() < deadline:
        pass
    time.sleep(seconds * (1.0 - cpu_share))
'''


def lane_defaults(lane: Lane) -> str:
    """A `__defaults__(...)` call giving a directory what the lane's macro gives a target.

    The synthetic workspace loads no plugins (it measures Pants and pytest, not our rules), so
    the lane's tag, batch and timeouts come as plain defaults, read from lanes.toml.
    """
    timeout_env = f"PYTEST_TIMEOUT={lane.test_timeout}"
    return (
        "__defaults__({python_tests: dict("
        f"tags=[{lane.name!r}], batch_compatibility_tag={lane.batch!r}, "
        f"timeout={lane.process_timeout}, extra_env_vars=[{timeout_env!r}]"
        ")})"
    )


def render_workspace(
    plan: Sequence[SyntheticFile], defaults: Mapping[str, str], real_pants_toml: str
) -> dict[str, str]:
    """Every generated file of the workspace, path -> content (COPIED_FILES come on top)."""
    files: dict[str, str] = {
        "pants.toml": pants_toml(real_pants_toml),
        "pyproject.toml": PYPROJECT,
        "src/synth/BUILD": "python_sources()\n",
        "src/synth/__init__.py": "",
        "src/synth/work.py": WORK,
        "src/synth/leaf.py": '"""The leaf module the one-change scenario edits."""\n\nVALUE = 1\n',
    }
    modules = module_count(len(plan))
    for m in range(1, modules):
        imports = "from synth import leaf\n" if depends_on_leaf(m) else ""
        result = "leaf.VALUE" if depends_on_leaf(m) else str(m)
        files[f"src/synth/mod_{m:03d}.py"] = (
            f"{imports}from synth.work import run\n\n\n"
            "def work(seconds: float, cpu_share: float) -> int:\n"
            "    run(seconds, cpu_share)\n"
            f"    return {result}\n"
        )
    # Module 0 is the leaf itself: its tests call work and read the leaf.
    files["src/synth/mod_000.py"] = (
        "from synth import leaf\nfrom synth.work import run\n\n\n"
        "def work(seconds: float, cpu_share: float) -> int:\n"
        "    run(seconds, cpu_share)\n"
        "    return leaf.VALUE\n"
    )
    for lane in sorted({f.lane for f in plan}):
        files[f"tests/{lane}/BUILD"] = f"{defaults[lane]}\n\npython_tests()\n"
    for f in plan:
        module = f"mod_{f.module:03d}"
        tests = "".join(
            f"\n\ndef test_{i:03d}() -> None:\n"
            f"    assert {module}.work({d!r}, {CPU_SHARE[f.lane]!r}) >= 0\n"
            for i, d in enumerate(f.durations)
        )
        files[f.path] = (
            f'"""Synthetic {f.lane} test file modelled on {f.source}."""\n\n'
            f"from synth import {module}\n{tests}"
        )
    return files


def write_workspace(root: Path, files: Mapping[str, str], repo: Path) -> None:
    """Write the generated files and copy COPIED_FILES from the repo into an empty root."""
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    for rel in COPIED_FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / rel, root / rel)
