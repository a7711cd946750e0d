"""Which lane each test file belongs to, as Pants' tags say (the BUILD files are the truth)."""

from __future__ import annotations

import subprocess
from pathlib import Path

LANES: tuple[str, ...] = ("unit", "contract", "integration")
UNKNOWN_LANE = "(no lane)"


def file_of_address(address: str) -> str:
    """`backend/tests/unit/test_x.py:unit` -> `backend/tests/unit/test_x.py`."""
    return address.split(":", 1)[0]


def lane_map_from_listings(listings: dict[str, str]) -> dict[str, str]:
    """Map test files to lanes from the output of `pants --tag=LANE list ::` per lane."""
    return {
        file_of_address(line.strip()): lane
        for lane, listing in listings.items()
        for line in listing.splitlines()
        if line.strip().endswith(".py") or ".py:" in line
    }


def lane_map_from_pants(pants: Path) -> dict[str, str]:
    listings = {
        lane: subprocess.run(
            # Absolute: a relative Path("./pants") would print as "pants" and be looked up on PATH.
            [str(pants.absolute()), f"--tag={lane}", "list", "::"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for lane in LANES
    }
    return lane_map_from_listings(listings)
