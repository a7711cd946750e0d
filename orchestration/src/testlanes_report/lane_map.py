"""Which lane each test file belongs to, as Pants' tags say (the BUILD files are the truth)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

from testlanes_report.console import file_of_address

UNKNOWN_LANE = "(no lane)"


class LaneMapError(RuntimeError):
    """Pants could not list the lanes' targets; the message ends with what Pants said."""


def lane_map_from_listings(listings: Mapping[str, str]) -> dict[str, str]:
    """Map test files to lanes from the output of `pants --tag=LANE list ::` per lane."""
    return {
        file_of_address(line.strip()): lane
        for lane, listing in listings.items()
        for line in listing.splitlines()
        if line.strip().endswith(".py") or ".py:" in line
    }


def _list_lane(pants: Path, lane: str) -> str:
    cmd = [str(pants.absolute()), f"--tag={lane}", "list", "::"]
    # Absolute: a relative Path("./pants") would print as "pants" and be looked up on PATH.
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise LaneMapError(f"cannot run {cmd[0]}: {exc}") from None
    if proc.returncode != 0:
        said = "\n".join(proc.stderr.strip().splitlines()[-5:])
        raise LaneMapError(f"`{' '.join(cmd)}` exited {proc.returncode}:\n{said}")
    return proc.stdout


def lane_map_from_pants(pants: Path, lanes: Iterable[str]) -> dict[str, str]:
    return lane_map_from_listings({lane: _list_lane(pants, lane) for lane in lanes})
