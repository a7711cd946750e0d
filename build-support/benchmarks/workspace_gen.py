"""Synthetic Pants workspaces shaped like this repo's suite, for the scaling benchmark.

A profile (per real test file: its lane and per-test durations, read from JUnit reports) is
sampled into N synthetic test files. Each synthetic test burns CPU (and, in the integration lane,
also waits, as a test waiting on PostgreSQL does) for the real test's duration times a scale; an
integration test also writes and reads rows through the lanes' pytest plugin (testlanes, copied
in source form), which gives its process a PostgreSQL database of its own (embedded mode: the
local server binaries), and its conftest deletes every row at session end (a wipe-all teardown).
The workspace reuses this repo's launcher, lockfile and Pants/pytest/coverage options, and the
lanes of lanes.toml (as plain `__defaults__`), so no new resolve is needed and the lanes batch the
same way.

The import graph is a service's layers with fan-in (`Layout`): a few hub modules (models,
settings) that many tests reach, a middle layer (services) that imports two hubs each, and many
leaves (endpoints) that import one middle module each; every test file imports one leaf. Tests are
laid out as a service's are, one directory per feature area inside each lane, and each directory
is its own batch (as this repo's BUILD files split a lane by what its tests import).

Everything here is pure (returns file contents) except `write_workspace`.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lane_guard.lanes_toml import LANES_FILE, load_lanes
from lane_guard.macros import pytest_addopts

if TYPE_CHECKING:
    from lane_guard.lanes_toml import Lane

LANES: tuple[str, ...] = load_lanes(Path(__file__).resolve().parents[2] / LANES_FILE).names
# Fraction of a test's time that is CPU: integration tests mostly wait on the database server.
CPU_SHARE: Mapping[str, float] = {"unit": 1.0, "contract": 1.0, "integration": 0.5}
# The layers (see Layout): test files per module, and one hub / one middle module per so many.
FILES_PER_MODULE = 5
MODULES_PER_HUB = 20
MODULES_PER_MIDDLE = 5
# The lanes' pytest plugin and the embedded server, copied from the orchestration in source form
# under their own source root (outside the coverage of src/).
PLUGIN_PACKAGES = ("testlanes", "embedded_postgres")
PLUGIN_ROOT = "plugins"
PLUGIN_MODULE = "testlanes.plugin"  # in source form: loaded with -p, as in this repository
SUITE = "synth"
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
class Layout:
    """The modules of src/synth in three layers, numbered hubs first, then middles, then leaves.

    The rule: a middle module imports hubs (j mod H) and (j + 1 mod H); leaf k imports middle
    (k mod M); test file i imports leaf (i mod L). So a hub reaches about 2/H of the tests, a
    middle module 1/M, a leaf 1/L: fan-in at the bottom, few dependents at the top.
    """

    hubs: int
    middles: int
    leaves: int

    @classmethod
    def for_files(cls, n_files: int) -> Layout:
        modules = max(3, n_files // FILES_PER_MODULE)
        hubs = max(1, modules // MODULES_PER_HUB)
        middles = max(1, modules // MODULES_PER_MIDDLE)
        return cls(hubs, middles, modules - hubs - middles)

    @property
    def modules(self) -> int:
        return self.hubs + self.middles + self.leaves

    def imports(self, module: int) -> tuple[int, ...]:
        """The modules this module imports directly."""
        if module < self.hubs:
            return ()
        if module < self.hubs + self.middles:
            j = module - self.hubs
            return tuple(sorted({j % self.hubs, (j + 1) % self.hubs}))
        return (self.hubs + (module - self.hubs - self.middles) % self.middles,)

    def leaf_of_test(self, index: int) -> int:
        return self.hubs + self.middles + index % self.leaves

    def area_of_test(self, index: int) -> int:
        """The feature area of test file index: its leaf's middle module, mod H. Middle j imports
        hubs j and j + 1 (mod H), so an area's tests share their hubs and a hub reaches two whole
        areas: batches per area rerun together what a change reaches together."""
        leaf = self.leaf_of_test(index) - self.hubs - self.middles
        return (leaf % self.middles) % self.hubs

    def reaches(self, module: int, target: int) -> bool:
        """Whether module imports target, directly or through other modules (or is it)."""
        return module == target or any(self.reaches(m, target) for m in self.imports(module))


def module_path(module: int) -> str:
    return f"src/synth/mod_{module:03d}.py"


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


def files_for(profile: Sequence[FileProfile], test_seconds: float) -> int:
    """How many synthetic files make about test_seconds of tests at time-scale 1: the plan keeps
    the profile's lane mix and cycles through its files, so a file costs the profile's mean."""
    mean = sum(f.seconds for f in profile) / len(profile)
    if mean <= 0:
        raise ValueError("the profile's tests take no time")
    return max(len(LANES), round(test_seconds / mean))


def sample_changes(candidates: Iterable[str], n: int, seed: int) -> list[str]:
    """The replay's one-line changes: n files drawn uniformly without replacement (seeded)."""
    pool = sorted(set(candidates))
    if n > len(pool):
        raise ValueError(f"asked for {n} changes from {len(pool)} files")
    return random.Random(seed).sample(pool, n)


