"""The leak check: after a test, rows it left in this process's database fail it.

Which tests are checked is the suite's ``leak_check`` (suites.py). Rows are counted before and
after each checked test, so rows a suite's session fixture committed earlier are never blamed
on the test. The check never waits for a
lock: a session of the suite's own that stays open (a session fixture, say) must not turn every
test into a lock timeout. When it cannot count or cannot empty the tables, it says why once per
process, naming the session in the way and the setting that turns the check off, and goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from testlanes.errors import TablesBusy
from testlanes.postgres.service import PostgresService

# The plugin's fixtures that reach this process's database: tests using them are checked by
# default. A test using only the suite's own connections is left to the suite's own cleanup.
DATABASE_FIXTURES = frozenset(
    {
        "database_url",
        "postgres_service",
        "db_engine",
        "db_connection",
        "db_sessionmaker",
        "db_session",
        "committing_engine",
        "module_committing_engine",
    }
)


@dataclass
class LeakCheck:
    service: PostgresService
    announce: Callable[[str], None]
    _said: set[str] = field(default_factory=set)

    def applies_to(self, fixturenames: Iterable[str]) -> bool:
        policy = self.service.suite.leak_check
        if policy == "fixtures":
            return not DATABASE_FIXTURES.isdisjoint(fixturenames)
        return bool(policy)

    def rows_now(self, nodeid: str) -> dict[str, int] | None:
        """Rows per table now, or None when a lock is in the way (said once)."""
        try:
            return self.service.row_counts()
        except TablesBusy as busy:
            self._say_once("count", f"cannot count the rows around {nodeid}: {busy}")
            return None

    def after(self, nodeid: str, before: dict[str, int]) -> str | None:
        """The failure message for test ``nodeid`` if it left rows behind, else None."""
        now = self.rows_now(nodeid)
        if now is None:
            return None
        leaked = {t: n - before.get(t, 0) for t, n in now.items() if n > before.get(t, 0)}
        if not leaked:
            return None
        detail = ", ".join(f"{table}: {n}" for table, n in sorted(leaked.items()))
        try:
            # Emptied so that the next test starts clean.
            self.service.truncate_tables()
        except TablesBusy as busy:
            self._say_once("empty", f"cannot empty the tables after {nodeid}: {busy}")
        return (
            f"{nodeid} left rows behind ({detail}); use db_session for rolled-back work or "
            f"committing_engine, which cleans up after committing tests"
        )

    def _say_once(self, what: str, why: str) -> None:
        if what in self._said:
            return
        self._said.add(what)
        suite = self.service.suite.name
        self.announce(
            f"[testlanes] leak check: {why}. The check never waits for another session's locks "
            f"(said once; it goes on where it can). If the suite cleans up after itself, turn "
            f"the check off: leak_check = false in [tool.testlanes.suites.{suite}]"
        )
