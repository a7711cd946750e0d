"""What a benchmark run collects: headline rows, report sections, targets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import bench_report as report
import benchstats
import replay_report
from harness import progress

if TYPE_CHECKING:
    from replay import Replay

TARGETS = {
    "P-cold": "<= B0-ci",
    "P-ci": "<= B1-ci",
    "P-ci-backend": "<= B1-ci",
    "P-warm": "<= 0.05",
    "P-remote": "beyond start-up <= 0.05, >= 95% remote",
    "replay": replay_report.REAL.target,
    "slot": "<= 0.6 x serial",
    "embedded": "<= 0.6 x serial",
}

# At the user's scale (issue 23): P-remote judged whole, nothing changed; a PR far below B0.
USER_SCALE_TARGETS = {
    **TARGETS,
    "P-remote": "<= 0.06, >= 95% remote",
    "replay": replay_report.USER_SCALE.target,
}


@dataclass
class Results:
    rows: list[report.Row] = field(default_factory=list)
    sections: list[tuple[str, str]] = field(default_factory=list)
    baseline: float | None = None
    # For the "what would close it" notes of later scenarios (seconds, medians).
    startup: float | None = None  # P-warm-local: Pants' own start-up and cache checks, no daemon
    startup_stage: str = ""  # its largest stage, from startup_profile
    startup_source: str = "P-warm-local"  # the run startup comes from
    startup_stages: dict[str, float] = field(default_factory=dict)  # goal -> median s
    closing: list[str] = field(default_factory=list)
    replays: list[Replay] = field(default_factory=list)  # the pull-request replay, for its chart
    user_scale: bool = False  # judged by USER_SCALE_TARGETS

    @property
    def targets(self) -> dict[str, str]:
        return USER_SCALE_TARGETS if self.user_scale else TARGETS

    @property
    def replay_limits(self) -> replay_report.Limits:
        return replay_report.USER_SCALE if self.user_scale else replay_report.REAL

    def add(
        self,
        name: str,
        what: str,
        summary: benchstats.Summary | None,
        failed: int = 0,
        verdict: benchstats.Verdict | None = None,
        note: str = "",
    ) -> None:
        """A headline row, with the scenario's target from self.targets."""
        self.rows.append(
            report.Row(name, what, summary, failed, self.targets.get(name, ""), verdict, note=note)
        )


NOT_MEASURED = "not measured: "


def unmeasured(results: Results) -> list[str]:
    """The scenarios that broke (guarded), e.g. ["modes: the server did not start"]."""
    return [
        f"{row.scenario}: {row.note.removeprefix(NOT_MEASURED)}"
        for row in results.rows
        if row.note.startswith(NOT_MEASURED)
    ]


def guarded(results: Results, name: str, fn: Callable[[], None]) -> None:
    """Run a scenario group; if it breaks, say so in the table and go on with the others."""
    try:
        fn()
    except (Exception, SystemExit) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        progress(f"{name}: not measured: {message}")
        results.add(name, "", None, note=NOT_MEASURED + message)
