"""The Pants scenarios after the cold and warm runs: start-up profile, modes, remote, replay."""

from __future__ import annotations

import contextlib
import os
import re
import signal
from collections.abc import Iterator, Sequence
from pathlib import Path

import benchstats
import replay_report
from analysis import (
    STARTUP_TITLE,
    Stage,
    mode_closing,
    pants_breakdown,
    remote_closing,
    startup_section,
)
from harness import Timed, fresh, must, progress, repeat, timed
from pants_runs import PantsRun, Stores, clone_run, pants_env, pants_test
from replay import Distribution, replay_all
from results import Results
from servers import RemoteServer, SharedPostgres, remote_env, start_buildgrid
from workspaces import Workspace

# What `./pants ... test ::` with everything cached does before and around its test processes,
# as goals that stop at successive stages; each row adds to the one above it.
STARTUP_STAGES = (
    (
        "--version",
        "Python start, Pants' imports and options; the rule graph solved twice (Pants 2.17 "
        "builds one of the Python backend to resolve plugins, then the full one)",
        ("--version",),
    ),
    ("list ::", "+ rule graph, every BUILD file parsed, target addresses", ("list", "::")),
    ("dependencies ::", "+ dependency inference for every file (cached)", ("dependencies", "::")),
)


def startup_profile(ws: Workspace, stores: Stores, logs: Path, reps: int, results: Results) -> None:
    """Time the start-up stages without a daemon; add the section, keep the stage medians.

    Needs results.startup: the median of `test ::` with everything cached locally, no pantsd."""
    assert results.startup is not None
    stages = []
    for label, what, goal in STARTUP_STAGES:
        cmd = ["./pants", "--no-pantsd", *stores.args(), *goal]
        log_name = "startup-" + re.sub(r"\W+", "-", label).strip("-")
        summary, failed = repeat(
            f"start-up profile: ./pants --no-pantsd {label}",
            reps,
            lambda rep, cmd=cmd, name=log_name: timed(
                cmd, cwd=ws.root, env=pants_env(ws), log=logs / f"{name}-{rep}.log"
            ),
        )
        stages.append(Stage(label, what, summary.median, failed))
        results.startup_stages[label] = summary.median
    section, results.startup_stage = startup_section(stages, results.startup, reps)
    results.sections.append((STARTUP_TITLE, section))


def modes(
    targets: Sequence[str],
    ws: Workspace,
    stores: Stores,
    logs: Path,
    reps: int,
    results: Results,
    export_python: Path,
) -> None:
    """The integration lane of targets in serial, slot and embedded modes (pantsd warm, forced)."""
    flags = ["--tag=integration"]
    progress("modes: starting a shared PostgreSQL server (python -m embedded_postgres)")
    server = SharedPostgres(export_python, ws)
    shared = {"TEST_POSTGRES_URL": server.url, "TEST_POSTGRES_VERSION": server.major}
    settings = {mode: {**shared, "TEST_ISOLATION": mode} for mode in ("serial", "slot")}
    settings["embedded"] = {}
    summaries: dict[str, benchstats.Summary] = {}
    last: dict[str, PantsRun] = {}
    try:
        progress("modes: priming pantsd and the local store (not timed)")
        pants_test(ws, stores, logs / "mode-prime.log", pantsd=True, targets=[*flags, *targets])
        for mode, env in settings.items():

            def once(rep: int, mode: str = mode, env: dict[str, str] = env) -> Timed:
                run = pants_test(
                    ws,
                    stores,
                    logs / f"mode-{mode}-{rep}.log",
                    pantsd=True,
                    targets=[*flags, *targets],
                    extra_args=["--test-force"],
                    env_extra=env,
                )
                last[mode] = run
                return run.timed

            summaries[mode], failed = repeat(f"integration lane, {mode} mode", reps, once)
            what = f"integration lane ({' '.join(targets)}), {mode} mode, pantsd warm, --test-force"
            verdict = None
            if mode != "serial":
                verdict = benchstats.at_most(
                    summaries[mode].median / summaries["serial"].median, 0.6, unit=" x serial"
                )
            results.add(mode, what, summaries[mode], failed, verdict)
            if verdict is not None and not verdict.met:
                results.closing.append(
                    mode_closing(mode, last[mode], summaries[mode].median, summaries["serial"])
                )
    finally:
        server.close()
    results.sections.append(
        (
            "Integration lane by isolation mode: where the time goes",
            "\n\n".join(pants_breakdown(f"{m} mode", last[m], summaries[m].median) for m in last),
        )
    )


