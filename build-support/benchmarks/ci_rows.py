"""The CI critical path as users pay it: B0-ci and B1-ci create their venv from a warm pip cache
inside the timed run, as a CI job does; P-ci is a fresh clone with the caches pr.yml restores
(launcher and named caches), an empty local store, no remote cache and no daemon. Levers are
P-ci again with one Pants option flipped, to keep what pays and drop what does not."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import bench_report as report
import benchstats
from analysis import cold_closing
from baselines import ci_venv, frozen_requirements, run_b0, run_b1, with_ci_venv
from harness import CORES, REPO, Timed, interleave, must, progress, repeat
from pants_runs import PantsRun, clone_run
from replay import Replay, precision_with
from results import Results
from workspaces import Workspace

from lane_guard.lanes_toml import LANES_FILE, load_lanes


@dataclass(frozen=True)
class Lever:
    name: str
    what: str
    args: tuple[str, ...] = ()  # added to P-ci's `pants test ::`
    # (glob, regex, replacement) in P-ci's clone: every file the glob names must match.
    edits: tuple[tuple[str, str, str], ...] = ()

    def apply(self, clone: Path) -> None:
        for pattern, regex, replacement in self.edits:
            paths = sorted(clone.glob(pattern))
            if not paths:
                raise ValueError(f"lever {self.name}: no file matches {pattern} (update LEVERS)")
            for path in paths:
                content, n = re.subn(regex, replacement, path.read_text())
                if not n:
                    rel = path.relative_to(clone)
                    raise ValueError(f"lever {self.name}: {rel} has no {regex!r} (update LEVERS)")
                path.write_text(content)


# What the lanes leave unloaded (lanes.toml's disable_plugins): one `-p` each loads it again.
_DISABLED_PLUGINS = sorted(
    {name for lane in load_lanes(REPO / LANES_FILE).lanes for name in lane.disable_plugins}
)

# What the cold profile showed (docs/benchmarks.md, "P-cold: where the time goes").
LEVERS = (
    Lever(
        "entire-lockfile",
        "one requirements pex for every test process (pants.ci.toml sets it: flipped off here)",
        ("--no-python-run-against-entire-lockfile",),
    ),
    Lever(
        "all-plugins",
        "every installed pytest plugin loaded by every test process (lanes.toml's "
        "disable_plugins undone)",
        ("--pytest-args=" + " ".join(f"-p {name}" for name in _DISABLED_PLUGINS),),
    ),
    Lever(
        "one-process-per-core",
        f"Pants' default, {CORES} processes at once on {CORES} cores (pants.ci.toml sets 3, "
        "cores + 1 on CI's 2 cores, as B1 runs two xdist workers beside the serial integration "
        "lane: flipped back here)",
        (f"--process-execution-local-parallelism={CORES}",),
    ),
    Lever(
        "batch-size-8",
        "at most 8 files per test process (more processes, fewer unrelated reruns)",
        ("--test-batch-size=8",),
    ),
    Lever(
        "lane-batches",
        "one batch per lane and suite: the catalog's storage, search-contract and inventory "
        "unit tests merged back into their lane's batch (the BUILD files split them by what "
        "they import)",
        edits=(
            ("backend/tests/integration/BUILD", 'batch="catalog-storage"', 'batch="integration"'),
            ("backend/tests/contract/BUILD", 'batch="contract-search"', 'batch="contract"'),
            ("backend/tests/inventory_tests/unit/BUILD", 'batch="inventory-unit"', 'batch="unit"'),
        ),
    ),
    Lever(
        "lane-batches-synthetic",
        "one batch per lane: a generated workspace's feature areas merged back into their "
        "lane's batch (their BUILD files give each area its own)",
        edits=(("tests/*/area_*/BUILD", r"batch_compatibility_tag=\"[\w/]+\"", ""),),
    ),
)
# Each lever's edits name files of one kind of workspace: this repository's, or a generated one.
# entire-lockfile is measured at this suite's scale only: its cost does not grow with the tests.
REPO_LEVERS = (
    "entire-lockfile",
    "all-plugins",
    "one-process-per-core",
    "batch-size-8",
    "lane-batches",
)
USER_SCALE_LEVERS = (
    "all-plugins",
    "one-process-per-core",
    "batch-size-8",
    "lane-batches-synthetic",
)


@dataclass(frozen=True)
class Layout:
    """A P-ci measurement: its median and the batches its last run used."""

    name: str
    what: str
    summary: benchstats.Summary
    failed: int
    batches: tuple[frozenset[str], ...]


@dataclass(frozen=True)
class CiHeadline:
    """What the CI rows leave for the notes and the lever table written after them."""

    b1ci: benchstats.Summary
    p_ci: Layout
    p_ci_last: PantsRun
    backend: benchstats.Summary | None  # P-ci-backend, where P-ci runs more than B1-ci's tests
    levers: list[Layout]


def ci_headline(
    args: argparse.Namespace,
    ws: Workspace,
    named: Path,
    work: Path,
    logs: Path,
    results: Results,
    export_python: Path,
) -> CiHeadline:
    """B0-ci, B1-ci and P-ci interleaved (B0-ci, B1-ci, P-ci, B0-ci, ...); B0 and B1 are the pytest
    part of the first two's runs. Then P-ci-backend (this suite's P-ci also runs the tooling's
    tests) and P-ci again with each of args.levers, args.lever_reps times each."""
    plain: dict[str, list[Timed]] = {"B0": [], "B1": []}
    requirements = frozen_requirements(export_python, work / "ci-requirements.txt")
    progress("B0-ci/B1-ci: warming pip's cache (not timed)")
    must(ci_venv(requirements, work / "ci-venv-warm", logs / "ci-venv-warm.log"), "pip install")

    def ci_job(name: str, run: Callable[[Path, int], Timed]) -> Callable[[int], Timed]:
        """B0-ci or B1-ci: the venv made as a CI job makes it, then B0 or B1 (kept in plain)."""

        def once(rep: int) -> Timed:
            def pytest_part(python: Path) -> Timed:
                plain[name].append(run(python, rep))
                return plain[name][-1]

            venv = work / f"ci-venv-{name.lower()}-{rep}"
            return with_ci_venv(requirements, venv, logs / f"{venv.name}.log", pytest_part)

        return once

    cold_ci = ColdCi(ws, work, named, logs)
    cold_ci.ensure_warm()
    p_ci_runs: list[PantsRun] = []
    scenarios = {
        "B0-ci": ci_job("B0", lambda python, rep: run_b0(ws, python, logs, rep)),
        "B1-ci": ci_job("B1", lambda python, rep: run_b1(ws, python, logs, rep, CORES)),
        "P-ci": cold_ci.runner("P-ci", p_ci_runs),
    }
    done = interleave(scenarios, args.reps)
    for name, runs in plain.items():
        done[name] = (benchstats.summarize(r.seconds for r in runs), sum(not r.ok for r in runs))
        results.add(name, f"the pytest part of each {name}-ci run", *done[name])
    results.baseline = done["B0"][0].median
    results.add("B0-ci", "B0 with its venv made from a warm pip cache, as a CI job", *done["B0-ci"])
    results.add("B1-ci", "B1 with its venv made from a warm pip cache, as a CI job", *done["B1-ci"])
    b1ci, (summary, failed) = done["B1-ci"][0], done["P-ci"]
    verdict = benchstats.at_most(summary.median, b1ci.median, unit=" s")
    what = "fresh clone, restored launcher + named caches, empty store, no remote, no pantsd"
    results.add("P-ci", what, summary, failed, verdict)
    p_ci = Layout("as committed", "", summary, failed, tuple(p_ci_runs[-1].batches()))
    backend = None
    if ws.all_tests != frozenset(ws.files()):  # else P-ci-backend would be P-ci again
        backend, backend_failed, _ = cold_ci.measure("P-ci-backend", args.reps, backend_only=True)
        results.add(
            "P-ci-backend",
            f"P-ci over `{ws.test_root}::` only: the tests B1-ci runs",
            backend,
            backend_failed,
            benchstats.at_most(backend.median, b1ci.median, unit=" s"),
        )
    levers = []
    for lever in (lever for lever in LEVERS if lever.name in args.levers):
        s, n_failed, runs = cold_ci.measure(f"P-ci-{lever.name}", args.lever_reps, lever)
        levers.append(Layout(lever.name, lever.what, s, n_failed, tuple(runs[-1].batches())))
    return CiHeadline(b1ci, p_ci, p_ci_runs[-1], backend, levers)


@dataclass(frozen=True)
class ColdCi:
    """P-ci runs of one workspace: fresh clones sharing warm named caches."""

    ws: Workspace
    work: Path
    named: Path
    logs: Path

    def runner(
        self,
        label: str,
        runs: list[PantsRun],
        lever: Lever | None = None,
        *,
        backend_only: bool = False,
    ) -> Callable[[int], Timed]:
        """One repetition per call, its run appended to runs. backend_only: the tests B0 and B1
        run; coverage is measured as in P-ci (./pants leaves a subset ungated)."""
        targets = [f"{self.ws.test_root}::"] if backend_only else ["::"]

        def once(rep: int) -> Timed:
            run = clone_run(
                self.ws,
                self.work,
                self.named,
                self.logs / f"{label.lower()}-{rep}.log",
                targets=targets,
                extra_args=lever.args if lever else (),
                prepare=lever.apply if lever else None,
            )
            runs.append(run)
            return run.timed

        return once

    def measure(
        self, label: str, reps: int, lever: Lever | None = None, *, backend_only: bool = False
    ) -> tuple[benchstats.Summary, int, list[PantsRun]]:
        runs: list[PantsRun] = []
        once = self.runner(label, runs, lever, backend_only=backend_only)
        summary, failed = repeat(f"{label} (fresh clone, warm named caches)", reps, once)
        return summary, failed, runs

    def ensure_warm(self) -> None:
        """Named caches as a runner restores them from main: filled by one untimed run if empty."""
        if not self.named.exists() or not any(self.named.iterdir()):
            progress("filling the named caches as main's run would (not timed)")
            self.measure("P-ci-prime", 1)


def closing(results: Results, ci: CiHeadline) -> None:
    """The note on a P-ci that misses B1-ci: its processes on the cores, and Pants' start-up
    (results.startup: P-warm-local, or P-remote at the user's scale)."""
    summary, b1ci = ci.p_ci.summary, ci.b1ci
    if summary.median <= b1ci.median or not (results.startup and results.baseline):
        return
    note = cold_closing(
        "P-ci",
        ci.p_ci_last,
        results.startup,
        results.baseline,
        ("B1-ci", b1ci.median),
        results.startup_stage,
        source=results.startup_source,
    )
    if ci.backend is not None:
        note += (
            f" Over the tests B1-ci runs and nothing else (P-ci-backend) the same cold "
            f"run took {ci.backend.median:.1f} s: the rest of P-ci is the orchestration's "
            f"and the tooling's own tests, which B1 does not run."
        )
    results.closing.append(note)


def lever_section(
    committed: Layout, levers: Sequence[Layout], replays: Sequence[Replay], reps: int
) -> tuple[str, str]:
    """The levers' table: P-ci and the replay's precision had its changes met each layout."""

    def precision(layout: Layout) -> str:
        return f"{precision_with(layout.batches, replays):.2f}" if replays else "n/a"

    rows = [
        [
            lever.name,
            lever.what,
            f"{committed.summary.median:.1f}",
            f"{lever.summary.median:.1f}" + (f" ({lever.failed} failed)" if lever.failed else ""),
            f"{lever.summary.median - committed.summary.median:+.1f}",
            f"{len(committed.batches)} -> {len(lever.batches)}",
            f"{precision(committed)} -> {precision(lever)}",
        ]
        for lever in levers
    ]
    header = [
        "Lever",
        "What",
        "P-ci as committed s",
        "With it s",
        "Change s",
        "Test processes",
        "Replay precision",
    ]
    return (
        "Levers on the cold CI run (P-ci, one option at a time)",
        f"Medians of {reps} (P-ci as committed: of its own repetitions); each row flips one "
        f"option against the repository as committed. "
        f"Replay precision: the pull-request replay's changes met with each run's batches "
        f"(a batch reruns as a whole when one of its files depends on the change).\n\n"
        + report.markdown_table(header, rows),
    )
