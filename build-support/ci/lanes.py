"""Which lane each test file belongs to, as Pants' tags say (the BUILD files are the truth).

The lane names come from lanes.toml, through the orchestration's one reader of it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parents[2]
try:
    from testlanes.lanes import load_lanes
except ImportError:  # run as a script from a checkout, not by Pants
    sys.path.insert(0, str(_REPO / "orchestration" / "src"))
    from testlanes.lanes import load_lanes

LANES: tuple[str, ...] = load_lanes(_REPO / "lanes.toml").names
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
