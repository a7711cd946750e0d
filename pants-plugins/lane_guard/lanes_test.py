"""The lane rule, the lane macros and lanes.toml, tested without Pants, in the unit lane.

rule_runner_test.py tests the same through Pants' engine (on CPython 3.9, outside `./pants test`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lane_guard.lanes import lane_problem, lanes_of
from lane_guard.lanes_toml import LanesError, load_lanes
from lane_guard.macros import MacroError, python_tests_kwargs

LANES = ("unit", "contract", "integration")
SMOKE = """
[lanes.smoke]
description = "the deployed service answers"
may_touch = "services"
process_timeout = 300
test_timeout = 30
"""


@pytest.fixture()
def lanes_file(tmp_path: Path) -> Path:
    """A copy of the repository's lanes.toml (a dependency of these tests: //:lanes)."""
    path = tmp_path / "lanes.toml"
    path.write_text(Path("lanes.toml").read_text())
    return path


@pytest.mark.parametrize("lane", LANES)
def test_a_target_in_exactly_one_lane_passes(lane: str) -> None:
    assert lane_problem("backend/tests/x:y", [lane, "slow"], LANES) is None


def test_a_target_without_a_lane_is_named_in_the_problem() -> None:
    problem = lane_problem("backend/tests/orphan:tests", ["slow"], LANES)
    assert problem is not None
    assert problem.startswith("backend/tests/orphan:tests has no test lane")


def test_a_target_in_two_lanes_lists_both() -> None:
    problem = lane_problem("a:b", ["integration", "unit"], LANES) or ""
    assert "is in 2 test lanes (unit, integration)" in problem


def test_lanes_of_keeps_lane_order_and_ignores_other_tags() -> None:
    assert lanes_of(["integration", "x", "unit"], LANES) == ["unit", "integration"]


def test_the_repository_lanes_are_unit_contract_and_integration(lanes_file: Path) -> None:
    assert load_lanes(lanes_file).names == LANES


def test_an_integration_macro_carries_the_lane_policy_services_and_suite(lanes_file: Path) -> None:
    config = load_lanes(lanes_file)
    fields = python_tests_kwargs(
        config,
        config.lane("integration"),
        "backend/tests/x",
        services=["postgres"],
        suite="catalog",
        dependencies=["backend/src/catalog/migrations"],
    )
    assert fields["tags"] == ["integration"]
    assert fields["batch_compatibility_tag"] == "integration"
    assert fields["timeout"] == 900
    assert fields["dependencies"] == [config.plugin_target, "backend/src/catalog/migrations"]
    assert fields["extra_env_vars"] == [
        "TEST_LANE=integration",
        "TEST_LANE_MAY_TOUCH=services",
        "TEST_LANE_RETRIES=2",
        "PYTEST_TIMEOUT=240",
        "TEST_LOCK_TIMEOUT=180",
        "TEST_SERVICES=postgres",
        "TEST_SUITE=catalog",
        "PYTEST_ADDOPTS=-p testlanes.plugin -p no:schemathesis -p no:hypothesispytest "
        "-p no:pytest_postgresql",
    ]


def installed_plugin_unit_fields(tmp_path: Path, extra_keys: str = "") -> dict[str, Any]:
    """A unit_tests() target's fields where the pytest plugin is an installed distribution."""
    path = tmp_path / "lanes.toml"
    path.write_text(
        'plugin_target = "3rdparty/python#testlanes"\n[lanes.unit]\n'
        f'may_touch = "nothing"\nprocess_timeout = 60\ntest_timeout = 10\n{extra_keys}'
    )
    config = load_lanes(path)
    return python_tests_kwargs(config, config.lane("unit"), "tests")


def test_a_plugin_installed_as_a_distribution_is_not_loaded_twice(tmp_path: Path) -> None:
    # Its pytest11 entry point loads it; `-p` as well would register it under a second name.
    fields = installed_plugin_unit_fields(tmp_path)
    assert fields["dependencies"] == ["3rdparty/python#testlanes"]
    assert not [v for v in fields["extra_env_vars"] if v.startswith("PYTEST_ADDOPTS=")]


def test_a_lane_disables_the_plugins_it_names_also_when_the_plugin_is_installed(
    tmp_path: Path,
) -> None:
    fields = installed_plugin_unit_fields(tmp_path, 'disable_plugins = ["schemathesis"]\n')
    assert "PYTEST_ADDOPTS=-p no:schemathesis" in fields["extra_env_vars"]


@pytest.mark.parametrize("value", ['"schemathesis"', '["-p no:x"]', "[1]", '[""]'])
def test_disable_plugins_must_be_a_list_of_plugin_names(lanes_file: Path, value: str) -> None:
    lanes_file.write_text(
        lanes_file.read_text().replace(
            'disable_plugins = ["schemathesis", "pytest_postgresql"]', f"disable_plugins = {value}"
        )
    )
    with pytest.raises(LanesError, match=r"\[lanes.unit\] disable_plugins must be a list"):
        load_lanes(lanes_file)


def test_a_unit_macro_refuses_services_naming_the_build_file(lanes_file: Path) -> None:
    config = load_lanes(lanes_file)
    with pytest.raises(MacroError, match=r"backend/tests/u/BUILD: unit_tests\(\) declares"):
        python_tests_kwargs(config, config.lane("unit"), "backend/tests/u", services=["postgres"])


def test_a_macro_refuses_to_override_what_its_lane_sets(lanes_file: Path) -> None:
    config = load_lanes(lanes_file)
    with pytest.raises(MacroError, match="sets timeout, which its lane sets"):
        python_tests_kwargs(config, config.lane("unit"), "a", timeout=5)


def test_a_fourth_lane_needs_only_its_table_in_lanes_toml(lanes_file: Path) -> None:
    lanes_file.write_text(lanes_file.read_text() + SMOKE)
    config = load_lanes(lanes_file)
    fields = python_tests_kwargs(config, config.lane("smoke"), "smoke", services=["postgres"])

    assert config.names == (*LANES, "smoke")
    assert fields["tags"] == ["smoke"]
    assert "TEST_LANE=smoke" in fields["extra_env_vars"]
    assert lane_problem("smoke:tests", fields["tags"], config.names) is None


def test_a_lane_with_an_unknown_may_touch_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lanes.toml"
    path.write_text('plugin_target = "p"\n[lanes.x]\nmay_touch = "network"\n')
    with pytest.raises(LanesError, match=r"\[lanes.x\] may_touch must be one of nothing, services"):
        load_lanes(path)


def test_a_test_timeout_not_below_the_process_timeout_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lanes.toml"
    path.write_text(
        'plugin_target = "p"\n[lanes.x]\nmay_touch = "nothing"\n'
        "process_timeout = 10\ntest_timeout = 10\n"
    )
    with pytest.raises(LanesError, match="test_timeout must be below process_timeout"):
        load_lanes(path)
