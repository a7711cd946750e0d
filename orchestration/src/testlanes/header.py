"""The run's header: which lane, suite, mode and servers this process uses, and where each
setting came from (an option, a variable, an ini key), so a run says what it tested against."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from testlanes.lane_policy import LanePolicy
from testlanes.modes import decide
from testlanes.options import SETTINGS, Resolved
from testlanes.postgres import PostgresService
from testlanes.registry import Registry


def header_lines(reg: Registry, resolved: Resolved, policy: LanePolicy | None) -> list[str]:
    suite = reg.suite_name()
    declared = ", ".join(sorted(reg.declared_services())) or "none"
    lines = [
        f"testlanes: lane {policy.lane if policy else '(none)'}, suite {suite}, "
        f"services declared for every test: {declared}"
    ]
    for name in sorted(reg.declared_services()):
        lines.append(f"testlanes: {name}: {_service_line(reg, name)}")
    keys = {setting.var: setting.key for setting in SETTINGS}
    for var, value in sorted(resolved.values.items()):
        line = f"testlanes: {keys[var]} = {_shown(var, value)} (from {resolved.sources[var]}"
        if var in resolved.overridden:
            line += f", overriding ini {keys[var]} = {_shown(var, resolved.overridden[var])}"
        lines.append(line + ")")
    return lines


def _service_line(reg: Registry, name: str) -> str:
    mode = decide(reg.settings, name).value
    service = reg.provisioned(name)
    if isinstance(service, PostgresService):
        return f"{mode} mode, database {service.describe()}"
    if service is not None:
        return f"{mode} mode, {service.url} (index prefix {service.index_prefix})"
    return f"{mode} mode, not provisioned"


def _shown(var: str, value: str) -> str:
    """A setting's value for the header, with the password of a URL hidden."""
    parts = urlsplit(value) if var.endswith("_URL") else None
    if parts is None or parts.password is None:
        return value
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
