"""A declared service that dies mid-run stops its tests at once, reported as one outage.

After a test fails, the services it declared are probed (a TCP connect to the address the
process was given, one second at most). One that does not answer is marked down for the rest of
the process: every later test that declares it fails at setup with the same message, without
waiting for its own connect timeout; outage failures are never retried (retries.NEVER_RETRY) and
so never counted as flakes; the terminal summary and the JUnit report carry one line per outage
("postgres down at ADDRESS since TEST, N tests not run").

Only the addresses this process was given are probed, so a test that stops a server of its own
(the provisioning tests start and stop clusters) is never taken for an outage.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

import pytest

from testlanes.errors import ServiceDown, as_excinfo
from testlanes.markers import declared_services

OUTAGE_PREFIX = "service down: "
OUTAGE_PROPERTY = "outage"
_PROBE_TIMEOUT = 1.0


@dataclass
class Outage:
    service: str
    address: str
    source: str
    since: str
    not_run: list[str] = field(default_factory=list)

    def message(self) -> str:
        return (
            f"{OUTAGE_PREFIX}{self.service} at {self.address} (from {self.source}) stopped "
            f"answering during {self.since}; this and every later test that declares "
            f"{self.service} fail at once. Restart the server (or fix {self.source}) and run again"
        )

    def summary(self) -> str:
        return (
            f"{self.service} down at {self.address} since {self.since}, "
            f"{len(self.not_run)} tests not run"
        )


def reachable(host: str, port: int, timeout: float = _PROBE_TIMEOUT) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# service name -> (host, port, where the address came from), for provisioned services only.
Addresses = Callable[[], dict[str, tuple[str, int, str]]]


class OutageTracker:
    """pytest plugin object: detects outages after failures and fails their tests fast."""

    def __init__(self, addresses: Addresses) -> None:
        self._addresses = addresses
        self.down: dict[str, Outage] = {}

    def mark_down(self, service: str, address: str, source: str, since: str) -> Outage:
        return self.down.setdefault(service, Outage(service, address, source, since))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        for name in sorted(declared_services(item)):
            outage = self.down.get(name)
            if outage is not None:
                outage.not_run.append(item.nodeid)
                item.user_properties.append((OUTAGE_PROPERTY, name))
                raise ServiceDown(outage.message())

    # trylast: innermost, so the retry plugin's own wrapper sees the outage, not the raw error.
    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        if not report.failed or OUTAGE_PREFIX in report.longreprtext:
            return report
        declared = declared_services(item)
        for name, (host, port, source) in sorted(self._addresses().items()):
            if name in declared and name not in self.down and not reachable(host, port):
                outage = self.mark_down(name, f"{host}:{port}", source, item.nodeid)
                item.user_properties.append((OUTAGE_PROPERTY, name))
                report.longrepr = f"{outage.message()}\n\n{report.longreprtext}"
                cause = call.excinfo.value if call.excinfo else None
                call.excinfo = as_excinfo(ServiceDown(outage.message()), cause)
        return report

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # Before junitxml writes the file (it also finishes in pytest_sessionfinish).
        for outage in self.down.values():
            for reporter in _junit_reporters(session.config):
                reporter.add_global_property(OUTAGE_PROPERTY, outage.summary())

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        for outage in self.down.values():
            terminalreporter.write_sep("=", f"OUTAGE: {outage.summary()}", red=True, bold=True)


def _junit_reporters(config: pytest.Config) -> list[Any]:
    from _pytest.junitxml import xml_key

    xml = config.stash.get(xml_key, None)
    return [xml] if xml is not None else []