def plan_workspace(
    profile: Sequence[FileProfile], n_files: int, *, seed: int = 0, time_scale: float = 1.0
) -> list[SyntheticFile]:
    """Draw n_files synthetic test files: the lane mix of the profile, every real file of a lane
    used once before any is used again (in a seeded random order), durations times time_scale."""
    rng = random.Random(seed)
    counts = lane_counts(profile, n_files)
    layout = Layout.for_files(n_files)
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
                    path=f"{area_dir(lane, layout.area_of_test(index))}/test_{lane}_{index:04d}.py",
                    lane=lane,
                    source=source.source,
                    durations=tuple(round(d * time_scale, 4) for d in source.durations) or (0.0,),
                    module=layout.leaf_of_test(index),
                )
            )
    return files


def area_dir(lane: str, area: int) -> str:
    return f"tests/{lane}/area_{area}"


def describe(plan: Sequence[SyntheticFile]) -> str:
    """The workspace as the report states it: the generator's rule, then files and test seconds
    per lane and feature area (each area one batch)."""
    layout = Layout.for_files(len(plan))
    cells: dict[tuple[str, str], list[float]] = defaultdict(list)
    for f in plan:
        cells[f.lane, f.path.split("/")[2]].append(f.seconds)
    areas = sorted({area for _, area in cells})
    lanes = [lane for lane in LANES if any(lane == key[0] for key in cells)]
    rows = [
        f"| {lane} | "
        + " | ".join(
            f"{len(cells[lane, a])} / {sum(cells[lane, a]):.1f}" if (lane, a) in cells else ""
            for a in areas
        )
        + " |"
        for lane in lanes
    ]
    return (
        f"{len(plan)} test files drawn from this repository's suite (its lane mix; each real "
        f"file used once before any is used again; each synthetic test takes its real test's "
        f"time, integration tests half of it waiting on their PostgreSQL). Import graph: "
        f"{layout.hubs} hub modules, {layout.middles} middle modules each importing two hubs, "
        f"{layout.leaves} leaves each importing one middle module; test file i imports leaf "
        f"(i mod {layout.leaves}). Tests sit in {len(areas)} feature areas per lane, area = the "
        f"leaf's middle module mod {layout.hubs}, so a hub change reaches two whole areas; each "
        f"lane's area is one batch (`batch_compatibility_tag` lane/area).\n\n"
        f"Files / test seconds per lane and area:\n\n"
        f"| Lane | {' | '.join(areas)} |\n| --- |{' --- |' * len(areas)}\n" + "\n".join(rows)
    )


def dependents(plan: Sequence[SyntheticFile], module: int) -> list[str]:
    """The test files that import module, directly or not (what `pants dependents` should say)."""
    layout = Layout.for_files(len(plan))
    return [f.path for f in plan if layout.reaches(f.module, module)]


# --- rendering ------------------------------------------------------------------------------------


