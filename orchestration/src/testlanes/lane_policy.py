"""What this test process's lane allows, as the BUILD macros pass it from lanes.toml.

The lanes are defined once, in lanes.toml (read by lane_guard.lanes_toml for the Pants side); a test
process only sees its own lane's policy, through these variables. Without ``TEST_LANE`` (a bare
``pytest`` run, or a child pytest a test starts) no lane rule applies.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from testlanes import options
from testlanes.errors import ConfigError

LANE_VAR = options.LANE.var
MAY_TOUCH_VAR = options.MAY_TOUCH.var
RETRIES_VAR = options.RETRIES.var
STRICT_VAR = options.STRICT.var
MayTouch = Literal["nothing", "services"]
_MAY_TOUCH: tuple[MayTouch, ...] = ("nothing", "services")


@dataclass(frozen=True)
class LanePolicy:
    lane: str
    may_touch: MayTouch
    retries: int = 0

    @property
    def pure(self) -> bool:
        """No sockets, subprocesses or databases: only declared services are ever reachable."""
        return self.may_touch == "nothing"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LanePolicy | None:
        env = os.environ if env is None else env
        lane = env.get(LANE_VAR, "")
        if not lane:
            return None
        may_touch = env.get(MAY_TOUCH_VAR, "")
        if may_touch not in _MAY_TOUCH:
            raise ConfigError(
                f"{LANE_VAR}={lane!r} needs {MAY_TOUCH_VAR} set to one of {', '.join(_MAY_TOUCH)} "
                f"(got {may_touch!r}); the BUILD macros set both from lanes.toml"
            )
        raw = env.get(RETRIES_VAR, "0") or "0"
        try:
            retries = int(raw)
        except ValueError:
            raise ConfigError(f"{RETRIES_VAR}={raw!r} is not a whole number") from None
        if retries < 0:
            raise ConfigError(f"{RETRIES_VAR}={raw!r} must not be negative")
        strict = env.get(STRICT_VAR, "") not in ("", "0")
        return cls(lane, may_touch, 0 if strict else retries)  # type: ignore[arg-type]


def lane_env(lane: str, may_touch: MayTouch, retries: int = 0) -> dict[str, str]:
    """The variables that give a process ``lane``'s policy (child runs, tests of the rules)."""
    return {LANE_VAR: lane, MAY_TOUCH_VAR: may_touch, RETRIES_VAR: str(retries)}
