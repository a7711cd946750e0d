"""A generated workspace's headline rows: at the user's scale (--user-scale) the measurement, in
quick mode the same code path on a small workspace, once."""

from __future__ import annotations

import argparse
from pathlib import Path

import workspace_files
import workspace_gen as gen
from ci_rows import ci_headline, closing, lever_section
from harness import CACHE, REPO, progress
from pants_runs import Stores
from results import Results
from scenarios import remote_and_replay, startup_profile
from workspaces import LANES, Workspace, group_by_env, stop_pantsd

from lane_guard.lanes_toml import load_lanes
from testlanes_report.junit import find_reports, read_reports


def synthetic(
    args: argparse.Namespace,
    profile: list[gen.FileProfile],
    work: Path,
    results: Results,
    export_python: Path,
) -> None:
    """Generate the workspace (args.files, or sized to --user-seconds of tests), then measure it."""
    n = args.files or gen.files_for(profile, args.user_seconds)
    lanes = load_lanes(REPO / "lanes.toml")
    defaults = {lane: workspace_files.lane_defaults(lanes.lane(lane)) for lane in LANES}
    envs = {lane: workspace_files.lane_env(lanes.lane(lane)) for lane in LANES}
    root = work / f"synthetic-{n}"
    plan = gen.plan_workspace(profile, n, seed=n, time_scale=args.time_scale)
    mix = ", ".join(f"{k} {v}" for k, v in gen.lane_counts(profile, n).items())
    progress(f"generating {root}: {n} test files ({mix}), durations x {args.time_scale}")
    rendered = workspace_files.render_workspace(plan, defaults, (REPO / "pants.toml").read_text())
    workspace_files.write_workspace(root, rendered, REPO)
    ws = Workspace(
        root=root,
        test_root="tests",
        pythonpath=f"src:tests:{workspace_files.PLUGIN_ROOT}",
        cov_source="src",
        real=False,
        lanes={lane: [f.path for f in plan if f.lane == lane] for lane in LANES},
        all_tests=frozenset(f.path for f in plan),
        # Plain pytest runs what the BUILD defaults group: one process per lane environment.
        groups=group_by_env({f.path: envs[f.lane] for f in plan}),
        pg_cache=work / "pg-template-cache-synthetic",
        lock_dir=work / "locks-synthetic",
    )
    results.sections.append(("The workspace", gen.describe(plan)))
    # The named caches (pex and pip downloads) outlive the run, as a CI runner restores them.
    stores = Stores(work / "store-synthetic", CACHE / "named-caches")
    logs = work / "logs-synthetic"
    try:
        ci = ci_headline(args, ws, stores.named, work, logs, results, export_python)
        modules = gen.Layout.for_files(n).modules
        candidates = [f.path for f in plan] + [gen.module_path(m) for m in range(modules)]
        files = gen.sample_changes(candidates, args.replay_count, seed=n)
        named = stores.named
        remote_and_replay(ws, work, logs, args.reps, results, files, named, named)
        # No P-warm-local here: P-remote is Pants with every result cached.
        cached = next(r.summary for r in results.rows if r.scenario == "P-remote")
        results.startup = cached.median if cached else None
        results.startup_source = "P-remote: every result from the remote cache"
        if args.quick and results.startup is not None:
            # The real suite's start-up profile, once, so its code path stays exercised.
            startup_profile(ws, stores, logs, 1, results)
        closing(results, ci)
        results.sections.append(lever_section(ci.p_ci, ci.levers, results.replays, args.lever_reps))
    finally:
        stop_pantsd(root)


def profile_from_reports(reports: Path, lanes: dict[str, list[str]]) -> list[gen.FileProfile]:
    """The tests of lanes (lane -> files) with their durations, from a `pants test ::`'s JUnit
    reports. The lane mix is the point: reports of one lane's run would make a workspace of it."""
    lane_of = {f: lane for lane, files in lanes.items() for f in files}
    tests = [(result.file, result.seconds) for result in read_reports(find_reports(reports))]
    profile = gen.profile_from_tests(tests, lane_of)
    missing = set(lane_of.values()) - {f.lane for f in profile}
    if missing:
        raise SystemExit(
            f"the JUnit reports in {reports} have no {sorted(missing)} tests: run "
            f"`PANTS_CONFIG_FILES=pants.ci.toml ./pants test ::` first"
        )
    return profile
