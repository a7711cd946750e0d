"""The one reader of coverage.py's XML report, and coverage.py's own rule for the gate."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

_CONDITION = re.compile(r"\d+% \((\d+)/(\d+)\)")


@dataclass(frozen=True)
class Coverage:
    lines_valid: int
    lines_covered: int
    branches_valid: int
    branches_covered: int
    # (file, percent) of every measured file, as the report lists them.
    files: tuple[tuple[str, float], ...] = ()

    @property
    def counts(self) -> tuple[int, int, int, int]:
        return (self.lines_valid, self.lines_covered, self.branches_valid, self.branches_covered)

    @property
    def percent(self) -> float:
        """coverage.py's total: statements and branches together (what `fail_under` judges)."""
        total = self.lines_valid + self.branches_valid
        covered = self.lines_covered + self.branches_covered
        return 100.0 * covered / total if total else 100.0


def _file_percent(cls: ET.Element) -> float:
    lines = list(cls.iter("line"))
    hits = sum(1 for line in lines if int(line.get("hits", "0")) > 0)
    branches = covered_branches = 0
    for line in lines:
        condition = _CONDITION.match(line.get("condition-coverage", ""))
        if condition:
            covered_branches += int(condition[1])
            branches += int(condition[2])
    total = len(lines) + branches
    return 100.0 * (hits + covered_branches) / total if total else 100.0


def read_coverage_xml(path: Path) -> Coverage:
    root = ET.parse(path).getroot()
    return Coverage(
        lines_valid=int(root.get("lines-valid", "0")),
        lines_covered=int(root.get("lines-covered", "0")),
        branches_valid=int(root.get("branches-valid", "0")),
        branches_covered=int(root.get("branches-covered", "0")),
        files=tuple((cls.get("filename", "?"), _file_percent(cls)) for cls in root.iter("class")),
    )


def covered_lines(path: Path) -> set[tuple[str, int]]:
    """(file, line number) of every line the report counts as run: to compare two reports."""
    return {
        (cls.get("filename", "?"), int(line.get("number", "0")))
        for cls in ET.parse(path).getroot().iter("class")
        for line in cls.iter("line")
        if int(line.get("hits", "0")) > 0
    }


def gate_fails(percent: float, fail_under: float, precision: int) -> bool:
    """coverage.py's own rule (results.should_fail_under): compare the total as displayed."""
    if fail_under == 100.0 and percent != 100.0:
        return True
    return round(percent, precision) < fail_under
