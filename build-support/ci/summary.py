"""Markdown summary of a CI test run, for $GITHUB_STEP_SUMMARY.

Reads three things a `pants test` run leaves behind:
  - its console output (tee'd to a file): one line per test process, e.g.
    `✓ backend/tests/unit/test_x.py:unit and 3 other files succeeded in 0.27s (cached remotely).`
    which says how long the process took and whether its result came from a cache;
  - the JUnit XML reports (dist/test/reports): the individual tests, their outcome and time;
  - the merged coverage report (dist/coverage/python/coverage.xml), judged against the gate.

Prints per lane the files and tests, the time spent, how many results came from cache, then the
slowest tests, any failures, and the coverage total with the gate's verdict.

Usage: python3 build-support/ci/summary.py --console pants-test.log >>"$GITHUB_STEP_SUMMARY"
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from junit_reports import (
    FAILED,
    PASSED,
    SKIPPED,
    TestResult,
    find_reports,
    read_outages,
    read_reports,
)
from lanes import LANES, UNKNOWN_LANE, file_of_address, lane_map_from_pants

REPO = Path(__file__).resolve().parents[2]
RAN = "ran"
CACHE_SOURCES = ("memoized", "cached locally", "cached remotely")

# Pants 2.17 core/goals/test.py `_format_test_summary`: sigil, description, status, optional
# elapsed time, optional source ("(cached remotely)", or "(... for docker environment `x`)").
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_RESULT_LINE = re.compile(
    r"^(?P<sigil>[✓✕]) (?P<description>\S.*?) (?P<status>succeeded|failed)"
    r"(?: in (?P<seconds>\d+(?:\.\d+)?)s)?"
    r"(?: \((?P<source>memoized|ran|cached locally|cached remotely)(?: (?:in|for) [^)]*)?\))?\.$"
)
_BATCH = re.compile(r"^(?P<first>\S+) and (?P<others>\d+) other files$")
_COVERAGE_FAILURE = re.compile(r"Coverage failure: total of (\S+) is less than fail-under=(\S+)")


@dataclass(frozen=True)
class ProcessResult:
    """One test process (one file, or a batch of files) as Pants' console summary reports it."""

    first_address: str
    files: int
    succeeded: bool
    seconds: float
    source: str

    @property
    def cached(self) -> bool:
        return self.source != RAN


def parse_console(text: str) -> list[ProcessResult]:
    results = []
    for raw in text.splitlines():
        match = _RESULT_LINE.match(_ANSI.sub("", raw).strip())
        if not match:
            continue
        description = match["description"]
        batch = _BATCH.match(description)
        results.append(
            ProcessResult(
                first_address=batch["first"] if batch else description,
                files=1 + int(batch["others"]) if batch else 1,
                succeeded=match["status"] == "succeeded",
                seconds=float(match["seconds"] or 0.0),
                source=match["source"] or RAN,
            )
        )
    return results


@dataclass(frozen=True)
class Coverage:
    lines_valid: int
    lines_covered: int
    branches_valid: int
    branches_covered: int
    # (file, percent) of every measured file, as the report lists them.
    files: tuple[tuple[str, float], ...] = ()

    @property
    def percent(self) -> float:
        """coverage.py's total: statements and branches together (what `fail_under` judges)."""
        total = self.lines_valid + self.branches_valid
        covered = self.lines_covered + self.branches_covered
        return 100.0 * covered / total if total else 100.0


def read_coverage_xml(path: Path) -> Coverage:
    root = ET.parse(path).getroot()
    files = []
    for cls in root.iter("class"):
        lines = [line for line in cls.iter("line")]
        hits = sum(1 for line in lines if int(line.get("hits", "0")) > 0)
        branches = covered_branches = 0
        for line in lines:
            cond = re.match(r"\d+% \((\d+)/(\d+)\)", line.get("condition-coverage", ""))
            if cond:
                covered_branches += int(cond[1])
                branches += int(cond[2])
        total = len(lines) + branches
        percent = 100.0 * (hits + covered_branches) / total if total else 100.0
        files.append((cls.get("filename", "?"), percent))
    return Coverage(
        lines_valid=int(root.get("lines-valid", "0")),
        lines_covered=int(root.get("lines-covered", "0")),
        branches_valid=int(root.get("branches-valid", "0")),
        branches_covered=int(root.get("branches-covered", "0")),
        files=tuple(files),
    )


def gate_fails(percent: float, fail_under: float, precision: int) -> bool:
    """coverage.py's own rule (results.should_fail_under): compare the total as displayed."""
    if fail_under == 100.0 and percent != 100.0:
        return True
    return round(percent, precision) < fail_under


def gate_settings(repo: Path = REPO) -> tuple[float, int]:
    """fail_under from pants.ci.toml, precision from pyproject.toml: where the gate is defined."""
    ci = tomllib.loads((repo / "pants.ci.toml").read_text())
    pyproject = tomllib.loads((repo / "pyproject.toml").read_text())
    fail_under = float(ci.get("coverage-py", {}).get("fail_under", 0))
    report = pyproject.get("tool", {}).get("coverage", {}).get("report", {})
    return fail_under, int(report.get("precision", 0))


