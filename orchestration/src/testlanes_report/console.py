"""The one reader of Pants' console summary: one line per test process, with its time and source.

e.g. `✓ backend/tests/unit/test_x.py:unit and 3 other files succeeded in 0.27s (cached remotely).`
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RAN = "ran"
REMOTE = "cached remotely"
CACHE_SOURCES = ("memoized", "cached locally", REMOTE)

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Pants 2.17 core/goals/test.py `_format_test_summary`: sigil, description, status, optional
# elapsed time, optional source ("(cached remotely)", or "(... for docker environment `x`)").
_RESULT_LINE = re.compile(
    r"^(?P<sigil>[✓✕]) (?P<description>\S.*?) (?P<status>succeeded|failed)"
    r"(?: in (?P<seconds>\d+(?:\.\d+)?)s)?"
    r"(?: \((?P<source>memoized|ran|cached locally|cached remotely)(?: (?:in|for) [^)]*)?\))?\.$"
)
_BATCH = re.compile(r"^(?P<first>\S+) and (?P<others>\d+) other files$")


def file_of_address(address: str) -> str:
    """`backend/tests/unit/test_x.py:unit` -> `backend/tests/unit/test_x.py`."""
    return address.split(":", 1)[0]


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

    @property
    def first_file(self) -> str:
        return file_of_address(self.first_address)


def parse_console(text: str) -> list[ProcessResult]:
    results = []
    for raw in text.splitlines():
        match = _RESULT_LINE.match(ANSI.sub("", raw).strip())
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
