"""Report a Pants test run per lane, from what it left behind.

    testlanes-report                      # terminal: per lane, then `N passed, ...`
    testlanes-report --markdown --console pants-test.log >>"$GITHUB_STEP_SUMMARY"

(the console script of the pants-testlanes distribution; ``python -m testlanes_report`` too).

Reads the JUnit reports (dist/test/reports), and with --markdown also the console output of
`pants test` (tee'd to a file: per process time and cache source) and the merged coverage report,
judged against the gate (fail_under from pants.ci.toml, precision from pyproject.toml).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lane_guard.lanes_toml import LANES_FILE, load_lanes, parse_toml
from testlanes_report import markdown, text
from testlanes_report.console import parse_console
from testlanes_report.coverage_xml import read_coverage_xml
from testlanes_report.junit import find_reports, read_not_provisioned, read_outages, read_reports
from testlanes_report.lane_map import LaneMapError, lane_map_from_pants
from testlanes_report.model import build_report


def gate_settings(repo: Path) -> tuple[float, int]:
    """fail_under from pants.ci.toml, precision from pyproject.toml: where the gate is defined.

    A repository without either file has no gate (0) and whole percentages.
    """
    ci = _toml_file(repo / "pants.ci.toml")
    pyproject = _toml_file(repo / "pyproject.toml")
    fail_under = float(ci.get("coverage-py", {}).get("fail_under", 0))
    report = pyproject.get("tool", {}).get("coverage", {}).get("report", {})
    return fail_under, int(report.get("precision", 0))


def _toml_file(path: Path) -> dict:
    return parse_toml(path.read_text()) if path.is_file() else {}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="the CI job summary")
    parser.add_argument("--console", type=Path, help="the tee'd output of `pants test`")
    parser.add_argument("--reports", type=Path, default=Path("dist/test/reports"))
    parser.add_argument(
        "--coverage-xml", type=Path, default=Path("dist/coverage/python/coverage.xml")
    )
    parser.add_argument("--repo", type=Path, default=Path("."), help="where lanes.toml lives")
    parser.add_argument("--pants", type=Path, default=Path("./pants"))
    parser.add_argument(
        "--no-lanes", action="store_true", help="do not ask Pants which lane a file is in"
    )
    parser.add_argument("--slowest", type=int, default=10)
    parser.add_argument("--fail-under", type=float, help="default: pants.ci.toml's")
    parser.add_argument("--precision", type=int, help="default: pyproject.toml's")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    reports = find_reports(args.reports)
    if not reports and not args.markdown:
        print(f"no JUnit XML reports under {args.reports}; run the tests first", file=sys.stderr)
        return 2
    lane_order = load_lanes(args.repo / LANES_FILE).names
    lane_of: dict[str, str] = {}
    if not args.no_lanes:
        try:
            lane_of = lane_map_from_pants(args.pants, lane_order)
        except LaneMapError as exc:
            if not args.markdown:
                print(f"cannot tell the lanes of the test files: {exc}", file=sys.stderr)
                return 2
            # The job summary is written even for a broken run: files without lanes beat nothing.
            print(f"{exc}\nshowing files without lanes", file=sys.stderr)
    console = ""
    if args.console is not None and args.console.is_file():
        console = args.console.read_text(errors="replace")
    report = build_report(
        read_reports(reports),
        lane_of,
        lane_order,
        processes=parse_console(console),
        outages=read_outages(reports),
        not_provisioned=read_not_provisioned(reports),
        coverage=read_coverage_xml(args.coverage_xml) if args.coverage_xml.is_file() else None,
        console=console,
    )
    if not args.markdown:
        print(text.render(report))
        return 0
    fail_under, precision = args.fail_under, args.precision
    if fail_under is None or precision is None:
        configured_fail_under, configured_precision = gate_settings(args.repo)
        fail_under = configured_fail_under if fail_under is None else fail_under
        precision = configured_precision if precision is None else precision
    sys.stdout.write(markdown.render(report, fail_under, precision, args.slowest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