@dataclass
class LaneSummary:
    files: int = 0
    processes: int = 0
    from_cache: dict[str, int] = field(default_factory=dict)
    cached_files: int = 0
    seconds_ran: float = 0.0
    seconds_cached: float = 0.0
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def tests(self) -> int:
        return sum(self.outcomes.values())

    @property
    def cached_processes(self) -> int:
        return sum(self.from_cache.values())


def summarize(
    processes: Iterable[ProcessResult], tests: Iterable[TestResult], lane_of: Mapping[str, str]
) -> dict[str, LaneSummary]:
    lanes: dict[str, LaneSummary] = {}
    for proc in processes:
        lane = lanes.setdefault(
            lane_of.get(file_of_address(proc.first_address), UNKNOWN_LANE), LaneSummary()
        )
        lane.files += proc.files
        lane.processes += 1
        if proc.cached:
            lane.from_cache[proc.source] = lane.from_cache.get(proc.source, 0) + 1
            lane.cached_files += proc.files
            lane.seconds_cached += proc.seconds
        else:
            lane.seconds_ran += proc.seconds
    for test in tests:
        lane = lanes.setdefault(lane_of.get(test.file, UNKNOWN_LANE), LaneSummary())
        lane.outcomes[test.outcome] = lane.outcomes.get(test.outcome, 0) + 1
    return lanes


def _ordered(lanes: Mapping[str, LaneSummary]) -> list[str]:
    return [lane for lane in (*LANES, UNKNOWN_LANE) if lane in lanes] + sorted(
        lane for lane in lanes if lane not in (*LANES, UNKNOWN_LANE)
    )


def _cache_cell(lane: LaneSummary) -> str:
    kinds = ", ".join(f"{lane.from_cache[s]} {s}" for s in CACHE_SOURCES if lane.from_cache.get(s))
    return f"{lane.cached_processes}/{lane.processes}" + (f" ({kinds})" if kinds else "")


def _row(name: str, lane: LaneSummary) -> str:
    cells = [
        name,
        lane.files,
        lane.tests,
        lane.outcomes.get(PASSED, 0),
        lane.outcomes.get(FAILED, 0),
        lane.outcomes.get(SKIPPED, 0),
        _cache_cell(lane),
        f"{lane.seconds_ran:.1f} s",
        f"{lane.seconds_cached:.1f} s",
    ]
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _total(lanes: Iterable[LaneSummary]) -> LaneSummary:
    total = LaneSummary()
    for lane in lanes:
        total.files += lane.files
        total.processes += lane.processes
        total.cached_files += lane.cached_files
        total.seconds_ran += lane.seconds_ran
        total.seconds_cached += lane.seconds_cached
        for key, value in lane.from_cache.items():
            total.from_cache[key] = total.from_cache.get(key, 0) + value
        for key, value in lane.outcomes.items():
            total.outcomes[key] = total.outcomes.get(key, 0) + value
    return total


