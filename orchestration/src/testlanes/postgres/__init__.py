"""PostgreSQL for one test process, in the mode modes.decide() chose (one module per mode)."""

from __future__ import annotations

from collections.abc import Callable

from testlanes.config import TestSettings
from testlanes.errors import ServiceUnavailable
from testlanes.modes import Mode, decide
from testlanes.postgres.embedded import provision_embedded
from testlanes.postgres.serial import provision_serial
from testlanes.postgres.service import PostgresService
from testlanes.postgres.slot import provision_slot
from testlanes.suites import Suite

__all__ = ["PostgresService", "ServiceUnavailable", "provision_postgres"]

_PROVISIONERS = {
    Mode.EMBEDDED: provision_embedded,
    Mode.SERIAL: provision_serial,
    Mode.SLOT: provision_slot,
}


def provision_postgres(
    suite: Suite, settings: TestSettings, announce: Callable[[str], None]
) -> PostgresService:
    return _PROVISIONERS[decide(settings, "postgres")](suite, settings, announce)
