"""The scaling runs: B0, B1, P-cold and P-warm on generated workspaces of each size."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import bench_report as report
import benchstats
import workspace_files
import workspace_gen as gen
from baselines import run_b0, run_b1
from ci_rows import ColdCi, ci_baselines, closing, lever_section
from harness import CACHE, REPO, Timed, fresh, interleave, must, progress, repeat
from pants_runs import PantsRun, Stores, pants_test
from results import SCALE_HEADLINE, Results
from scenarios import filled_remote_cache, one_change, remote, replay, startup_profile
from workspaces import LANES, Workspace, group_by_env, stop_pantsd

from lane_guard.lanes_toml import load_lanes
from testlanes_report.junit import find_reports, read_reports


def scaling(args: argparse.Namespace, work: Path, results: Results, export_python: Path) -> None:
    """B0, B1, P-cold and P-warm on generated workspaces of each size."""
    if not results.profile:
        raise SystemExit("no test profile: the real-suite B0 (or --profile-from) must come first")
    if args.user_scale and not args.sizes:
        args.sizes = [gen.files_for(results.profile, args.user_seconds)]
        progress(f"user scale: {args.sizes[0]} files for about {args.user_seconds:.0f} s of tests")
    lanes = load_lanes(REPO / "lanes.toml")
    defaults = {lane: workspace_files.lane_defaults(lanes.lane(lane)) for lane in LANES}
    envs = {lane: workspace_files.lane_env(lanes.lane(lane)) for lane in LANES}
    real_toml = (REPO / "pants.toml").read_text()
    # Named caches (pex and pip downloads) persist across the scaling runs: the growth with the
    # suite is the point here; the real suite's P-cold measures a truly empty cache.
    named = CACHE / "named-caches"
    for n in args.sizes:
        scale_point(args, work, results, export_python, n, defaults, envs, real_toml, named)


def scale_point(
    args: argparse.Namespace,
    work: Path,
    results: Results,
    export_python: Path,
    n: int,
    defaults: Mapping[str, str],
    envs: Mapping[str, tuple[str, ...]],
    real_toml: str,
    named: Path,
) -> None:
    """One generated workspace of n test files: B0, B1, P-cold, P-warm; at the user's scale its
    headline rows instead (B0 and B1 from B0-ci's and B1-ci's runs: the 75-minute budget)."""
    cores = os.cpu_count() or 1
    root = work / f"synthetic-{n}"
    logs = work / f"logs-scale-{n}"
    plan = gen.plan_workspace(results.profile, n, seed=n, time_scale=args.time_scale)
    mix = ", ".join(f"{k} {v}" for k, v in gen.lane_counts(results.profile, n).items())
    progress(f"scale {n}: generating {root} ({mix})")
    workspace_files.write_workspace(
        root, workspace_files.render_workspace(plan, defaults, real_toml), REPO
    )
    ws = Workspace(
        name=f"synthetic-{n}",
        root=root,
        test_root="tests",
        pythonpath=f"src:tests:{workspace_files.PLUGIN_ROOT}",
        cov_source="src",
        # A leaf: the one-change scenario edits what a few tests import.
        change_file=gen.module_path(gen.Layout.for_files(n).leaf_of_test(0)),
        real=False,
        lanes={lane: [f.path for f in plan if f.lane == lane] for lane in LANES},
        all_tests=frozenset(f.path for f in plan),
        # Plain pytest runs what the BUILD defaults group: one process per lane environment.
        groups=group_by_env({f.path: envs[f.lane] for f in plan}),
        pg_cache=work / f"pg-template-cache-{n}",
        lock_dir=work / f"locks-{n}",
    )
    if args.user_scale:
        results.sections.append(("The workspace", gen.describe(plan)))
        headline_scenarios(
            args,
            ws,
            Stores(work / f"store-{n}", named),
            work,
            logs,
            results,
            export_python,
            report.ScalePoint(files=n),
            plan,
        )
        stop_pantsd(root)
        return
    point = report.ScalePoint(files=n)
    point.lower_bound = benchstats.lower_bound([f.seconds for f in plan], cores)
    point.test_seconds = sum(f.seconds for f in plan)
    stores = Stores(work / f"store-{n}", named)
    cold_runs: list[PantsRun] = []

    def cold(rep: int) -> Timed:
        fresh(stores.store)
        run = pants_test(ws, stores, logs / f"p-cold-{rep}.log", pantsd=False)
        cold_runs.append(run)
        return run.timed

    done = interleave(
        {
            f"scale {n}: B0": lambda r: run_b0(ws, export_python, logs, r),
            f"scale {n}: B1": lambda r: run_b1(ws, export_python, logs, r, workers=cores).total,
            f"scale {n}: P-cold": cold,
        },
        args.scale_reps,
    )
    for name in ("B0", "B1", "P-cold"):
        point.seconds[name] = done[f"scale {n}: {name}"][0]
    last = cold_runs[-1]
    point.processes = len(last.processes)
    point.overhead_per_process = benchstats.overhead_per_process(
        [p.seconds for p in last.ran()], [last.test_seconds_of(p) for p in last.ran()]
    )
    if args.quick:
        # The real suite's start-up profile, on this workspace, so its code path stays exercised.
        warm_local = pants_test(ws, stores, logs / "p-warm-local.log", pantsd=False).timed
        results.startup = must(warm_local, "P-warm-local").seconds
        startup_profile(ws, stores, logs, 1, results)
    progress(f"scale {n}: priming pantsd (not timed)")
    pants_test(ws, stores, logs / "p-warm-prime.log", pantsd=True)
    point.seconds["P-warm"], _ = repeat(
        f"scale {n}: P-warm",
        args.scale_reps,
        lambda r: pants_test(ws, stores, logs / f"p-warm-{r}.log", pantsd=True).timed,
    )
    if args.quick or args.user_scale:
        headline_scenarios(args, ws, stores, work, logs, results, export_python, point, plan)
    stop_pantsd(root)
    fresh(stores.store)
    results.scale.append(point)


QUICK_NOMINAL_S = 0.05


def headline_scenarios(
    args: argparse.Namespace,
    ws: Workspace,
    stores: Stores,
    work: Path,
    logs: Path,
    results: Results,
    export_python: Path,
    point: report.ScalePoint,
    plan: Sequence[gen.SyntheticFile],
) -> None:
    """The headline rows on a generated workspace: at the user's scale the measurement, in quick
    mode (no real suite, smallest scale, one repetition) so every code path stays exercised.
    B0-ci, B1-ci and P-ci run interleaved; the replay changes args.replay_count files drawn
    uniformly from the workspace's source and test files (quick mode: the one-change file)."""
    if not args.user_scale:
        results.baseline = point.seconds["B0"].median
        for name in SCALE_HEADLINE:
            results.add(name, f"synthetic workspace, {point.files} files", point.seconds[name])
        one_change(ws, stores, logs, args.reps, results, results.baseline)
    cores = os.cpu_count() or 1
    cold_ci = ColdCi(ws, work, stores.named, logs, args.reps)
    cold_ci.ensure_warm()
    p_ci_runs: list[PantsRun] = []
    done = ci_baselines(
        ws,
        export_python,
        work,
        logs,
        args.reps,
        cores,
        results,
        also={"P-ci": cold_ci.runner("P-ci", p_ci_runs)},
        plain_rows=args.user_scale,
    )
    b0 = results.baseline = results.baseline or done["B0"][0].median
    p_ci = cold_ci.row(results, done["B1-ci"][0], measured=(*done["P-ci"], p_ci_runs))
    levers = cold_ci.levers(p_ci, args.levers, args.lever_reps)
    if args.user_scale:
        candidates = [f.path for f in plan] + [
            gen.module_path(m) for m in range(gen.Layout.for_files(len(plan)).modules)
        ]
        files = gen.sample_changes(candidates, args.replay_count, seed=len(plan))
    else:
        files = [ws.change_file]
    with filled_remote_cache(ws, work, logs, stores.named) as server:
        remote(ws, work, logs, args.reps, results, b0, server, named=stores.named)
        if args.user_scale:  # no P-warm-local here: P-remote is Pants with every result cached
            cached = next(r.summary for r in results.rows if r.scenario == "P-remote")
            results.startup = cached.median if cached else None
            results.startup_source = "P-remote: every result from the remote cache"
            closing(results, done["P-ci"][0], p_ci_runs[-1], done["B1-ci"][0])
        replay(ws, work, logs, results, b0, server, stores.named, files)
    results.sections.append(lever_section(p_ci, levers, results.replays, args.lever_reps))


def profile_from_reports(reports: Path, lanes: dict[str, list[str]]) -> list[gen.FileProfile]:
    lane_of = {
        f: lane for lane, files in lanes.items() for f in files if f.startswith("backend/tests/")
    }
    tests = [(result.file, result.seconds) for result in read_reports(find_reports(reports))]
    return gen.profile_from_tests(tests, lane_of)
