"""The replay's table, verdict and chart (pure except write_replay_chart)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import bench_report as report
import benchstats
from replay import Distribution, Replay

CHART = "benchmarks-replay.png"
MEDIAN_TARGET, P90_TARGET, PRECISION_TARGET = 0.25, 0.5, 0.8


def verdict(dist: Distribution) -> benchstats.Verdict:
    checks = {
        "median": benchstats.at_most(dist.median, MEDIAN_TARGET),
        "p90": benchstats.at_most(dist.p90, P90_TARGET),
        "precision": benchstats.at_least(dist.precision, PRECISION_TARGET),
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
    ]
    return report.markdown_table(header, rows)


def section(replays: Sequence[Replay], b0: float) -> str:
    dist = Distribution.of(replays, b0)
    return (
        f"{len(replays)} one-line changes, each committed on a fresh clone and run as pr.yml runs "
        f"a pull request (remote cache warm from main, read-only; named caches restored; empty "
        f"local store; no daemon). Median {dist.median:.3f} x B0, 90th percentile "
        f"{dist.p90:.3f} x B0, worst {dist.worst:.3f} x B0 (`{dist.worst_file}`); precision "
        f"over all replays {dist.precision:.2f} (dependent files rerun / files rerun).\n\n"
        f"![replay]({CHART})\n\n{table(replays, b0)}"
    )


def write_replay_chart(path: Path, replays: Sequence[Replay], b0: float) -> None:
    """One bar per changed file (x B0, sorted), the targets as lines, precision as colour."""
    import matplotlib  # pants: no-infer-dep (the harness venv has it, the resolve does not)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pants: no-infer-dep

    ordered = sorted(replays, key=lambda r: r.seconds)
    fig, ax = plt.subplots(figsize=(13, 5.2))
    colors = ["#2e8b57" if r.precision >= PRECISION_TARGET else "#c0392b" for r in ordered]
    ax.bar(range(len(ordered)), [r.seconds / b0 for r in ordered], color=colors)
    ax.axhline(MEDIAN_TARGET, color="#555555", linestyle="--", label="median target 0.25")
    ax.axhline(P90_TARGET, color="#999999", linestyle=":", label="90th percentile target 0.5")
    ax.set_xticks(range(len(ordered)))
    ax.set_xticklabels([Path(r.file).name for r in ordered], rotation=60, ha="right", fontsize=7)
    ax.set_ylabel("wall time x B0")
    ax.set_title("Pull-request replay: one-line change per file (red: precision < 0.8)")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
