"""The plan of a synthetic Pants workspace shaped like this repo's suite, for the benchmarks.

A profile (per real test file: its lane and per-test durations, read from JUnit reports) is
sampled into N synthetic test files. Each synthetic test burns CPU (and, in the integration lane,
also waits, as a test waiting on PostgreSQL does) for the real test's duration times a scale.

The import graph is a service's layers with fan-in (`Layout`): a few hub modules (models,
settings) that many tests reach, a middle layer (services) that imports two hubs each, and many
leaves (endpoints) that import one middle module each; every test file imports one leaf. Tests are
laid out as a service's are, one directory per feature area inside each lane, about
FILES_PER_AREA test files each, and each directory is its own batch (as this repo's BUILD files
split a lane by what its tests import, into batches of 2 to 19 files).

All pure; `workspace_files` renders a plan into files.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench_report import markdown_table

from lane_guard.lanes_toml import LANES_FILE, load_lanes

LANES: tuple[str, ...] = load_lanes(Path(__file__).resolve().parents[2] / LANES_FILE).names
# Fraction of a test's time that is CPU: integration tests mostly wait on the database server.
CPU_SHARE: Mapping[str, float] = {"unit": 1.0, "contract": 1.0, "integration": 0.5}
# The layers (see Layout): test files per module, and one hub / one middle module per so many.
FILES_PER_MODULE = 5
MODULES_PER_HUB = 20
MODULES_PER_MIDDLE = 5
# A feature area's test files: a service's test directory, and so one batch's size, whatever the
# suite's size or its tests' durations (areas per hub made batches of 25-77 files at 260 files).
FILES_PER_AREA = 12


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

    def areas_for(self, lane_files: int) -> int:
        """How many feature areas a lane of lane_files test files has: about FILES_PER_AREA files
        each, a multiple of H (so an area's middle modules all import the same two hubs) and at
        most one per middle module (more would leave areas empty)."""
        wanted = self.hubs * max(1, round(lane_files / (self.hubs * FILES_PER_AREA)))
        most = max(self.hubs, self.middles - self.middles % self.hubs)
        return min(wanted, most)

    def area_of_test(self, index: int, areas: int) -> int:
        """The feature area of test file index, in a lane of `areas` areas: its leaf's middle
        module mod areas. Middle j imports hubs j and j + 1 (mod H) and areas is a multiple of H,
        so an area's tests share their hubs and a hub reaches whole areas: batches per area rerun
        together what a change reaches together."""
        leaf = self.leaf_of_test(index) - self.hubs - self.middles
        return (leaf % self.middles) % areas


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
    index: int  # its place in the plan, which names it and picks its leaf and area
    lane: str
    source: str
    durations: tuple[float, ...]
    module: int
    area: int  # its feature area in its lane (Layout.area_of_test): a directory and a batch

    @property
    def seconds(self) -> float:
        return sum(self.durations)

    @property
    def area_name(self) -> str:
        return f"area_{self.area}"

    @property
    def directory(self) -> str:
        return f"tests/{self.lane}/{self.area_name}"

    @property
    def path(self) -> str:
        return f"{self.directory}/test_{self.lane}_{self.index:04d}.py"

    @property
    def batch(self) -> str:
        """Its batch_compatibility_tag: lane/area, as `batch=` in this repository's macros."""
        return f"{self.lane}/{self.area_name}"


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
        areas = layout.areas_for(count)
        for source in order[:count]:
            index = len(files)
            files.append(
                SyntheticFile(
                    index=index,
                    lane=lane,
                    source=source.source,
                    durations=tuple(round(d * time_scale, 4) for d in source.durations) or (0.0,),
                    module=layout.leaf_of_test(index),
                    area=layout.area_of_test(index, areas),
                )
            )
    return files


def describe(plan: Sequence[SyntheticFile]) -> str:
    """The workspace as the report states it: the generator's rule, then per lane its files, test
    seconds and feature areas (each area one batch) with the smallest and largest."""
    layout = Layout.for_files(len(plan))
    cells: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for f in plan:
        cells[f.lane][f.area_name].append(f.seconds)
    rows = []
    for lane in (lane for lane in LANES if lane in cells):
        areas = cells[lane].values()
        files = sorted(len(a) for a in areas)
        seconds = sorted(sum(a) for a in areas)
        rows.append(
            [
                lane,
                str(sum(files)),
                f"{sum(seconds):.1f}",
                str(len(files)),
                f"{files[0]}-{files[-1]}",
                f"{seconds[0]:.1f}-{seconds[-1]:.1f}",
            ]
        )
    header = ["Lane", "Files", "Test s", "Areas (batches)", "Files per area", "Test s per area"]
    return (
        f"{len(plan)} test files drawn from this repository's suite (its lane mix; each real "
        f"file used once before any is used again; each synthetic test takes its real test's "
        f"time, integration tests {1 - CPU_SHARE['integration']:.0%} of it waiting on their "
        f"PostgreSQL). Import graph: "
        f"{layout.hubs} hub modules, {layout.middles} middle modules each importing two hubs, "
        f"{layout.leaves} leaves each importing one middle module; test file i imports leaf "
        f"(i mod {layout.leaves}). Each lane's tests sit in feature areas of about "
        f"{FILES_PER_AREA} files, area = the leaf's middle module mod the lane's areas (a "
        f"multiple of {layout.hubs}), so a hub change reaches whole areas; each area is one batch "
        f"(`batch_compatibility_tag` lane/area).\n\n" + markdown_table(header, rows)
    )