def render_lanes(lanes: Mapping[str, LaneSummary]) -> list[str]:
    out = [
        "| lane | files | tests | passed | failed | skipped | processes from cache "
        "| time ran | time reused from cache |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    out += [_row(name, lanes[name]) for name in _ordered(lanes)]
    out.append(_row("**all**", _total(lanes.values())))
    return out


def render_slowest(
    tests: Sequence[TestResult], lane_of: Mapping[str, str], limit: int
) -> list[str]:
    slowest = sorted(tests, key=lambda t: t.seconds, reverse=True)[:limit]
    if not slowest:
        return []
    out = [f"### Slowest {len(slowest)} tests", "", "| seconds | lane | test |", "|---:|---|---|"]
    out += [
        f"| {t.seconds:.2f} | {lane_of.get(t.file, UNKNOWN_LANE)} | `{t.test_id}` |"
        for t in slowest
    ]
    return out


def render_flaky(tests: Sequence[TestResult], lane_of: Mapping[str, str]) -> list[str]:
    """Tests that passed only after a retry (integration lane): never shown as plain passes."""
    flaky = [t for t in tests if t.flaky]
    if not flaky:
        return []
    out = [f"### Flaky ({len(flaky)} passed only after a retry)", ""]
    out += [
        f"- `{t.test_id}` ({lane_of.get(t.file, UNKNOWN_LANE)}): {t.attempts} attempts, "
        f"first error: {t.first_error[:200]}"
        for t in flaky
    ]
    return out


def render_outages(outages: Sequence[str], tests: Sequence[TestResult]) -> list[str]:
    if not outages:
        return []
    stopped = sum(1 for t in tests if t.outage and t.outcome == FAILED)
    return [
        f"### Outages ({stopped} failed tests are theirs, not listed under Failures)",
        "",
        *[f"- **{outage}**" for outage in outages],
    ]


def render_failures(
    tests: Sequence[TestResult], processes: Sequence[ProcessResult], limit: int
) -> list[str]:
    failed = [t for t in tests if t.outcome == FAILED and not t.outage]
    failed_procs = [p for p in processes if not p.succeeded]
    if not failed and not failed_procs:
        return []
    out = [f"### Failures ({len(failed)} tests in {len(failed_procs)} processes)", ""]
    for test in failed[:limit]:
        first_line = test.message.splitlines()[0] if test.message else ""
        out.append(f"- `{test.test_id}`" + (f": {first_line[:200]}" if first_line else ""))
    if len(failed) > limit:
        out.append(f"- ... and {len(failed) - limit} more (see the JUnit reports artifact)")
    if failed_procs and not failed:
        out += [
            f"- process `{p.first_address}` failed without a failing test (collection or set-up)"
            for p in failed_procs
        ]
    return out


def render_coverage(
    coverage: Coverage | None, fail_under: float, precision: int, console: str
) -> list[str]:
    out = ["### Coverage (merged over the whole run)", ""]
    if coverage is None:
        return [
            *out,
            "No coverage report was written (the run stopped before it, or coverage is off).",
        ]
    shown = round(coverage.percent, precision)
    verdict = "**FAILED**" if gate_fails(coverage.percent, fail_under, precision) else "passed"
    statements = f"{coverage.lines_covered}/{coverage.lines_valid} statements"
    branches = f"{coverage.branches_covered}/{coverage.branches_valid} branches"
    out.append(
        f"Total **{shown:.{precision}f}%** ({statements}, {branches}); "
        f"gate {fail_under:g}%: {verdict}."
    )
    pants_verdict = _COVERAGE_FAILURE.search(_ANSI.sub("", console))
    if pants_verdict:
        out.append(f"Pants: `{pants_verdict[0]}`.")
    least = sorted(coverage.files, key=lambda f: f[1])[:5]
    if least and least[0][1] < 100.0:
        out += [
            "",
            "Least covered files: "
            + ", ".join(f"`{name}` {pct:.0f}%" for name, pct in least if pct < 100.0),
        ]
    return out


def render(
    processes: Sequence[ProcessResult],
    tests: Sequence[TestResult],
    lane_of: Mapping[str, str],
    coverage: Coverage | None,
    fail_under: float,
    precision: int,
    console: str = "",
    slowest: int = 10,
    outages: Sequence[str] = (),
) -> str:
    out = ["## Tests", ""]
    if not processes and not tests:
        out.append("No test results: the test step did not get as far as running tests.")
    else:
        out += render_lanes(summarize(processes, tests, lane_of))
        out += [
            "",
            "_time ran_: summed process time of results computed in this run; "
            "_time reused_: the original time of results taken from a cache.",
        ]
        for section in (
            render_slowest(tests, lane_of, slowest),
            render_outages(outages, tests),
            render_failures(tests, processes, 20),
            render_flaky(tests, lane_of),
        ):
            if section:
                out += ["", *section]
    out += ["", *render_coverage(coverage, fail_under, precision, console)]
    return "\n".join(out) + "\n"


def lane_map(pants: Path) -> dict[str, str]:
    try:
        return lane_map_from_pants(pants)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(
            f"summary: could not ask Pants for the lanes ({exc}); showing files without lanes",
            file=sys.stderr,
        )
        return {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--console", type=Path, required=True, help="the tee'd output of `pants test`"
    )
    parser.add_argument("--reports", type=Path, default=Path("dist/test/reports"))
    parser.add_argument(
        "--coverage-xml", type=Path, default=Path("dist/coverage/python/coverage.xml")
    )
    parser.add_argument("--pants", type=Path, default=Path("./pants"))
    parser.add_argument(
        "--no-lanes", action="store_true", help="do not ask Pants which lane a file is in"
    )
    parser.add_argument("--slowest", type=int, default=10)
    parser.add_argument("--fail-under", type=float, help="default: pants.ci.toml's")
    parser.add_argument("--precision", type=int, help="default: pyproject.toml's")
    args = parser.parse_args(argv)

    console = args.console.read_text(errors="replace") if args.console.is_file() else ""
    processes = parse_console(console)
    reports = find_reports(args.reports) if args.reports.is_dir() else []
    tests = read_reports(reports)
    coverage = read_coverage_xml(args.coverage_xml) if args.coverage_xml.is_file() else None
    lane_of = {} if args.no_lanes else lane_map(args.pants)
    fail_under, precision = args.fail_under, args.precision
    if fail_under is None or precision is None:
        configured_fail_under, configured_precision = gate_settings()
        fail_under = configured_fail_under if fail_under is None else fail_under
        precision = configured_precision if precision is None else precision
    sys.stdout.write(
        render(
            processes,
            tests,
            lane_of,
            coverage,
            fail_under,
            precision,
            console,
            args.slowest,
            outages=read_outages(reports),
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
