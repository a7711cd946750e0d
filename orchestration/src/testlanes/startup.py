"""What a test process does before the suite's first import: provision, or stop (fail closed).

A process in which a service is declared either runs its tests against what testlanes
provisioned for it, or runs none. So when provisioning fails, the session ends here, in
``pytest_load_initial_conftests``, before any conftest is imported: the suite never reads its
settings, never falls back to its own defaults (a developer's real database) and never runs a
teardown that deletes every row. The one message says what failed and what to do; it is also
written into the JUnit report, so the lane report names the cause instead of N test failures.
"""

from __future__ import annotations

import os
import re
import socket
import time
import xml.etree.ElementTree as ET
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from testlanes.errors import NotProvisioned

if TYPE_CHECKING:
    from testlanes.lane_policy import LanePolicy

# The JUnit testsuite property that carries the cause (testlanes_report reads it).
NOT_PROVISIONED_PROPERTY = "not_provisioned"
XDIST_WORKER_VAR = "PYTEST_XDIST_WORKER"


class Role(Enum):
    """Which part this process plays: it alone decides whether it provisions."""

    NOTHING_RUNS = "nothing runs"  # --help, --version, --collect-only, --fixtures, --markers
    XDIST_CONTROLLER = "xdist controller"  # spawns workers, runs no test itself
    RUNS_TESTS = "runs tests"  # a plain process or an xdist worker


_NOTHING_RUNS_OPTIONS = (
    *("help", "version", "collectonly", "markers"),
    *("showfixtures", "show_fixtures_per_test"),
)


def role(early_config: pytest.Config) -> Role:
    ns = early_config.known_args_namespace
    if any(getattr(ns, name, False) for name in _NOTHING_RUNS_OPTIONS):
        return Role.NOTHING_RUNS
    if os.environ.get(XDIST_WORKER_VAR) or not early_config.pluginmanager.has_plugin("xdist"):
        return Role.RUNS_TESTS
    # As xdist decides in its pytest_cmdline_main, which runs later: -n N (or auto), or --tx.
    numprocesses = getattr(ns, "numprocesses", None)
    distributes = bool(getattr(ns, "tx", None)) and getattr(ns, "dist", "no") != "no"
    if numprocesses or distributes or getattr(ns, "distload", False):
        return Role.XDIST_CONTROLLER
    return Role.RUNS_TESTS


_CLOSING = "so nothing could reach a database testlanes did not provision."
_MESSAGE = re.compile(rf"testlanes: cannot provision .*?{re.escape(_CLOSING)}", re.DOTALL)


def stop(
    early_config: pytest.Config,
    failure: NotProvisioned,
    declared_by: str,
    policy: LanePolicy | None,
) -> None:
    """End the session before the suite's first import, with one message (always raises)."""
    message = (
        f"testlanes: {failure} (declared by {declared_by}). No test ran and nothing of the "
        f"suite was imported, {_CLOSING}"
    )
    report = getattr(early_config.known_args_namespace, "xmlpath", None)
    if report:
        write_junit(Path(report), message, policy.lane if policy else None)
    raise pytest.UsageError(message)


def write_junit(path: Path, message: str, lane: str | None) -> None:
    """A JUnit report with no test and the cause as a testsuite property (pytest's junitxml
    plugin is not configured yet at this point, so it would write nothing)."""
    suite = ET.Element(
        "testsuite",
        name="pytest",
        errors="1",
        failures="0",
        skipped="0",
        tests="0",
        time="0.000",
        timestamp=time.strftime("%Y-%m-%dT%H:%M:%S"),
        hostname=socket.gethostname(),
    )
    properties = ET.SubElement(suite, "properties")
    if lane is not None:
        ET.SubElement(properties, "property", name="lane", value=lane)
    ET.SubElement(properties, "property", name=NOT_PROVISIONED_PROPERTY, value=message)
    root = ET.Element("testsuites")
    root.append(suite)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


class XdistWorkersWatch:
    """In an xdist controller: a worker that could not provision ends with ``stop``'s usage
    error, which xdist shows as "node down" with a traceback and then counts as "no tests ran"
    (exit status 5, a pass to many runners). Say the one message, fail the session with it."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: object, error: object) -> None:
        found = _MESSAGE.search(str(error or ""))
        if found is None:
            return
        message = found.group(0)
        if message not in self.messages:
            self.messages.append(message)
        # A replacement worker would fail the same way: let xdist replace none. It has no public
        # switch for that once running (--max-worker-restart is read when the session starts).
        dsession = node.config.pluginmanager.getplugin("dsession")  # type: ignore[attr-defined]
        if hasattr(dsession, "_max_worker_restart"):
            dsession._max_worker_restart = 0

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # tryfirst: before junitxml writes its file in its own pytest_sessionfinish.
        if not self.messages:
            return
        from _pytest.junitxml import xml_key

        xml = session.config.stash.get(xml_key, None)
        for message in self.messages:
            if xml is not None:
                xml.add_global_property(NOT_PROVISIONED_PROPERTY, message)
        if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            session.exitstatus = pytest.ExitCode.USAGE_ERROR

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        for message in self.messages:
            terminalreporter.write_sep("=", "NOT PROVISIONED", red=True, bold=True)
            terminalreporter.write_line(message)
