"""Enforce the lane model in both `lint` and `test`.

`lint` reports every misfiled target at once; `test` refuses to run a target that is misfiled, so
a run can never silently drop (or double count) a test that no lane selects.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pants.backend.python.goals.pytest_runner import PytestPluginSetup, PytestPluginSetupRequest
from pants.backend.python.target_types import PythonTestSourceField
from pants.base.build_root import BuildRoot
from pants.core.goals.lint import LintResult, LintTargetsRequest
from pants.core.util_rules.partitions import PartitionerType
from pants.engine.fs import EMPTY_DIGEST
from pants.engine.rules import collect_rules, rule
from pants.engine.target import FieldSet, Tags, Target
from pants.engine.unions import UnionRule

from lane_guard.lanes import lane_problem
from lane_guard.lanes_toml import LANES_FILE, load_lanes
from lane_guard.subsystem import LaneGuard


class LaneError(Exception):
    pass


def _lane_names() -> tuple[str, ...]:
    return load_lanes(Path(BuildRoot().path) / LANES_FILE).names


@dataclass(frozen=True)
class LaneFieldSet(FieldSet):
    required_fields = (PythonTestSourceField,)

    source: PythonTestSourceField
    tags: Tags


class LaneGuardRequest(LintTargetsRequest):
    field_set_type = LaneFieldSet
    tool_subsystem = LaneGuard
    partitioner_type = PartitionerType.DEFAULT_SINGLE_PARTITION


@rule(desc="Check test lanes")
async def lane_guard_lint(request: LaneGuardRequest.Batch[LaneFieldSet, Any]) -> LintResult:
    lanes = _lane_names()
    problems = sorted(
        problem
        for field_set in request.elements
        if (problem := lane_problem(field_set.address.spec, field_set.tags.value, lanes))
    )
    return LintResult(
        exit_code=1 if problems else 0,
        stdout="\n".join(problems),
        stderr="",
        linter_name=request.tool_name,
    )


@dataclass(frozen=True)
class LaneCheckBeforeTest(PytestPluginSetupRequest):
    @classmethod
    def is_applicable(cls, target: Target) -> bool:
        return target.has_field(PythonTestSourceField)


@rule(desc="Check the test lane")
async def lane_guard_test(request: LaneCheckBeforeTest) -> PytestPluginSetup:
    problem = lane_problem(request.target.address.spec, request.target[Tags].value, _lane_names())
    if problem:
        raise LaneError(problem)
    return PytestPluginSetup(EMPTY_DIGEST)


def rules():
    return [
        *collect_rules(),
        *LaneGuardRequest.rules(),
        UnionRule(PytestPluginSetupRequest, LaneCheckBeforeTest),
    ]
