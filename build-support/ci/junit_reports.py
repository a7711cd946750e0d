"""Read the JUnit XML reports Pants writes (one per test process) into per-test results."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"


@dataclass(frozen=True)
class TestResult:
    file: str
    name: str
    outcome: str
    seconds: float
    message: str = ""

    @property
    def test_id(self) -> str:
        return f"{self.file}::{self.name}"


def _outcome(case: ET.Element) -> tuple[str, str]:
    for tag, outcome in (("failure", FAILED), ("error", FAILED), ("skipped", SKIPPED)):
        child = case.find(tag)
        if child is not None:
            return outcome, (child.get("message") or "").strip()
    return PASSED, ""


def _file_of(case: ET.Element) -> str:
    # junit_family=xunit1 records the file; fall back to the dotted classname otherwise.
    file = case.get("file")
    if file:
        return file
    module = (case.get("classname") or "").rsplit(".", 1)[0]
    return module.replace(".", "/") + ".py"


def read_report(path: Path) -> list[TestResult]:
    root = ET.parse(path).getroot()
    results = []
    for case in root.iter("testcase"):
        outcome, message = _outcome(case)
        last = (case.get("classname") or "").rsplit(".", 1)[-1]
        cls = last if last[:1].isupper() else ""
        name = case.get("name") or "?"
        results.append(
            TestResult(
                file=_file_of(case),
                name=f"{cls}::{name}" if cls else name,
                outcome=outcome,
                seconds=float(case.get("time") or 0.0),
                message=message,
            )
        )
    return results


def read_reports(paths: Iterable[Path]) -> list[TestResult]:
    return [result for path in sorted(paths) for result in read_report(path)]


def find_reports(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*.xml"))