def pants_toml(real: str) -> str:
    """This repo's pants.toml, cut down to the Python backend and the synthetic source roots:
    [GLOBAL] and [source] written here, PANTS_SECTIONS (and their sub-tables) copied as text."""
    glob = tomllib.loads(real)["GLOBAL"]
    ignore = glob.get("pants_ignore", {}).get("add", [])
    head = [
        "# Generated by build-support/benchmarks: a cut-down copy of the repo's pants.toml.",
        "[GLOBAL]",
        f"pants_version = {json.dumps(glob['pants_version'])}",
        'backend_packages = ["pants.backend.python"]',
        *([f"pants_ignore.add = {json.dumps(ignore)}"] if ignore else []),
        "",
        "[source]",
        f'root_patterns = ["/src", "/tests", "/{PLUGIN_ROOT}"]',
        "",
    ]
    # A section runs from its header (a line starting with "[") to the next header.
    sections = re.split(r"(?m)^(?=\[)", real)
    kept = [body for body in sections if _table(body) in PANTS_SECTIONS]
    return "\n".join(head) + "\n" + "".join(kept)


def _table(section: str) -> str:
    """The top-level table a section of TOML text belongs to ("python" for [python.resolves])."""
    match = re.match(r"\[([\w-]+)", section)
    return match[1] if match else ""


PYPROJECT = f"""\
[tool.pytest.ini_options]
addopts = ["--strict-markers", "-p", "no:cacheprovider"]

# The plugin gives each integration process a database with this schema, libpq's variables
# pointed at it; the conftest's session fixture deletes every row at the end.
[tool.testlanes.suites.{SUITE}]
sql = "db/schema.sql"
env = ["PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD"]
leak_check = false

[tool.coverage.run]
branch = true
relative_files = true

[tool.coverage.report]
include = ["src/*"]
precision = 1
"""

SCHEMA = "CREATE TABLE events (id serial PRIMARY KEY, file text NOT NULL, test int NOT NULL);\n"

INTEGRATION_CONFTEST = '''\
"""One connection per process to the database the lanes' plugin made (libpq's variables)."""

import psycopg
import pytest


@pytest.fixture(scope="session")
def conn():
    with psycopg.connect(autocommit=True) as conn:
        yield conn
        # Teardown as many suites do it: delete every row.
        conn.execute("DELETE FROM events")
'''

WORK = '''\
"""What a synthetic test spends its time on: CPU, then waiting."""

import time


def run(seconds: float, cpu_share: float) -> None:
    deadline = time.perf_counter() + seconds * cpu_share
    while time.perf_counter() < deadline:
        pass
    time.sleep(seconds * (1.0 - cpu_share))
'''


def lane_env(lane: Lane) -> tuple[str, ...]:
    """What the lane's macro gives a target's environment: policy, services, the plugin."""
    services = ("postgres",) if lane.may_touch == "services" else ()
    return (*lane.env(services, SUITE if services else None), *pytest_addopts(lane, PLUGIN_MODULE))


def lane_defaults(lane: Lane) -> str:
    """A `__defaults__(...)` call giving a directory what the lane's macro gives a target.

    The synthetic workspace loads no Pants plugins (it measures Pants and pytest, not our rules),
    so the lane's tag, batch, timeouts and environment come as plain defaults, from lanes.toml.
    """
    deps = [f"{PLUGIN_ROOT}/testlanes/plugin.py"]
    if lane.may_touch == "services":
        deps.append("db:schema")  # the suite's schema; its conftest Pants infers
    return (
        "__defaults__({python_tests: dict("
        f"tags=[{lane.name!r}], batch_compatibility_tag={lane.batch!r}, "
        f"timeout={lane.process_timeout}, extra_env_vars={list(lane_env(lane))!r}, "
        f"dependencies={deps!r}"
        ")})"
    )


def _module_source(layout: Layout, m: int) -> str:
    """A hub or middle module is its imports and a value (covered on import); a leaf adds the
    work its tests call."""
    imports = layout.imports(m)
    header = "".join(f"from synth import mod_{i:03d}\n" for i in imports)
    value = " + ".join(["1", *(f"mod_{i:03d}.VALUE" for i in imports)])
    if m < layout.hubs + layout.middles:
        return f"{header}\nVALUE = {value}\n"
    return (
        f"{header}from synth.work import run\n\nVALUE = {value}\n\n\n"
        "def work(seconds: float, cpu_share: float) -> int:\n"
        "    run(seconds, cpu_share)\n"
        "    return VALUE\n"
    )


