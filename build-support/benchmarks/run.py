#!/usr/bin/env python3
"""Benchmarks: the CI critical path side by side, on this suite and at the user's scale.

    python3 build-support/benchmarks/run.py               # this repository's suite, to docs/
    python3 build-support/benchmarks/run.py --user-scale  # to docs/user-scale/ (< 75 min)
    python3 build-support/benchmarks/run.py --quick       # a few minutes: every code path, once

Runs everything in throwaway checkouts under a temp directory (never in this working tree). The
scenarios are described once, in README.md's Benchmarks section; each report's rows say what they
ran. --user-scale and --quick measure a generated workspace (synthetic.py) whose lane mix and
durations come from the JUnit reports of a `pants test ::` of this repo (--profile-from): sized
to --user-seconds of tests at full durations, or 12 files at a twentieth of them, plus the modes
on one integration file of this repo. Writes benchmarks.md and benchmarks.png (docs/ by default;
--out elsewhere), re-running itself in a venv of its own (matplotlib) under ~/.cache/catalog-bench/.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [
    str(HERE),
    str(HERE.parents[1] / "orchestration" / "src"),
    str(HERE.parents[1] / "pants-plugins"),
]

import bench_report as report  # noqa: E402
import readme_headline  # noqa: E402
import replay_report  # noqa: E402
from ci_rows import LEVERS, REPO_LEVERS, USER_SCALE_LEVERS  # noqa: E402
from harness import (  # noqa: E402
    CACHE,
    REPO,
    cpu_check,
    elapsed_minutes,
    ensure_harness_venv,
    machine_info,
    progress,
)
from pants_runs import Stores  # noqa: E402
from real_suite import real_suite  # noqa: E402
from results import Results, guarded, unmeasured  # noqa: E402
from scenarios import modes  # noqa: E402
from synthetic import profile_from_reports, synthetic  # noqa: E402
from workspaces import (  # noqa: E402
    checkout,
    export_resolve,
    real_workspace,
    stop_pantsd,
    test_targets,
)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a small generated workspace and the modes, once each, outputs to a temp dir",
    )
    parser.add_argument(
        "--user-scale",
        action="store_true",
        help="one workspace at the user's scale, its headline rows and replay (no real suite)",
    )
    parser.add_argument("--reps", type=int, default=3, help="repetitions per scenario")
    parser.add_argument(
        "--user-seconds",
        type=float,
        default=270.0,
        help="--user-scale: the workspace's total test time at time-scale 1 (B0 adds start-up)",
    )
    parser.add_argument("--files", type=int, help="the generated workspace's test files instead")
    parser.add_argument("--replay-count", type=int, default=12, help="--user-scale: changes")
    parser.add_argument(
        "--profile-from",
        type=Path,
        default=REPO / "dist/test/reports",
        help="--user-scale, --quick: JUnit reports of this repo's `pants test ::`",
    )
    parser.add_argument(
        "--levers",
        default=None,
        help="P-ci again with each of these options flipped (comma-separated; '' for none)",
    )
    parser.add_argument("--lever-reps", type=int, help="repetitions per lever (default: --reps)")
    parser.add_argument("--out", type=Path, help="where benchmarks.md/.png go (default docs/)")
    parser.add_argument("--keep", action="store_true", help="keep the temp work directory")
    args = parser.parse_args(argv)
    # Synthetic test durations = the profile's x this: the quick run checks paths, not speed.
    args.time_scale = 1.0
    if args.quick:
        args.reps, args.files, args.replay_count, args.time_scale = 1, 12, 1, 0.05
        # No lever: a lever run is P-ci again with one option flipped, which CI's time budget
        # is better spent on elsewhere (the replay, the modes).
        args.levers = ""
    if args.levers is None:
        args.levers = ",".join(USER_SCALE_LEVERS if args.user_scale else REPO_LEVERS)
    args.lever_reps = args.lever_reps or args.reps
    args.levers = [name for name in args.levers.split(",") if name]
    unknown = set(args.levers) - {lever.name for lever in LEVERS}
    if unknown:
        parser.error(f"unknown levers {sorted(unknown)}; known: {[lv.name for lv in LEVERS]}")
    return args


def measure(args: argparse.Namespace, work: Path, results: Results) -> dict[str, str]:
    """Every scenario the arguments ask for, into results; returns the machine description."""
    checkout_a = work / "checkout-a"
    progress("checkout A: clone + uncommitted changes")
    checkout(checkout_a)
    try:
        progress("checkout A: reading the test targets (pants peek) and exporting the resolve")
        real = real_workspace(
            checkout_a, work, test_targets(checkout_a, work / "logs-real/peek.log")
        )
        export_python = export_resolve(checkout_a, work / "logs-real" / "export.log")
        stop_pantsd(checkout_a)  # setup only: the timed runs say whether they use pantsd
        machine = machine_info(export_python, checkout_a)
        progress("machine: " + "; ".join(f"{k}: {v}" for k, v in machine.items()))
        if args.quick or args.user_scale:
            profile = profile_from_reports(args.profile_from, real.lanes)
            guarded(
                results, "synthetic", lambda: synthetic(args, profile, work, results, export_python)
            )
        else:
            guarded(
                results,
                "real suite",
                lambda: real_suite(args, work, results, export_python, real),
            )
        if args.quick and real.lanes.get("integration"):
            # The integration-mode code path, on one integration file of the real suite.
            target = real.lanes["integration"][0]
            stores = Stores(CACHE / "store-quick", CACHE / "named-caches")
            logs = work / "logs-real"
            guarded(
                results,
                "modes",
                lambda: modes([target], real, stores, logs, 1, results, export_python),
            )
    finally:
        stop_pantsd(checkout_a)
    return machine


def write_outputs(
    args: argparse.Namespace, argv: Sequence[str], out: Path, results: Results, machine: dict
) -> None:
    """The terminal tables, then benchmarks.md and benchmarks.png in out."""
    if results.closing:
        results.sections.append(
            ("Missed targets: what would close them", "\n\n".join(results.closing))
        )
    title = "Benchmarks: the CI critical path side by side" + (
        " (QUICK MODE)" if args.quick else " at the user's scale" if args.user_scale else ""
    )
    print()
    print(
        report.markdown_table(
            report.HEADLINE_HEADER, report.headline_rows(results.rows, results.baseline)
        )
    )
    out.mkdir(parents=True, exist_ok=True)
    report.write_chart(
        out / "benchmarks.png",
        results.rows,
        results.baseline,
        "User-scale workspace" if args.user_scale else "Quick" if args.quick else "This suite",
        f"{machine['CPU']}, {machine['Cores (os.cpu_count)']} cores, {machine['Date']}",
    )
    machine["Load average at end (1/5/15 min)"] = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    machine["CPU check at end (a fixed Python loop, best of 5)"] = cpu_check()
    machine["Harness wall time"] = f"{elapsed_minutes():.1f} min"
    (out / "benchmarks.md").write_text(
        report.markdown(
            title=title,
            command="python3 build-support/benchmarks/run.py " + shlex.join(argv),
            machine=machine,
            headline=results.rows,
            baseline=results.baseline,
            sections=results.sections,
            chart="benchmarks.png",
            # This suite's report opens with the user-scale headline (readme_headline.py).
            lead="" if args.quick or args.user_scale else readme_headline.LEAD_SLOT,
        )
    )
    if results.replays and results.baseline:
        replay_report.write_replay_chart(
            out / replay_report.CHART, results.replays, results.baseline, results.replay_limits
        )
    progress(f"wrote {out / 'benchmarks.md'} and the charts")


def main(argv: Sequence[str]) -> int:
    ensure_harness_venv(Path(__file__), argv)
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="catalog-bench-"))
    work.chmod(0o755)  # the embedded clusters run as the postgres OS user and live below it
    # The user-scale report goes beside the committed one until the two are merged into one.
    default_out = REPO / "docs" / ("user-scale" if args.user_scale else "")
    out = args.out or (work / "out" if args.quick else default_out)
    progress(f"work directory {work}; results to {out}")
    results = Results(user_scale=args.user_scale)
    try:
        machine = measure(args, work, results)
        write_outputs(args, argv, out, results, machine)
        if args.quick and unmeasured(results):
            # Quick mode exists to prove every code path still runs: a broken one fails it.
            progress("quick mode FAILED: " + "; ".join(unmeasured(results)))
            return 1
        if out == default_out:
            # README and this suite's report quote the committed reports, never typed numbers.
            return readme_headline.main([])
    finally:
        if args.keep:
            progress(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
