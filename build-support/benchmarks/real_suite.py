"""This repository's own suite: the CI rows, P-cold, P-warm, the modes, P-remote, the replay."""

from __future__ import annotations

import argparse
from pathlib import Path

import benchstats
from analysis import cold_closing, pants_breakdown
from ci_rows import ci_headline, closing, lever_section
from harness import Timed, fresh, progress, repeat
from pants_runs import PantsRun, Stores, pants_test
from replay import REAL_FILES
from results import Results, guarded
from scenarios import modes, remote_and_replay, startup_profile
from workspaces import Workspace, stop_pantsd


def real_suite(
    args: argparse.Namespace,
    work: Path,
    results: Results,
    export_python: Path,
    ws: Workspace,
) -> None:
    logs = work / "logs-real"
    stores = Stores(work / "store-a", work / "named-a")
    try:
        ci = ci_headline(args, ws, stores.named, work, logs, results, export_python)
        guarded(results, "P-cold", lambda: cold_and_warm(ws, stores, logs, args.reps, results))
        closing(results, ci)  # after P-warm-local: the note uses Pants' start-up
        guarded(
            results,
            "modes",
            lambda: modes(["::"], ws, stores, logs, args.reps, results, export_python),
        )
        guarded(
            results,
            "P-remote",
            lambda: remote_and_replay(
                ws, work, logs, args.reps, results, REAL_FILES, stores.named, None
            ),
        )
        # After the replay: its changes give each layout's precision.
        results.sections.append(lever_section(ci.p_ci, ci.levers, results.replays, args.lever_reps))
    finally:
        stop_pantsd(ws.root)


def cold_and_warm(ws: Workspace, stores: Stores, logs: Path, reps: int, results: Results) -> None:
    """P-cold (judged against B0-ci), P-warm-local and the start-up profile, then P-warm."""
    b0ci = next(r.summary for r in results.rows if r.scenario == "B0-ci")
    assert b0ci is not None
    assert results.baseline is not None
    cold_runs: list[PantsRun] = []
    # Named caches of its own: emptying the shared ones would leave the replay's half-filled
    # should a cold run fail midway.
    cold_stores = Stores(stores.store, stores.named.with_name("named-cold"))

    def cold(rep: int) -> Timed:
        fresh(cold_stores.store), fresh(cold_stores.named), fresh(ws.pg_cache)
        run = pants_test(ws, cold_stores, logs / f"p-cold-{rep}.log", pantsd=False)
        cold_runs.append(run)
        return run.timed

    s, failed = repeat(
        "P-cold (no pantsd, empty store, named caches and template cache)", reps, cold
    )
    # Nothing warm against a CI job's plain pytest (its venv from a warm pip cache).
    verdict = benchstats.at_most(s.median, b0ci.median, unit=" s")
    extra = len(ws.all_tests) - len(ws.files())
    results.add(
        "P-cold",
        "pants test :: from empty caches, no pantsd",
        s,
        failed,
        benchstats.Verdict(verdict.met, f"vs B0-ci {verdict.text}"),
        note=f"also runs {extra} test files outside {ws.test_root}" if extra else "",
    )
    last = cold_runs[-1]
    results.sections.append(
        ("P-cold: where the time goes", pants_breakdown("P-cold", last, s.median))
    )

    def warm_local(rep: int) -> Timed:
        return pants_test(ws, stores, logs / f"p-warm-local-{rep}.log", pantsd=False).timed

    s, failed = repeat("P-warm, no pantsd (cached locally)", reps, warm_local)
    results.add("P-warm-local", "nothing changed, no pantsd: local cache hits", s, failed)
    results.startup = s.median
    startup_profile(ws, stores, logs, reps, results)
    if not verdict.met:
        results.closing.append(
            cold_closing(
                "P-cold",
                last,
                results.startup,
                results.baseline,
                ("B0-ci", b0ci.median),
                results.startup_stage,
            )
        )
    progress("P-warm: priming pantsd (not timed)")
    pants_test(ws, stores, logs / "p-warm-prime.log", pantsd=True)
    warm_runs: list[PantsRun] = []

    def warm(rep: int) -> Timed:
        run = pants_test(ws, stores, logs / f"p-warm-{rep}.log", pantsd=True)
        warm_runs.append(run)
        return run.timed

    s, failed = repeat("P-warm (pantsd warm, memoized)", reps, warm)
    results.add(
        "P-warm",
        "nothing changed, pantsd warm",
        s,
        failed,
        verdict=benchstats.at_most(s.median / results.baseline, 0.05),
        note="results: " + ", ".join(sorted({p.source for p in warm_runs[-1].processes})),
    )