@contextlib.contextmanager
def filled_remote_cache(
    ws: Workspace, work: Path, logs: Path, named: Path | None = None
) -> Iterator[RemoteServer]:
    """BuildGrid, filled by one run of checkout A as `main` would fill it (not timed)."""
    server = start_buildgrid(work / "buildgrid", logs / "buildgrid-start.log")
    try:
        progress("remote cache: filling it from checkout A (fresh local caches, not timed)")
        fill = Stores(work / "store-fill", named or work / "named-fill")
        fresh(ws.pg_cache)
        run = pants_test(
            ws, fill, logs / "p-remote-fill.log", pantsd=False, env_extra=remote_env(server, True)
        )
        must(run.timed, "filling the remote cache")
        yield server
    finally:
        os.kill(server.pid, signal.SIGTERM)


def remote(
    ws: Workspace,
    work: Path,
    logs: Path,
    reps: int,
    results: Results,
    b0: float,
    server: RemoteServer,
    named: Path | None = None,
) -> None:
    """named: the named caches every run restores; by default each run gets empty ones."""
    runs: list[PantsRun] = []  # for the breakdown

    def once(rep: int) -> Timed:
        rep_named = named or fresh(work / f"named-remote-{rep}")
        run = clone_run(
            ws, work, rep_named, logs / f"p-remote-{rep}.log", env_extra=remote_env(server, False)
        )
        runs.append(run)
        if named is None:
            fresh(rep_named)
        return run.timed

    s, failed = repeat("P-remote", reps, once)
    fraction = min(r.remote_fraction for r in runs)
    hits = benchstats.at_least(100 * fraction, 95.0, unit="%")
    # This suite's target leaves Pants' start-up (`--version`) out; the user's is the whole run.
    version = None if results.user_scale else results.startup_stages.get("--version")
    limit = 0.06 if results.user_scale else 0.05
    time_verdict = benchstats.at_most((s.median - (version or 0.0)) / b0, limit)
    what = f"time beyond Pants' start-up (`--version`, {version:.1f} s)" if version else "time"
    verdict = benchstats.Verdict(
        time_verdict.met and hits.met, f"{what} {time_verdict.text}; remote hits {hits.text}"
    )
    results.add(
        "P-remote", "fresh clone, empty local caches, warm BuildGrid cache", s, failed, verdict
    )
    if not time_verdict.met:
        results.closing.append(remote_closing(runs[-1], s.median, version, b0))
    results.sections.append(
        (
            "P-remote: where the time goes",
            pants_breakdown("P-remote", runs[-1], s.median),
        )
    )


def remote_and_replay(
    ws: Workspace,
    work: Path,
    logs: Path,
    reps: int,
    results: Results,
    files: Sequence[str],
    named: Path,
    remote_named: Path | None,
) -> None:
    """P-remote and the pull-request replay, against one remote cache filled as main fills it.
    named: the named caches the replay's runs restore; remote_named: P-remote's and the fill's
    (None: every P-remote run starts from empty ones)."""
    assert results.baseline is not None
    with filled_remote_cache(ws, work, logs, remote_named) as server:
        remote(ws, work, logs, reps, results, results.baseline, server, remote_named)
        replay(ws, work, logs, results, results.baseline, server, named, files)


def replay(
    ws: Workspace,
    work: Path,
    logs: Path,
    results: Results,
    b0: float,
    server: RemoteServer,
    named: Path,
    files: Sequence[str],
) -> None:
    """The pull-request replay (replay.py): a headline row, a section and the chart's data."""
    replays = replay_all(ws, work, named, server, files, logs)
    results.replays = replays
    limits = results.replay_limits
    verdict = replay_report.verdict(Distribution.of(replays, b0), limits)
    results.add(
        "replay",
        f"{len(replays)} one-line pull requests, as pr.yml runs them (median)",
        benchstats.summarize([r.seconds for r in replays]),
        sum(not r.ok for r in replays),
        verdict,
    )
    if not verdict.met:
        results.closing.append(replay_report.closing(replays, b0, limits))
    results.sections.append(
        (
            "Pull-request replay: what a typical pull request costs",
            replay_report.section(replays, b0),
        )
    )
