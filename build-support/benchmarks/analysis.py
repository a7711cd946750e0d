"""Where the time goes: breakdowns of Pants runs, and what would close a missed target."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass

import bench_report as report
import benchstats
from harness import CORES, REPO
from pants_runs import PantsRun

# The most test processes Pants runs at once in every timed run (pants_env sets pants.ci.toml; a
# process's wall time includes waiting for a core when this exceeds them).
PARALLELISM: int = tomllib.loads((REPO / "pants.ci.toml").read_text())["GLOBAL"][
    "process_execution_local_parallelism"
]


def slowest_processes(run: PantsRun, limit: int = 12) -> str:
    rows = [
        [
            p.first_address + (f" +{p.files - 1} files" if p.files > 1 else ""),
            p.source,
            f"{p.seconds:.2f}",
            f"{run.test_seconds_of(p):.2f}",
            f"{p.seconds - run.test_seconds_of(p):.2f}",
        ]
        for p in sorted(run.processes, key=lambda p: -p.seconds)[:limit]
    ]
    header = [
        "Test process (first file)",
        "Source",
        "Process s",
        "Tests s (JUnit)",
        "Outside tests s",
    ]
    return report.markdown_table(header, rows)


def pants_breakdown(label: str, run: PantsRun, wall: float) -> str:
    ran = run.ran()
    process_total = sum(p.seconds for p in ran)
    tests_total = sum(run.test_seconds_of(p) for p in ran)
    files = [s for s, _ in run.junit.values()]
    bound = benchstats.lower_bound(files, CORES)
    lines = [
        f"{label}, last repetition: wall {wall:.1f} s; {len(run.processes)} test processes, "
        f"{len(ran)} ran, {sum(p.cached for p in run.processes)} from cache; "
        f"process time {process_total:.1f} s of which tests (JUnit) {tests_total:.1f} s; "
        f"mean outside-test time per process {run.overhead():.2f} s; "
        f"wall outside test processes (resolves, pex builds, scheduling, coverage report) "
        f"at most {max(0.0, wall - process_total / PARALLELISM):.1f} s ({PARALLELISM} processes "
        f"at most at once); "
        f"lower bound max(longest file, test time / {CORES} cores) = {bound:.1f} s.",
        "",
        slowest_processes(run),
    ]
    if run.stats:
        counters = [
            line.strip()
            for line in run.stats.splitlines()
            if re.search(
                r"(local_process_total_time_run_ms|local_execution_requests|"
                r"remote_cache_requests\w*|remote_cache_total_time\w*|local_cache_requests\w*|"
                r"remote_process_time_saved_ms|local_process_time_saved_ms)",
                line,
            )
        ]
        if counters:
            lines += ["", f"`--stats-log` counters ({label}):", "", "```", *counters[:20], "```"]
    return "\n".join(lines)


def cold_closing(
    label: str,
    run: PantsRun,
    startup: float,
    b0: float,
    target: tuple[str, float],
    stage: str = "",
    *,
    source: str = "P-warm-local",
) -> str:
    """Why a cold run (P-cold, P-ci) misses its target (name, seconds), e.g. ("B0-ci", 87.3);
    startup: the wall of a run whose results are all cached (source names it)."""
    ran = run.ran()
    process_total = sum(p.seconds for p in ran)
    floor = startup + process_total / PARALLELISM
    return (
        f"**{label}.** Its {len(ran)} test processes took {process_total:.1f} s, which "
        f"{PARALLELISM} at once (pants.ci.toml) cannot run in less than "
        f"{process_total / PARALLELISM:.1f} s, and Pants needs "
        f"{startup:.1f} s to start without a daemon and check its caches even when everything is "
        f"cached ({source}{'; ' + stage if stage else ''}): a floor of {floor:.1f} s = "
        f"{floor / b0:.2f} x B0 before any resolve or pex build, against its target "
        f"{target[0]} = {target[1]:.1f} s. What would close it: less start-up per test process "
        f"(a mean {run.overhead():.1f} s outside its tests, x {len(ran)} processes), more "
        f"cores (and more processes at once on them), or not running cold: CI keeps the local "
        f"store between runs and reads the remote cache (P-warm, P-remote)."
    )


def mode_closing(mode: str, run: PantsRun, wall: float, serial: benchstats.Summary) -> str:
    seconds = [p.seconds for p in run.ran()]
    balanced = benchstats.balanced_wall(seconds, CORES, wall)
    shown = ", ".join(f"{x:.1f} s" for x in sorted(seconds, reverse=True))
    return (
        f"**{mode} mode.** Its {len(seconds)} integration processes ({shown}) ran side by side "
        f"on {CORES} cores that the PostgreSQL server shares; serial mode runs the same work one "
        f"process at a time ({serial.median:.1f} s). Perfectly even batches would bring {mode} "
        f"to about {balanced:.1f} s = {balanced / serial.median:.2f} x serial; below that only "
        f"more cores, or more integration batches on more cores, help (each extra process adds "
        f"its start-up), since the work is CPU-bound."
    )


STARTUP_TITLE = "Pants start-up without a daemon: where the time goes"


@dataclass(frozen=True)
class Stage:
    label: str  # the goal, e.g. "--version"
    what: str  # what it adds to the stage before it
    median: float
    failed: int = 0


def startup_section(stages: Sequence[Stage], test_seconds: float, reps: int) -> tuple[str, str]:
    """The start-up table (stages, then `test ::` all cached), and its largest stage as a phrase."""
    rows, previous, largest = [], 0.0, ("", 0.0)
    for stage in stages:
        median = f"{stage.median:.1f}" + (f" ({stage.failed} failed)" if stage.failed else "")
        rows.append([stage.label, stage.what, median, f"{stage.median - previous:.1f}"])
        largest = max(largest, (stage.label, stage.median - previous), key=lambda x: x[1])
        previous = stage.median
    rest = test_seconds - previous
    rows.append(
        [
            "test :: (P-warm-local)",
            "+ per test: resolve, pex and venv digests, cache look-ups; coverage merge and reports",
            f"{test_seconds:.1f}",
            f"{rest:.1f}",
        ]
    )
    largest = max(largest, ("test ::", rest), key=lambda x: x[1])
    table = report.markdown_table(["./pants --no-pantsd ...", "Adds", "Median s", "Added s"], rows)
    text = (
        f"Everything cached locally, no daemon: how the {test_seconds:.1f} s of P-warm-local build "
        f"up, by goals that stop at successive stages (medians of {reps}).\n\n{table}"
    )
    see = STARTUP_TITLE.split(":")[0]
    phrase = f"the largest stage is `{largest[0]}` (+{largest[1]:.1f} s; see '{see}')"
    return text, phrase


def remote_closing(run: PantsRun, wall: float, version: float | None, b0: float) -> str:
    """Where P-remote's time goes beyond Pants' own start-up, when that misses 0.05 x B0."""
    ran = run.ran()
    start = f"{version:.1f} s of it is Pants starting (`--version`); " if version else ""
    rest = wall - (version or 0.0)
    return (
        f"**P-remote.** {100 * run.remote_fraction:.0f}% of the test results came from the remote "
        f"cache; the run took {wall:.1f} s: {start}the remaining {rest:.1f} s = "
        f"{rest / b0:.2f} x B0 are the rule graph, reading every BUILD file, dependency "
        f"inference, cache look-ups and downloads, {len(ran)} test processes that ran anyway "
        f"({sum(p.seconds for p in ran):.1f} s), and the coverage report. What would close it: "
        f"a daemon (P-warm), fewer, larger cache entries (fewer batches), or a Pants newer than "
        f"2.17 (the newest the package index serves). Not downloading the hits' outputs "
        f"(cache_content_behavior=validate) is not adopted: in 2.17 a cache that dies mid-run "
        f"then fails the build (pants.ci.toml)."
    )
