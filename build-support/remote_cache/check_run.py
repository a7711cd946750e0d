"""Claims about one `pants test` run, checked from its console output (and JUnit reports).

  hits CONSOLE --min-remote PCT
      Every test process was a cache hit, and at least PCT% of them "cached remotely".
  only-dependents CONSOLE --reports DIR --dependents FILE
      A process ran if and only if it holds a test file that depends on the change (FILE lists
      `pants dependents --transitive` output); every other result came from a cache.
  ran-some CONSOLE
      At least one test process ran locally (the remote cache was not there to answer it).

Prints what it measured; exits 1 when the claim does not hold.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

_SRC = Path(__file__).resolve().parents[2] / "orchestration" / "src"
if str(_SRC) not in sys.path:  # run as a script from a checkout, not by Pants
    sys.path.insert(0, str(_SRC))

from testlanes_report.console import (  # noqa: E402
    REMOTE,
    ProcessResult,
    file_of_address,
    parse_console,
)
from testlanes_report.junit import find_reports, read_report  # noqa: E402


def _results(console: Path) -> list[ProcessResult]:
    results = parse_console(console.read_text(errors="replace"))
    if not results:
        raise SystemExit(f"no test results in {console}: the run did not get as far as testing")
    return results


def hits(console: Path, min_remote: float) -> bool:
    results = _results(console)
    remote = [r for r in results if r.source == REMOTE]
    ran = [r for r in results if not r.cached]
    rate = 100.0 * len(remote) / len(results)
    files = sum(r.files for r in results)
    remote_files = sum(r.files for r in remote)
    print(
        f"remote hit rate {rate:.1f}%: {len(remote)} of {len(results)} test processes "
        f"({remote_files} of {files} test files) cached remotely; {len(ran)} ran again"
    )
    for r in ran:
        print(f"  ran again: {r.first_address} ({r.files} files)")
    return not ran and rate >= min_remote


def _files_per_process(reports: Path) -> dict[str, frozenset[str]]:
    """Test file -> all test files of its process, from the JUnit reports (one per process)."""
    owner: dict[str, frozenset[str]] = {}
    for report in find_reports(reports):
        files = frozenset(result.file for result in read_report(report))
        owner.update({f: files for f in files})
    return owner


def only_dependents(console: Path, reports: Path, dependents: Path) -> bool:
    depends = {
        file_of_address(line.strip())
        for line in dependents.read_text().splitlines()
        if line.strip()
    }
    owner = _files_per_process(reports)
    ok = True
    ran = cached = 0
    for r in _results(console):
        first = file_of_address(r.first_address)
        files = owner.get(first, frozenset({first}))
        affected = bool(files & depends)
        if affected != (not r.cached):
            ok = False
            why = (
                "ran although none of its files depends on the change"
                if affected is False
                else (f"came from the cache ({r.source}) although it depends on the change")
            )
            print(f"  WRONG: {r.first_address} ({r.files} files) {why}")
        ran += not r.cached
        cached += r.cached
    tests = sorted(f for f in depends if f in owner)
    print(
        f"{ran} test processes ran, {cached} came from cache; test files depending on the change: "
        f"{len(tests)} ({', '.join(tests) if len(tests) <= 6 else ', '.join(tests[:6]) + ', ...'})"
    )
    return ok


def ran_some(console: Path) -> bool:
    ran = [r for r in _results(console) if not r.cached]
    print(f"{len(ran)} test processes ran locally")
    return bool(ran)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("claim", choices=["hits", "only-dependents", "ran-some"])
    parser.add_argument("console", type=Path)
    parser.add_argument("--min-remote", type=float, default=95.0)
    parser.add_argument("--reports", type=Path)
    parser.add_argument("--dependents", type=Path)
    args = parser.parse_args(argv)
    if args.claim == "hits":
        ok = hits(args.console, args.min_remote)
    elif args.claim == "only-dependents":
        ok = only_dependents(args.console, args.reports, args.dependents)
    else:
        ok = ran_some(args.console)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
