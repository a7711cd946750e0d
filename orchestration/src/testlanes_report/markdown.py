"""The Markdown rendering, for $GITHUB_STEP_SUMMARY: lanes with time and cache reuse, the
slowest tests, processes not provisioned, outages, failures, flaky tests and the coverage gate's
verdict."""

from __future__ import annotations

import re

from testlanes_report.console import ANSI, CACHE_SOURCES
from testlanes_report.coverage_xml import gate_fails
from testlanes_report.junit import FAILED, PASSED, SKIPPED
from testlanes_report.model import LaneFigures, RunReport

_COVERAGE_FAILURE = re.compile(r"Coverage failure: total of (\S+) is less than fail-under=(\S+)")


def _cache_cell(lane: LaneFigures) -> str:
    kinds = ", ".join(f"{lane.from_cache[s]} {s}" for s in CACHE_SOURCES if lane.from_cache[s])
    return f"{lane.cached_processes}/{lane.processes}" + (f" ({kinds})" if kinds else "")


def _row(name: str, lane: LaneFigures) -> str:
    cells = [
        name,
        lane.files,
        lane.tests,
        lane.outcomes[PASSED],
        lane.outcomes[FAILED],
        lane.outcomes[SKIPPED],
        _cache_cell(lane),
        f"{lane.seconds_ran:.1f} s",
        f"{lane.seconds_cached:.1f} s",
    ]
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def lanes_table(report: RunReport) -> list[str]:
    out = [
        "| lane | files | tests | passed | failed | skipped | processes from cache "
        "| time ran | time reused from cache |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    out += [_row(name, lane) for name, lane in report.lanes.items()]
    out.append(_row("**all**", report.total))
    return out


def slowest(report: RunReport, limit: int) -> list[str]:
    tests = report.slowest(limit)
    if not tests:
        return []
    out = [f"### Slowest {len(tests)} tests", "", "| seconds | lane | test |", "|---:|---|---|"]
    out += [f"| {t.seconds:.2f} | {report.lane(t)} | `{t.test_id}` |" for t in tests]
    return out


def flaky(report: RunReport) -> list[str]:
    """Tests that passed only after a retry (integration lane): never shown as plain passes."""
    tests = report.flaky
    if not tests:
        return []
    out = [f"### Flaky ({len(tests)} passed only after a retry)", ""]
    out += [
        f"- `{t.test_id}` ({report.lane(t)}): {t.attempts} attempts, "
        f"first error: {t.first_error[:200]}"
        for t in tests
    ]
    return out


def not_provisioned(report: RunReport) -> list[str]:
    """Processes that stopped before their first test: one cause each, not N failures."""
    if not report.not_provisioned:
        return []
    return [
        f"### Not provisioned ({len(report.not_provisioned)} test processes ran no test)",
        "",
        *[f"- **{message}**" for message in report.not_provisioned],
    ]


def outages(report: RunReport) -> list[str]:
    if not report.outages:
        return []
    return [
        f"### Outages ({report.outage_failures} failed tests are theirs, "
        "not listed under Failures)",
        "",
        *[f"- **{outage}**" for outage in report.outages],
    ]


def failures(report: RunReport, limit: int) -> list[str]:
    failed = report.failures
    failed_procs = [p for p in report.processes if not p.succeeded]
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


def coverage(report: RunReport, fail_under: float, precision: int) -> list[str]:
    out = ["### Coverage (merged over the whole run)", ""]
    cov = report.coverage
    if cov is None:
        return [
            *out,
            "No coverage report was written (the run stopped before it, or coverage is off).",
        ]
    shown = round(cov.percent, precision)
    verdict = "**FAILED**" if gate_fails(cov.percent, fail_under, precision) else "passed"
    statements = f"{cov.lines_covered}/{cov.lines_valid} statements"
    branches = f"{cov.branches_covered}/{cov.branches_valid} branches"
    out.append(
        f"Total **{shown:.{precision}f}%** ({statements}, {branches}); "
        f"gate {fail_under:g}%: {verdict}."
    )
    pants_verdict = _COVERAGE_FAILURE.search(ANSI.sub("", report.console))
    if pants_verdict:
        out.append(f"Pants: `{pants_verdict[0]}`.")
    least = sorted(cov.files, key=lambda f: f[1])[:5]
    if least and least[0][1] < 100.0:
        out += [
            "",
            "Least covered files: "
            + ", ".join(f"`{name}` {pct:.0f}%" for name, pct in least if pct < 100.0),
        ]
    return out


def render(report: RunReport, fail_under: float, precision: int, slowest_limit: int = 10) -> str:
    out = ["## Tests", ""]
    if not report.processes and not report.tests:
        out.append("No test results: the test step did not get as far as running tests.")
        if report.not_provisioned:
            out += ["", *not_provisioned(report)]
    else:
        out += lanes_table(report)
        out += [
            "",
            "_time ran_: summed process time of results computed in this run; "
            "_time reused_: the original time of results taken from a cache.",
        ]
        for section in (
            slowest(report, slowest_limit),
            not_provisioned(report),
            outages(report),
            failures(report, 20),
            flaky(report),
        ):
            if section:
                out += ["", *section]
    out += ["", *coverage(report, fail_under, precision)]
    return "\n".join(out) + "\n"
