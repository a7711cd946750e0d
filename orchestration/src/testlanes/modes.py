"""Which isolation mode a service gets in this test process: decided here and nowhere else.

embedded  no shared test server is given (``TEST_POSTGRES_URL`` unset): the process runs its own
          throwaway server. Only PostgreSQL can be embedded; a search engine without a server
          is not available and its tests are skipped, saying why.
serial    a shared test server is given and ``TEST_ISOLATION`` is ``serial`` (the default): the
          process uses it under a lock that keeps every other test process out.
slot      a shared test server is given and ``TEST_ISOLATION=slot``: the process gets its own
          database (PostgreSQL) or index prefix (search engines) on it.
"""

from __future__ import annotations

from enum import Enum

from testlanes.config import TestSettings


class Mode(Enum):
    EMBEDDED = "embedded"
    SERIAL = "serial"
    SLOT = "slot"
    UNAVAILABLE = "unavailable"


EMBEDDABLE = frozenset({"postgres"})


def decide(settings: TestSettings, service: str) -> Mode:
    if not settings.is_shared(service):
        return Mode.EMBEDDED if service in EMBEDDABLE else Mode.UNAVAILABLE
    return Mode.SLOT if settings.isolation == "slot" else Mode.SERIAL
