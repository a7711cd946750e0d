"""The pull-request replay: what a typical pull request costs, over many one-line changes.

For each file, a one-line change is committed on a fresh clone and run the way pr.yml runs a pull
request: the remote cache warm from main and read-only, the named caches restored, an empty local
store, no daemon. Recorded: wall time (as x B0), the test processes and files that reran, and the
test files that really depend on the change (`pants dependents --transitive`). Precision is
dependent files rerun / files rerun: batching that reruns unrelated files lowers it.

Each change also runs as many Pants users run a pull request without a remote cache:
`pants test` over `--changed-since=HEAD~1 --changed-dependents=transitive` (the commit's parent
stands for origin/main), a fresh clone, the same named caches, an empty local store, no daemon,
the coverage gate off (it cannot judge a subset). What the remote cache buys is the difference.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import benchstats
from harness import GIT, progress
from pants_runs import clone_run, dependent_tests
from servers import RemoteServer, remote_env
from workspaces import Workspace

# Spread over the repository: service code, shared code, test utilities, tests, the orchestration,
# configuration. Each is a file a pull request plausibly touches.
REAL_FILES = (
    "backend/src/catalog/domain/slugs.py",
    "backend/src/catalog/domain/inputs.py",
    "backend/src/catalog/services/documents.py",
    "backend/src/catalog/services/bulk_import.py",
    "backend/src/catalog/http/routers/tags.py",
    "backend/src/catalog/http/problems.py",
    "backend/src/catalog/adapters/db/repositories.py",
    "backend/src/catalog/adapters/search/opensearch.py",
    "backend/src/catalog/adapters/memory.py",
    "backend/src/inventory/api.py",
    "backend/src/inventory/models.py",
    "backend/src/slugkit/__init__.py",
    "backend/tests/catalog_support/testclient.py",
    "backend/tests/unit/test_slugs.py",
    "backend/tests/contract/conftest.py",
    "backend/tests/integration/test_repositories.py",
    "backend/tests/inventory_tests/integration/test_products.py",
    "orchestration/src/testlanes/retries.py",
    "orchestration/src/embedded_postgres/host.py",
    "build-support/benchmarks/benchstats.py",
    "lanes.toml",
    "backend/tests/unit/BUILD",
)
EDIT_MARK = "pull-request replay"
# `pants test` over what changed since main and what depends on it, no remote cache, no gate.
CHANGED_SINCE_ENV = {
    "PANTS_CHANGED_SINCE": "HEAD~1",
    "PANTS_CHANGED_DEPENDENTS": "transitive",
    "PANTS_COVERAGE_PY_FAIL_UNDER": "0",
}


@dataclass(frozen=True)
class Replay:
    file: str
    seconds: float
    ok: bool
    processes: int
    processes_rerun: int
    rerun: frozenset[str]
    dependents: frozenset[str]
    rerun_seconds: float = 0.0  # process time of the test processes that reran
    changed_since: float | None = None  # wall s of the same change under --changed-since
    changed_since_ok: bool = True

    @property
    def precision(self) -> float:
        """Dependent files rerun / files rerun; nothing rerun is perfectly precise."""
        if not self.rerun:
            return 1.0
        return len(self.rerun & self.dependents) / len(self.rerun)

    @property
    def missed(self) -> frozenset[str]:
        """Dependents that came from a cache: must be empty, or the cache key is wrong."""
        return self.dependents - self.rerun


@dataclass(frozen=True)
class Distribution:
    median: float  # x B0
    p90: float
    worst: float
    worst_file: str
    precision: float  # over all replays: dependent files rerun / files rerun

    @classmethod
    def of(cls, replays: Sequence[Replay], b0: float) -> Distribution:
        ratios = [r.seconds / b0 for r in replays]
        rerun = sum(len(r.rerun) for r in replays)
        dependent = sum(len(r.rerun & r.dependents) for r in replays)
        worst = max(replays, key=lambda r: r.seconds)
        return cls(
            median=benchstats.summarize(ratios).median,  # as the headline's Median s column
            p90=benchstats.percentile(ratios, 90),
            worst=worst.seconds / b0,
            worst_file=worst.file,
            precision=dependent / rerun if rerun else 1.0,
        )


def precision_with(batches: Iterable[frozenset[str]], replays: Sequence[Replay]) -> float:
    """The replays' precision had the tests run in these batches (e.g. another layout's): a
    batch reruns as a whole when any of its files depends on the change, and only then."""
    batches = list(batches)
    rerun = dependent = 0
    for r in replays:
        files = frozenset().union(*(batch for batch in batches if batch & r.dependents))
        rerun += len(files)
        dependent += len(files & r.dependents)
    return dependent / rerun if rerun else 1.0


def edit_line(path: Path) -> None:
    """Append one line that changes the file's content and nothing it means."""
    if path.suffix == ".py":
        line = f"_PULL_REQUEST_REPLAY = 1  # {EDIT_MARK}\n"
    elif path.suffix in (".toml", ".txt", ".cfg", ".sh") or path.name == "BUILD":
        line = f"# {EDIT_MARK}\n"
    else:
        raise ValueError(f"no one-line edit for {path.name}: add a rule for its format")
    text = path.read_text()
    path.write_text(text + ("" if text.endswith("\n") else "\n") + line)


def _commit(clone: Path, file: str) -> None:
    edit_line(clone / file)
    subprocess.run([*GIT, "commit", "-qam", f"{EDIT_MARK}: {file}"], cwd=clone, check=True)


def replay_one(
    ws: Workspace, work: Path, named: Path, server: RemoteServer, file: str, logs: Path
) -> Replay:
    slug = file.replace("/", "_")
    dependents = dependent_tests(ws, file, logs / f"replay-dependents-{slug}.log")
    run = clone_run(
        ws,
        work,
        named,
        logs / f"replay-{slug}.log",
        env_extra=remote_env(server, False),
        prepare=lambda clone: _commit(clone, file),
    )
    changed = clone_run(
        ws,
        work,
        named,
        logs / f"replay-changed-since-{slug}.log",
        env_extra=CHANGED_SINCE_ENV,
        targets=(),
        prepare=lambda clone: _commit(clone, file),
    )
    return Replay(
        file=file,
        changed_since=changed.timed.seconds,
        changed_since_ok=changed.timed.ok,
        seconds=run.timed.seconds,
        ok=run.timed.ok,
        processes=len(run.processes),
        processes_rerun=len(run.ran()),
        rerun=frozenset(run.rerun_files()),
        dependents=frozenset(dependents),
        rerun_seconds=sum(p.seconds for p in run.ran()),
    )


def replay_all(
    ws: Workspace,
    work: Path,
    named: Path,
    server: RemoteServer,
    files: Sequence[str],
    logs: Path,
) -> list[Replay]:
    replays = []
    for n, file in enumerate(files, 1):
        progress(f"replay {n}/{len(files)}: {file}")
        replays.append(replay_one(ws, work, named, server, file, logs))
        last = replays[-1]
        progress(
            f"replay {n}/{len(files)}: {last.seconds:.1f} s, {last.processes_rerun} of "
            f"{last.processes} processes reran ({len(last.rerun)} files, "
            f"{len(last.rerun & last.dependents)} dependent); --changed-since without the "
            f"remote cache {last.changed_since:.1f} s"
        )
    return replays
