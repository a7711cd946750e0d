"""The pytest plugin: wires lanes, services, isolation, retries and outages into a session.

Loaded with ``-p testlanes.plugin`` (the BUILD macros put it into ``PYTEST_ADDOPTS``) or through
the ``pytest11`` entry point of the installed wheel; never from a conftest, because it must run
before any conftest is imported. This module only holds hooks; each concern has its own module.

It imports those modules inside its hooks, not at the top: ``-p`` plugins are imported before
pytest-cov starts measuring (in its own, earlier ``pytest_load_initial_conftests``), and code
imported then would count as never run in the merged coverage report the gate judges.
"""

from __future__ import annotations

import signal
import threading
from typing import TYPE_CHECKING

import pytest
from _pytest.junitxml import xml_key

if TYPE_CHECKING:
    from testlanes.config import TestSettings
    from testlanes.lane_policy import LanePolicy
    from testlanes.suites import Suite

_SKIP_REASON = "{var} is not set: no {service} server to test against"
# The marker's name; testlanes.markers reads it (kept here too: imported before coverage starts).
_SERVICES_MARKER = "services"


def pytest_addoption(parser: pytest.Parser) -> None:
    from testlanes.options import add_options

    add_options(parser)


def _policy(config: pytest.Config) -> LanePolicy | None:
    from testlanes.lane_policy import LanePolicy
    from testlanes.options import resolve

    return LanePolicy.from_env(resolve(config).values)


def _settings_or_usage_error(config: pytest.Config) -> TestSettings:
    from testlanes.config import TestSettings
    from testlanes.errors import AmbiguousSuite, ConfigError
    from testlanes.options import resolve
    from testlanes.registry import Registry, install
    from testlanes.suites import load_suites, select_suite

    try:
        settings = TestSettings.from_env(resolve(config).values)
        _policy(config)  # a bad lane setting is a usage error before anything is provisioned
        suites = load_suites(config.inipath)
        try:
            suite: Suite | AmbiguousSuite = select_suite(suites, settings.suite, config.inipath)
        except AmbiguousSuite as exc:
            suite = exc  # raised when a test needs the database, not before
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    install(config, Registry(config, settings, suite))
    config.pluginmanager.import_plugin("testlanes.fixtures")
    return settings


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """Before any conftest or test module is imported: provision what the directory or suite
    declares and export the suite's variables, so suites that read settings at import time see
    them; or end the session here (fail closed, startup.py)."""
    from testlanes import startup
    from testlanes.errors import ConfigError
    from testlanes.registry import registry

    _settings_or_usage_error(early_config)
    reg = registry(early_config)
    declared = reg.declared_services()
    role = startup.role(early_config)
    if not declared or role is startup.Role.NOTHING_RUNS:
        return
    if role is startup.Role.XDIST_CONTROLLER:
        try:
            reg.prepare_xdist_controller(declared)
        except ConfigError as exc:
            raise pytest.UsageError(f"testlanes: {exc}") from None
        early_config.pluginmanager.register(startup.XdistWorkersWatch(), "testlanes_xdist")
        return
    try:
        reg.provision_declared(declared)
    except startup.NotProvisioned as failure:
        startup.stop(early_config, failure, reg.declared_by(), _policy(early_config))


def pytest_configure(config: pytest.Config) -> None:
    from testlanes import lane_rules, retries
    from testlanes.config import SERVICES
    from testlanes.registry import registry

    if not _has_registry(config):  # loaded after the initial conftests (e.g. by a conftest)
        _settings_or_usage_error(config)
    reg = registry(config)
    policy = _policy(config)
    config.addinivalue_line(
        "markers",
        f"{_SERVICES_MARKER}(*names): services a test needs ({', '.join(SERVICES)})",
    )
    config.addinivalue_line(
        "markers",
        "manages_databases: the test reaches databases testlanes did not provision, on purpose "
        "(servers of its own, a dead address); exempt from the isolation rule",
    )
    config.add_cleanup(reg.close)
    _stop_cleanly_on_sigterm()
    config.pluginmanager.register(reg.outages, "testlanes_outages")
    lane_rules.register(config, policy, reg)
    retries.register(config, policy)


def _has_registry(config: pytest.Config) -> bool:
    from testlanes.registry import registry

    try:
        registry(config)
    except KeyError:
        return False
    return True


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _stop_cleanly_on_sigterm() -> None:
    """Runners stop test processes with SIGTERM; by default Python then dies without cleanup.

    As a KeyboardInterrupt, pytest tears down fixtures and we stop clusters, drop slot databases
    and release locks (a SIGKILL is covered by the parent-death signal and the sweeps instead).
    """
    if threading.current_thread() is threading.main_thread() and (
        signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    ):
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from testlanes.config import SERVICES, URL_VARS
    from testlanes.markers import declared_services
    from testlanes.registry import registry

    reg = registry(config)
    directory = reg.declared_services()
    for item in items:
        if directory - declared_services(item):
            item.add_marker(getattr(pytest.mark, _SERVICES_MARKER)(*sorted(directory)))
        names = declared_services(item)
        unknown = names - set(SERVICES)
        if unknown:
            raise pytest.UsageError(
                f"{item.nodeid}: unknown service(s) {sorted(unknown)} in services marker; "
                f"known: {', '.join(SERVICES)}"
            )
        for name in sorted(names):
            if not reg.available(name):
                reason = _SKIP_REASON.format(var=URL_VARS[name], service=name)
                item.add_marker(pytest.mark.skip(reason=reason))
                break


def pytest_report_header(config: pytest.Config) -> list[str]:
    from testlanes.header import header_lines
    from testlanes.options import resolve
    from testlanes.registry import registry

    return header_lines(registry(config), resolve(config), _policy(config))


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    # Reports group test files by lane (testlanes.reporting reads this testsuite property);
    # tryfirst: junitxml writes its file in its own pytest_sessionfinish.

    policy = _policy(session.config)
    xml = session.config.stash.get(xml_key, None)
    if policy is not None and xml is not None:
        xml.add_global_property("lane", policy.lane)
