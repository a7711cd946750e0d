"""The replay's table, verdict and chart (pure except write_replay_chart)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import bench_report as report
import benchstats
from harness import CORES
from replay import Distribution, Replay

CHART = "benchmarks-replay.png"


class Limits(NamedTuple):
    median: float  # x B0
    p90: float  # x B0
    precision: float

    @property
    def target(self) -> str:
        return f"median <= {self.median}, p90 <= {self.p90}, precision >= {self.precision}"


# This repository's suite; the user's scale (issue 23), where a PR must cost far less of B0.
REAL, USER_SCALE = Limits(0.25, 0.5, 0.8), Limits(0.15, 0.35, 0.9)


def verdict(dist: Distribution, limits: Limits = REAL) -> benchstats.Verdict:
    checks = {
        "median": benchstats.at_most(dist.median, limits.median),
        "p90": benchstats.at_most(dist.p90, limits.p90),
        "precision": benchstats.at_least(dist.precision, limits.precision),
    }
    return benchstats.Verdict(
        all(v.met for v in checks.values()),
        "; ".join(f"{name} {v.text}" for name, v in checks.items()),
    )


def table(replays: Sequence[Replay], b0: float) -> str:
    rows = [
        [
            f"`{r.file}`",
            f"{r.seconds:.1f}" + ("" if r.ok else " (failed)"),
            f"{r.seconds / b0:.3f}",
            f"{r.processes_rerun}/{r.processes}",
            str(len(r.rerun)),
            str(len(r.rerun & r.dependents)),
            str(len(r.dependents)),
            f"{r.precision:.2f}",
            str(len(r.missed)) if r.missed else "",
            _changed_since(r, b0),
        ]
        for r in sorted(replays, key=lambda r: r.seconds)
    ]
    header = [
        "Changed file",
        "Wall s",
        "x B0",
        "Processes rerun",
        "Files rerun",
        "of them dependent",
        "Dependents",
        "Precision",
        "Dependents from cache (wrong)",
        "--changed-since, no remote cache: s (x B0)",
    ]
    return report.markdown_table(header, rows)


def _changed_since(r: Replay, b0: float) -> str:
    if r.changed_since is None:
        return ""
    failed = "" if r.changed_since_ok else " (failed)"
    return f"{r.changed_since:.1f} ({r.changed_since / b0:.3f}){failed}"


def changed_since_summary(replays: Sequence[Replay], b0: float) -> str:
    """The same changes without the remote cache: its median, and what the cache buys over it."""
    runs = [r for r in replays if r.changed_since is not None]
    if not runs:
        return ""
    median = benchstats.summarize([r.changed_since or 0.0 for r in runs]).median
    remote = benchstats.summarize([r.seconds for r in runs]).median
    return (
        f" The same changes run as `pants test` with `--changed-since=HEAD~1 "
        f"--changed-dependents=transitive` and no remote cache (fresh clone, named caches "
        f"restored, empty local store, coverage gate off): median {median:.1f} s = "
        f"{median / b0:.3f} x B0, against {remote:.1f} s with the remote cache."
    )


def section(replays: Sequence[Replay], b0: float) -> str:
    dist = Distribution.of(replays, b0)
    return (
        f"{len(replays)} one-line changes, each committed on a fresh clone and run as pr.yml runs "
        f"a pull request (remote cache warm from main, read-only; named caches restored; empty "
        f"local store; no daemon). Median {dist.median:.3f} x B0, 90th percentile "
        f"{dist.p90:.3f} x B0, worst {dist.worst:.3f} x B0 (`{dist.worst_file}`); precision "
        f"over all replays {dist.precision:.2f} (dependent files rerun / files rerun)."
        f"{changed_since_summary(replays, b0)}\n\n"
        f"![replay]({CHART})\n\n{table(replays, b0)}"
    )


def closing(replays: Sequence[Replay], b0: float, limits: Limits = REAL) -> str:
    """Where a typical pull request's time goes, and what would bring it to the targets."""
    dist = Distribution.of(replays, b0)
    by_time = sorted(replays, key=lambda r: r.seconds)
    typical = min(by_time, key=lambda r: abs(r.seconds / b0 - dist.median))
    idle = [r for r in by_time if r.processes_rerun == 0]
    floor = (
        f"A pull request that reruns no test still costs {idle[0].seconds:.1f} s = "
        f"{idle[0].seconds / b0:.2f} x B0 (`{idle[0].file}`): Pants starting without a daemon, "
        f"reading every BUILD file, dependency inference and the remote cache's look-ups and "
        f"downloads, against a median target of {limits.median} x B0 = "
        f"{limits.median * b0:.1f} s. "
        if idle
        else "Every replayed change reran at least one test process. "
    )
    rerun = sum(len(r.rerun) for r in replays)
    unrelated = sum(len(r.rerun - r.dependents) for r in replays)
    # A changed test file is its own only dependent: its batch's other files rerun with it.
    own = [r for r in replays if r.dependents == {r.file}]
    from_tests = sum(len(r.rerun - r.dependents) for r in own)
    return (
        f"**replay.** {floor}The median pull request (`{typical.file}`, {typical.seconds:.1f} s) "
        f"reran {typical.processes_rerun} of {typical.processes} test processes "
        f"({len(typical.rerun)} files, {len(typical.rerun & typical.dependents)} of them "
        f"dependent; {typical.rerun_seconds:.1f} s of process time). Over all replays "
        f"{unrelated} of {rerun} files rerun did not depend on the change (precision "
        f"{dist.precision:.2f}); {from_tests} of them came from changed test files ({len(own)} "
        f"of the {len(replays)} changes), each rerunning its whole batch (Pants caches a batch's "
        f"result as one), so "
        f"with changes drawn mostly from test files precision nears 0.9 only with about one "
        f"file per process, whose start-up the batch-size levers price. What would close it: "
        f"start-up paid once instead of per pull request (a daemon survives only on a "
        f"self-hosted runner; Pants after 2.17 starts faster), fewer files per rerun (batches "
        f"that follow what the tests import: the lane-batches levers show what such a split "
        f"buys), and for changes everything depends on (the orchestration, lanes.toml), more "
        f"cores or remote execution: they cost the whole suite's process time on "
        f"{CORES} cores."
    )


def write_replay_chart(
    path: Path, replays: Sequence[Replay], b0: float, limits: Limits = REAL
) -> None:
    """One bar per changed file (x B0, sorted), the targets as lines, precision as colour."""
    import matplotlib  # pants: no-infer-dep (the harness venv has it, the resolve does not)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pants: no-infer-dep

    ordered = sorted(replays, key=lambda r: r.seconds)
    fig, ax = plt.subplots(figsize=(13, 5.2))
    colors = ["#2e8b57" if r.precision >= limits.precision else "#c0392b" for r in ordered]
    ax.bar(range(len(ordered)), [r.seconds / b0 for r in ordered], color=colors)
    ax.axhline(limits.median, color="#555555", linestyle="--", label=f"median {limits.median}")
    ax.axhline(limits.p90, color="#999999", linestyle=":", label=f"90th percentile {limits.p90}")
    ax.set_xticks(range(len(ordered)))
    ax.set_xticklabels([Path(r.file).name for r in ordered], rotation=60, ha="right", fontsize=7)
    ax.set_ylabel("wall time x B0")
    ax.set_title(
        f"Pull-request replay: one-line change per file (red: precision < {limits.precision})"
    )
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