def _test_source(f: SyntheticFile) -> str:
    module = f"mod_{f.module:03d}"
    uses_db = CPU_SHARE[f.lane] < 1.0
    tests = []
    for i, d in enumerate(f.durations):
        if uses_db:
            # A row in, the work, the row read back: real round trips to the process's database.
            tests.append(
                f"\n\ndef test_{i:03d}(conn) -> None:\n"
                f'    conn.execute("INSERT INTO events (file, test) VALUES (%s, %s)", '
                f"(__name__, {i}))\n"
                f"    assert {module}.work({d!r}, {CPU_SHARE[f.lane]!r}) >= 1\n"
                f'    row = conn.execute("SELECT count(*) FROM events WHERE file = %s AND '
                f'test = %s", (__name__, {i})).fetchone()\n'
                f"    assert row[0] >= 1\n"
            )
        else:
            tests.append(
                f"\n\ndef test_{i:03d}() -> None:\n"
                f"    assert {module}.work({d!r}, {CPU_SHARE[f.lane]!r}) >= 1\n"
            )
    return (
        f'"""Synthetic {f.lane} test file modelled on {f.source}."""\n\n'
        f"from synth import {module}\n{''.join(tests)}"
    )


def render_workspace(
    plan: Sequence[SyntheticFile], defaults: Mapping[str, str], real_pants_toml: str
) -> dict[str, str]:
    """Every generated file of the workspace, path -> content (COPIED_FILES and the plugin's
    packages come on top, in write_workspace)."""
    files: dict[str, str] = {
        "pants.toml": pants_toml(real_pants_toml),
        "pyproject.toml": PYPROJECT,
        ".gitignore": "/dist/\n/.pants.d/\n/.pids/\n__pycache__/\n",
        "db/BUILD": 'file(name="schema", source="schema.sql")\n',
        "db/schema.sql": SCHEMA,
        "src/synth/BUILD": "python_sources()\n",
        "src/synth/__init__.py": "",
        "src/synth/work.py": WORK,
    }
    layout = Layout.for_files(len(plan))
    for m in range(layout.modules):
        files[module_path(m)] = _module_source(layout, m)
    for lane in sorted({f.lane for f in plan}):
        files[f"tests/{lane}/BUILD"] = f"{defaults[lane]}\n"
        if CPU_SHARE[lane] < 1.0:
            files[f"tests/{lane}/BUILD"] += 'python_test_utils(name="test_utils")\n'
            files[f"tests/{lane}/conftest.py"] = INTEGRATION_CONFTEST
    for directory in sorted({f.path.rpartition("/")[0] for f in plan}):
        files[f"{directory}/BUILD"] = area_build(directory)
    files.update({f.path: _test_source(f) for f in plan})
    return files


def area_build(directory: str) -> str:
    """A feature area's BUILD file: the lane's defaults (from the parent directory) and a batch
    of its own, named lane/area, as `batch=` does in this repository's lane macros."""
    lane, area = directory.split("/")[1:]
    return f'python_tests(batch_compatibility_tag="{lane}/{area}")\n'


def plugin_build(package: str) -> str:
    """The BUILD file of a copied plugin directory (the orchestration's own use the visibility
    backend, which the synthetic workspace does not load)."""
    if package == "testlanes":
        # Registers its fixtures module by name (import_plugin), which Pants cannot infer.
        return 'python_sources(overrides={"plugin.py": {"dependencies": ["./fixtures.py"]}})\n'
    return "python_sources()\n"


def write_workspace(root: Path, files: Mapping[str, str], repo: Path) -> None:
    """Write the generated files, copy COPIED_FILES and the plugin's packages from the repo into
    an empty root, and commit it all (`--changed-since` and the replay's commits need git)."""
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    for rel in COPIED_FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / rel, root / rel)
    for package in PLUGIN_PACKAGES:
        source = repo / "orchestration" / "src" / package
        for py in source.rglob("*.py"):
            dest = root / PLUGIN_ROOT / package / py.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(py, dest)
            top = dest.parent.name == package
            (dest.parent / "BUILD").write_text(plugin_build(package if top else ""))
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "generated"]):
        subprocess.run([*git, *cmd], cwd=root, check=True)
