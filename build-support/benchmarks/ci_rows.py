"""The CI critical path as users pay it: B0-ci and B1-ci create their venv from a warm pip cache
inside the timed run, as a CI job does; P-ci is a fresh clone with the caches pr.yml restores
(launcher and named caches), an empty local store, no remote cache and no daemon. Levers are
P-ci again with one Pants option flipped, to keep what pays and drop what does not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bench_report as report
import benchstats
from baselines import ci_venv, frozen_requirements, run_b0, run_b1, with_ci_venv
from harness import Timed, must, progress, repeat
from pants_runs import PantsRun, clone_run
from results import Results
from workspaces import XDIST_REQUIREMENTS, Workspace


@dataclass(frozen=True)
class Lever:
    name: str
    what: str
    args: tuple[str, ...]  # added to P-ci's `pants test ::`


# What the cold profile showed (docs/benchmarks.md, "P-cold: where the time goes").
LEVERS = (
    Lever(
        "entire-lockfile",
        "one requirements pex for every test process (pants.ci.toml sets it: flipped off here)",
        ("--no-python-run-against-entire-lockfile",),
    ),
    Lever(
        "batch-size-8",
        "at most 8 files per test process (more processes, fewer unrelated reruns)",
        ("--test-batch-size=8",),
    ),
)


def ci_baselines(
    ws: Workspace,
    export_python: Path,
    work: Path,
    logs: Path,
    reps: int,
    cores: int,
    results: Results,
) -> tuple[benchstats.Summary, benchstats.Summary]:
    """B0-ci and B1-ci rows; their medians."""
    requirements = frozen_requirements(
        export_python, work / "ci-requirements.txt", XDIST_REQUIREMENTS
    )
    progress("B0-ci/B1-ci: warming pip's cache (not timed)")
    must(ci_venv(requirements, work / "ci-venv-warm", logs / "ci-venv-warm.log"), "pip install")

    def b0(rep: int) -> Timed:
        return with_ci_venv(
            requirements,
            work / f"ci-venv-b0-{rep}",
            logs / f"ci-venv-b0-{rep}.log",
            lambda python: run_b0(ws, python, logs, 100 + rep),
        )

    def b1(rep: int) -> Timed:
        return with_ci_venv(
            requirements,
            work / f"ci-venv-b1-{rep}",
            logs / f"ci-venv-b1-{rep}.log",
            lambda python: run_b1(ws, python, logs, 100 + rep, workers=cores).total,
        )

    b0ci, failed = repeat("B0-ci (venv from a warm pip cache + serial pytest)", reps, b0)
    results.add("B0-ci", "B0 with its venv made from a warm pip cache, as a CI job", b0ci, failed)
    b1ci, failed = repeat("B1-ci (venv from a warm pip cache + B1)", reps, b1)
    results.add("B1-ci", "B1 with its venv made from a warm pip cache, as a CI job", b1ci, failed)
    return b0ci, b1ci


@dataclass(frozen=True)
class ColdCi:
    """P-ci runs of one workspace: fresh clones sharing warm named caches."""

    ws: Workspace
    work: Path
    named: Path
    logs: Path
    reps: int

    def measure(
        self, label: str = "P-ci", args: Sequence[str] = ()
    ) -> tuple[benchstats.Summary, int, list[PantsRun]]:
        runs: list[PantsRun] = []

        def once(rep: int) -> Timed:
            log = self.logs / f"{label.lower()}-{rep}.log"
            runs.append(clone_run(self.ws, self.work, self.named, log, extra_args=args))
            return runs[-1].timed

        summary, failed = repeat(f"{label} (fresh clone, warm named caches)", self.reps, once)
        return summary, failed, runs

    def ensure_warm(self) -> None:
        """Named caches as a runner restores them from main: filled by one untimed run if empty."""
        if not self.named.exists() or not any(self.named.iterdir()):
            progress("filling the named caches as main's run would (not timed)")
            ColdCi(self.ws, self.work, self.named, self.logs, 1).measure("P-ci-prime")

    def row(self, results: Results, b1ci: benchstats.Summary | None) -> float:
        """The P-ci row; its median (what the levers are measured against)."""
        self.ensure_warm()
        summary, failed, _ = self.measure()
        verdict = benchstats.at_most(summary.median, b1ci.median, unit=" s") if b1ci else None
        results.add(
            "P-ci",
            "fresh clone, restored launcher + named caches, empty store, no remote, no pantsd",
            summary,
            failed,
            verdict,
        )
        return summary.median

    def levers(self, results: Results, p_ci_median: float, chosen: Sequence[str]) -> None:
        """A row per lever: P-ci with the lever's option, against P-ci as committed."""
        rows = []
        for lever in (lever for lever in LEVERS if lever.name in chosen):
            summary, failed, runs = self.measure(f"P-ci-{lever.name}", lever.args)
            rows.append(
                [
                    lever.name,
                    lever.what,
                    f"{p_ci_median:.1f}",
                    f"{summary.median:.1f}" + (f" ({failed} failed)" if failed else ""),
                    f"{summary.median - p_ci_median:+.1f}",
                    str(len(runs[-1].processes)),
                ]
            )
        if rows:
            header = ["Lever", "What", "P-ci as committed s", "With it s", "Change s", "Processes"]
            results.sections.append(
                (
                    "Levers on the cold CI run (P-ci, one option at a time)",
                    f"Medians of {self.reps}; each row flips one option against pants.ci.toml "
                    f"as committed.\n\n" + report.markdown_table(header, rows),
                )
            )
