"""Every error testlanes raises, in one place. Retries and the outage tracker decide by these
types (retries.NEVER_RETRY), never by the wording of a message."""

from __future__ import annotations

import pytest


class LanesError(Exception):
    """Raised inside testlanes' own code: configuration and provisioning."""


class ConfigError(LanesError):
    """The settings are inconsistent; the message says how to fix them."""


class AmbiguousSuite(ConfigError):
    """Several suites are configured and the process names none: an error only when a test
    needs a database (a unit lane process never does)."""


class AlembicRecipeFailed(ConfigError):
    """``alembic upgrade head`` failed; the message says how to reproduce it."""


class ServiceUnavailable(LanesError):
    """A declared service cannot be reached; the message names it and the address tried."""


class ServiceLockTimeout(LanesError):
    """Waiting for a service's serial lock took longer than the configured timeout."""


class TablesBusy(LanesError):
    """Another session holds a lock our statement needs; we did not wait. Names the holders."""


class LaneRuleError(LanesError):
    """A test broke its lane's rule; the message names the rule, the lane and the fix. Raised
    into the code under test, which may swallow it: the rule records it too."""


class ShownFailure(pytest.fail.Exception):  # type: ignore[misc,name-defined]
    """A failure testlanes reports on a test: shown as its message alone, as
    ``pytest.fail(message, pytrace=False)`` is."""

    def __init__(self, message: str) -> None:
        super().__init__(message, pytrace=False)


class NotProvisioned(ShownFailure):
    """A declared service could not be provisioned: the process runs no test that needs it
    (before the first import, when its directory or suite declares it; see startup.py)."""

    def __init__(self, service: str, detail: str) -> None:
        super().__init__(f"cannot provision {service}: {detail}")
        self.service = service
        self.detail = detail


class ServiceNotDeclared(ShownFailure):
    """A test used a service's fixture without declaring the service."""


class RowsLeftBehind(ShownFailure):
    """A test left rows in its process's database (the leak check)."""


class ServiceDown(ShownFailure):
    """A declared service stopped answering: this test and every later one that needs it."""


def as_excinfo(error: BaseException, cause: BaseException | None) -> pytest.ExceptionInfo:
    """``error`` as a test's exception, for a report that names another cause than the one
    raised (retries read the test's exception to decide)."""
    try:
        raise error from cause
    except BaseException:
        return pytest.ExceptionInfo.from_current()


# Failures a retry cannot fix, or would hide; pytest-timeout's own failure is added by text.
NEVER_RETRY: tuple[type[BaseException], ...] = (
    LaneRuleError,
    NotProvisioned,
    ServiceNotDeclared,
    RowsLeftBehind,
    ServiceDown,
)
