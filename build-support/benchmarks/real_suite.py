"""This repository's own suite: B0, B1, P-cold, P-warm, then the other scenarios."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import bench_report as report
import benchstats
import workspace_gen as gen
from analysis import cold_closing, pants_breakdown
from baselines import B1Run, run_b0, run_b1
from ci_rows import ColdCi, Layout, ci_baselines, lever_section
from harness import Timed, fresh, progress, repeat
from pants_runs import PantsRun, Stores, pants_test
from results import Results, guarded
from scenarios import filled_remote_cache, modes, one_change, remote, replay, startup_profile
from workspaces import Workspace, env_groups, real_workspace, stop_pantsd

from testlanes_report.junit import read_report


def real_suite(
    args: argparse.Namespace,
    work: Path,
    results: Results,
    export_python: Path,
    checkout_a: Path,
    lanes: dict[str, list[str]],
) -> None:
    reps = args.reps
    cores = os.cpu_count() or 1
    logs = work / "logs-real"
    ws = real_workspace(checkout_a, work, lanes, args.change_file)
    # Plain pytest runs a process per suite: the variables the BUILD files give each directory.
    ws.groups = env_groups(checkout_a, ws.files())
    extra_tests = sorted({f for files in lanes.values() for f in files} - set(ws.files()))
    scenarios = args.scenarios

    # B0 also yields the per-test durations the synthetic workspaces are drawn from.
    b0, failed = repeat(
        "B0 (serial pytest + cov)", reps, lambda r: run_b0(ws, export_python, logs, r)
    )
    results.baseline = b0.median
    results.add("B0", f"serial pytest --cov, {len(ws.files())} files", b0, failed)
    lane_of = {f: lane for lane, files in ws.lanes.items() for f in files}
    tests = [
        (result.file, result.seconds)
        for rep_xml in sorted(logs.glob(f"b0-{reps}-*.xml"))
        for result in read_report(rep_xml)
    ]
    results.profile = gen.profile_from_tests(tests, lane_of)

    b1_runs: list[B1Run] = []

    def b1(rep: int) -> Timed:
        run = run_b1(ws, export_python, logs, rep, workers=cores)
        b1_runs.append(run)
        return run.total

    b1s, failed = repeat("B1 (xdist unit+contract || serial integration, combine)", reps, b1)
    results.add(
        "B1", f"xdist -n {cores} fast lane || serial integration lane + combine", b1s, failed
    )
    results.sections.append(
        (
            "B1: where the time goes (per repetition)",
            report.markdown_table(
                [
                    "Rep",
                    "unit+contract lane s",
                    "integration lane s",
                    "combine + gate s",
                    "critical path s",
                ],
                [
                    [
                        str(i),
                        f"{r.fast:.1f}",
                        f"{r.integration:.1f}",
                        f"{r.combine:.2f}",
                        f"{r.total.seconds:.1f}",
                    ]
                    for i, r in enumerate(b1_runs, 1)
                ],
            ),
        )
    )

    b0ci = b1ci = None
    p_ci: Layout | None = None
    levers: list[Layout] = []
    if "ci" in scenarios:
        done = ci_baselines(ws, export_python, work, logs, reps, cores, results)
        b0ci, b1ci = done["B0-ci"][0], done["B1-ci"][0]

    stores = Stores(work / "store-a", work / "named-a")
    cold_runs: list[PantsRun] = []

    def cold(rep: int) -> Timed:
        fresh(stores.store), fresh(stores.named), fresh(ws.pg_cache)
        run = pants_test(ws, stores, logs / f"p-cold-{rep}.log", pantsd=False)
        cold_runs.append(run)
        return run.timed

    if "cold" in scenarios:
        s, failed = repeat(
            "P-cold (no pantsd, empty store, named caches and template cache)", reps, cold
        )
        # Nothing warm against a CI job's plain pytest (its venv from a warm pip cache).
        versus = b0ci or b0
        ratio_verdict = benchstats.at_most(s.median, versus.median, unit=" s")
        verdict = benchstats.Verdict(
            ratio_verdict.met, f"vs {'B0-ci' if b0ci else 'B0'} {ratio_verdict.text}"
        )
        results.add(
            "P-cold",
            "pants test :: from empty caches, no pantsd",
            s,
            failed,
            verdict=verdict,
            note=f"also runs {len(extra_tests)} test files outside backend/tests"
            if extra_tests
            else "",
        )
        results.sections.append(
            (
                "P-cold: where the time goes",
                pants_breakdown("P-cold", cold_runs[-1], s.median, cores),
            )
        )

        def warm_local(rep: int) -> Timed:
            return pants_test(ws, stores, logs / f"p-warm-local-{rep}.log", pantsd=False).timed

        s, failed = repeat("P-warm, no pantsd (cached locally)", reps, warm_local)
        results.add("P-warm-local", "nothing changed, no pantsd: local cache hits", s, failed)
        results.startup = s.median
        startup_profile(ws, stores, logs, reps, results)
        cold_last = cold_runs[-1].ran()
        results.process_overhead = benchstats.overhead_per_process(
            [p.seconds for p in cold_last], [cold_runs[-1].test_seconds_of(p) for p in cold_last]
        )
        if not ratio_verdict.met:
            results.closing.append(
                cold_closing(
                    "P-cold",
                    cold_last,
                    cores,
                    results.startup,
                    results.process_overhead,
                    b0.median,
                    ("B0-ci" if b0ci else "B0", versus.median),
                    results.startup_stage,
                )
            )
        if "ci" in scenarios:  # after P-warm-local: its closing note uses Pants' start-up
            cold_ci = ColdCi(ws, work, stores.named, logs, reps)
            p_ci = cold_ci.row(results, b1ci)
            levers = cold_ci.levers(p_ci, args.levers, args.lever_reps)
        progress("P-warm: priming pantsd (not timed)")
        pants_test(ws, stores, logs / "p-warm-prime.log", pantsd=True)
        warm_runs: list[PantsRun] = []

        def warm(rep: int) -> Timed:
            run = pants_test(ws, stores, logs / f"p-warm-{rep}.log", pantsd=True)
            warm_runs.append(run)
            return run.timed

        s, failed = repeat("P-warm (pantsd warm, memoized)", reps, warm)
        results.warm = s.median
        sources = sorted({p.source for p in warm_runs[-1].processes})
        results.add(
            "P-warm",
            "nothing changed, pantsd warm",
            s,
            failed,
            verdict=benchstats.at_most(s.median / b0.median, 0.05),
            note="results: " + ", ".join(sources),
        )

    if "one-change" in scenarios:
        guarded(
            results, "P-one-change", lambda: one_change(ws, stores, logs, reps, results, b0.median)
        )
    if "modes" in scenarios:
        guarded(
            results, "modes", lambda: modes(args, ws, stores, logs, reps, results, export_python)
        )
    if scenarios & {"remote", "replay"}:
        guarded(
            results,
            "P-remote",
            lambda: remote_and_replay(args, ws, work, logs, results, b0.median, stores.named),
        )
    if p_ci and levers:  # after the replay: its changes give each layout's precision
        results.sections.append(lever_section(p_ci, levers, results.replays, args.lever_reps))
    stop_pantsd(ws.root)


def remote_and_replay(
    args: argparse.Namespace,
    ws: Workspace,
    work: Path,
    logs: Path,
    results: Results,
    b0: float,
    named: Path,
) -> None:
    """P-remote and the pull-request replay, both against one remote cache filled as main."""
    with filled_remote_cache(ws, work, logs) as server:
        if "remote" in args.scenarios:
            remote(ws, work, logs, args.reps, results, b0, server)
        if "replay" in args.scenarios:
            ColdCi(ws, work, named, logs, 1).ensure_warm()
            replay(ws, work, logs, results, b0, server, named, args.replay_files)
