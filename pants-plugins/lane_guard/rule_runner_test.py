"""The lane guard as Pants runs it: BUILD files parsed with the lane macros, the lint rule and the
check before a test process, in a RuleRunner engine (run by build-support/ci/test_pants_plugins.sh
on Pants' own CPython 3.9; see pants-plugins/lane_guard/BUILD).
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from pants.backend.python.goals.pytest_runner import PytestPluginSetup
from pants.backend.python.target_types import (
    PythonTestsBatchCompatibilityTagField,
    PythonTestsExtraEnvVarsField,
    PythonTestsGeneratorTarget,
    PythonTestsTimeoutField,
    PythonTestTarget,
)
from pants.backend.python.target_types_rules import rules as python_target_types_rules
from pants.build_graph.address import Address
from pants.core.goals.lint import LintResult
from pants.engine.internals.scheduler import ExecutionError
from pants.engine.target import Tags, Target
from pants.testutil.rule_runner import QueryRule, RuleRunner

from lane_guard import rules as lane_rules
from lane_guard.lanes_toml import LANES_FILE, load_lanes
from lane_guard.register import lane_macros
from lane_guard.rules import LaneCheckBeforeTest, LaneFieldSet, LaneGuardRequest

# The repository's lanes.toml (the script runs from the repository root), plus a fourth lane.
REPO_LANES = Path(LANES_FILE).read_text()
SMOKE_LANE = dedent(
    """
    [lanes.smoke]
    description = "the deployed service answers"
    may_touch = "services"
    process_timeout = 300
    test_timeout = 30
    """
)
TEST_FILE = "def test_it():\n    assert True\n"


def make_rule_runner(tmp_path: Path, lanes_toml: str = REPO_LANES) -> RuleRunner:
    lanes_file = tmp_path / LANES_FILE
    lanes_file.write_text(lanes_toml)
    rule_runner = RuleRunner(
        rules=[
            *lane_rules.rules(),
            *python_target_types_rules(),
            QueryRule(LintResult, [LaneGuardRequest.Batch]),
            QueryRule(PytestPluginSetup, [LaneCheckBeforeTest]),
        ],
        target_types=[PythonTestsGeneratorTarget, PythonTestTarget],
        context_aware_object_factories=lane_macros(load_lanes(lanes_file)),
    )
    # The rules read the lanes from the build root, as they do in the repository.
    rule_runner.write_files({LANES_FILE: lanes_toml})
    return rule_runner


@pytest.fixture()
def rule_runner(tmp_path: Path) -> RuleRunner:
    return make_rule_runner(tmp_path)


def write_test_dir(rule_runner: RuleRunner, directory: str, build: str) -> None:
    rule_runner.write_files({f"{directory}/BUILD": build, f"{directory}/test_it.py": TEST_FILE})


def target_in(rule_runner: RuleRunner, directory: str) -> Target:
    """The test target generated for `<directory>/test_it.py`."""
    return rule_runner.get_target(Address(directory, relative_file_path="test_it.py"))


def lint(rule_runner: RuleRunner, *targets: Target) -> LintResult:
    field_sets = tuple(LaneFieldSet.create(target) for target in targets)
    return rule_runner.request(
        LintResult, [LaneGuardRequest.Batch("lane-guard", field_sets, partition_metadata=None)]
    )


def check_before_test(rule_runner: RuleRunner, target: Target) -> PytestPluginSetup:
    return rule_runner.request(PytestPluginSetup, [LaneCheckBeforeTest(target)])


def test_a_macro_made_target_carries_its_lanes_tag_batch_timeout_and_policy(
    rule_runner: RuleRunner,
) -> None:
    write_test_dir(rule_runner, "svc", 'integration_tests(services=["postgres"], suite="svc")')
    target = target_in(rule_runner, "svc")
    integration = load_lanes(Path(LANES_FILE)).lane("integration")
    assert target[Tags].value == ("integration",)
    assert target[PythonTestsBatchCompatibilityTagField].value == integration.batch
    assert target[PythonTestsTimeoutField].value == integration.process_timeout
    assert {"TEST_LANE=integration", "TEST_SERVICES=postgres", "TEST_SUITE=svc"} <= set(
        target[PythonTestsExtraEnvVarsField].value or ()
    )


def test_lint_passes_when_every_target_is_in_exactly_one_lane(rule_runner: RuleRunner) -> None:
    write_test_dir(rule_runner, "unit", "unit_tests()")
    write_test_dir(rule_runner, "svc", 'integration_tests(services=["postgres"])')
    result = lint(rule_runner, target_in(rule_runner, "unit"), target_in(rule_runner, "svc"))
    assert (result.exit_code, result.stdout) == (0, "")


def test_lint_names_a_target_without_a_lane(rule_runner: RuleRunner) -> None:
    write_test_dir(rule_runner, "orphan", "python_tests()")
    result = lint(rule_runner, target_in(rule_runner, "orphan"))
    assert result.exit_code == 1
    assert result.stdout.startswith("orphan/test_it.py has no test lane")


def test_lint_names_a_target_in_two_lanes(rule_runner: RuleRunner) -> None:
    write_test_dir(rule_runner, "both", 'python_tests(tags=["unit", "integration"])')
    result = lint(rule_runner, target_in(rule_runner, "both"))
    assert result.exit_code == 1
    assert "is in 2 test lanes (unit, integration)" in result.stdout


def test_lint_reports_every_misfiled_target_at_once(rule_runner: RuleRunner) -> None:
    write_test_dir(rule_runner, "a", "python_tests()")
    write_test_dir(rule_runner, "b", 'python_tests(tags=["unit", "contract"])')
    write_test_dir(rule_runner, "c", "unit_tests()")
    targets = [target_in(rule_runner, d) for d in ("a", "b", "c")]
    problems = lint(rule_runner, *targets).stdout.splitlines()
    assert [problem.split(" ")[0] for problem in problems] == ["a/test_it.py", "b/test_it.py"]


def test_a_tag_naming_a_lane_missing_from_lanes_toml_is_no_lane(rule_runner: RuleRunner) -> None:
    write_test_dir(rule_runner, "smoke", 'python_tests(tags=["smoke"])')
    result = lint(rule_runner, target_in(rule_runner, "smoke"))
    assert "smoke/test_it.py has no test lane" in result.stdout


def test_a_lane_without_tests_leaves_the_guard_green(rule_runner: RuleRunner) -> None:
    # lanes.toml declares contract and integration, but only a unit test exists.
    write_test_dir(rule_runner, "unit", "unit_tests()")
    assert lint(rule_runner, target_in(rule_runner, "unit")).exit_code == 0


def test_a_misfiled_target_is_refused_before_its_tests_run(rule_runner: RuleRunner) -> None:
    write_test_dir(rule_runner, "orphan", "python_tests()")
    with pytest.raises(ExecutionError, match="orphan/test_it.py has no test lane"):
        check_before_test(rule_runner, target_in(rule_runner, "orphan"))


def test_a_target_in_one_lane_is_let_through_to_its_tests(rule_runner: RuleRunner) -> None:
    write_test_dir(rule_runner, "unit", "unit_tests()")
    assert isinstance(
        check_before_test(rule_runner, target_in(rule_runner, "unit")), PytestPluginSetup
    )


def test_a_lane_added_to_lanes_toml_gets_a_macro_and_passes_the_guard(tmp_path: Path) -> None:
    rule_runner = make_rule_runner(tmp_path, REPO_LANES + SMOKE_LANE)
    write_test_dir(rule_runner, "smoke", 'smoke_tests(services=["postgres"])')
    target = target_in(rule_runner, "smoke")
    assert target[Tags].value == ("smoke",)
    assert lint(rule_runner, target).exit_code == 0


def test_a_lane_macro_refusing_its_arguments_fails_the_build_file(
    rule_runner: RuleRunner,
) -> None:
    write_test_dir(rule_runner, "unit", 'unit_tests(services=["postgres"])')
    with pytest.raises(ExecutionError, match="may touch nothing"):
        target_in(rule_runner, "unit")
