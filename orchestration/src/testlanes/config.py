"""The test environment: the settings of options.py (option, variable or ini key), resolved
once per process in ``pytest_load_initial_conftests``, before the plugin exports anything."""

from __future__ import annotations

import hashlib
import os
import socket
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from testlanes import options
from testlanes.errors import ConfigError

SERVICES = options.SERVICES
Service = Literal["postgres", "opensearch", "elasticsearch"]
Isolation = Literal["serial", "slot"]

# A shared server for the TESTS: never the application's own DATABASE_URL & co., which the
# plugin exports to the suite (see exports.py) and which therefore mean "this process's database".
URL_VARS: dict[str, str] = {service: setting.var for service, setting in options.SERVER.items()}
VERSION_VARS: dict[str, str] = {s: setting.var for s, setting in options.VERSION.items()}
ISOLATION_VAR = options.ISOLATION.var
SLOT_VAR = options.SLOT.var
XDIST_VAR = "PYTEST_XDIST_WORKER"
LOCK_DIR_VAR = options.LOCK_DIR.var
LOCK_TIMEOUT_VAR = options.LOCK_TIMEOUT.var
CACHE_DIR_VAR = options.CACHE_DIR.var
CONNECT_TIMEOUT_VAR = options.CONNECT_TIMEOUT.var
SERVICES_VAR = options.DECLARED.var
SUITE_VAR = options.SUITE.var


@dataclass(frozen=True)
class TestSettings:
    """A snapshot of the variables, taken before the plugin exports anything itself."""

    __test__ = False  # not a test class, despite the name

    urls: Mapping[str, str]
    versions: Mapping[str, str]
    isolation: Isolation
    slot: str | None
    xdist_worker: str | None
    lock_dir: Path
    lock_timeout: float
    cache_dir: Path
    connect_timeout: float
    # Services the test directory declares for every module (TEST_SERVICES, from its BUILD).
    directory_services: frozenset[str] = frozenset()
    suite: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TestSettings:
        env = os.environ if env is None else env
        isolation = env.get(ISOLATION_VAR, "serial") or "serial"
        if isolation not in ("serial", "slot"):
            raise ConfigError(f"{ISOLATION_VAR}={isolation!r}: expected 'serial' or 'slot'")
        tmp = Path(tempfile.gettempdir())
        return cls(
            urls={s: env[v] for s, v in URL_VARS.items() if env.get(v)},
            versions={s: env[v] for s, v in VERSION_VARS.items() if env.get(v)},
            isolation=isolation,  # type: ignore[arg-type]
            slot=env.get(SLOT_VAR) or None,
            xdist_worker=env.get(XDIST_VAR) or None,
            lock_dir=Path(env.get(LOCK_DIR_VAR) or tmp / "testlanes-locks"),
            lock_timeout=_positive_float(env, LOCK_TIMEOUT_VAR, 600.0),
            cache_dir=Path(env.get(CACHE_DIR_VAR) or tmp / "testlanes-cache"),
            connect_timeout=_positive_float(env, CONNECT_TIMEOUT_VAR, 5.0),
            directory_services=_services(env.get(SERVICES_VAR, "")),
            suite=env.get(SUITE_VAR) or None,
        )

    def is_shared(self, service: str) -> bool:
        return service in self.urls

    def slot_suffix(self) -> str:
        """The per-process part of slot names: Pants' slot, xdist's worker, else our pid."""
        parts = [f"s{self.slot}" if self.slot else f"p{os.getpid()}"]
        if self.xdist_worker:
            parts.append(self.xdist_worker)
        return "_".join(_identifier(p) for p in parts)

    def namespace(self) -> str:
        # Slot numbers repeat on every machine; the host keeps CI runners sharing one server apart.
        return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]


def _services(raw: str) -> frozenset[str]:
    names = frozenset(n.strip() for n in raw.split(",") if n.strip())
    unknown = names - set(SERVICES)
    if unknown:
        raise ConfigError(
            f"{SERVICES_VAR}={raw!r} names unknown service(s) {sorted(unknown)}; "
            f"known: {', '.join(SERVICES)}"
        )
    return names


def _identifier(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text.lower())


def _positive_float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number of seconds") from None
    if value <= 0:
        raise ConfigError(f"{name}={raw!r} must be positive")
    return value


def version_matches(expected: str, actual: str) -> bool:
    """``15`` matches ``15.8 (Debian ...)``; ``15.8`` matches ``15.8``; ``15.1`` not ``15.10``."""
    actual_number = actual.split()[0] if actual.split() else actual
    return actual_number == expected or actual_number.startswith(expected + ".")
