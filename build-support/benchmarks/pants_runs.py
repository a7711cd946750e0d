"""One `./pants test` run, timed and read back: its processes (console) and tests (JUnit)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import benchstats
from harness import Timed, clean_env, fresh, must, timed
from workspaces import Workspace, checkout, scenario_env

from testlanes_report.console import REMOTE, ProcessResult, parse_console
from testlanes_report.junit import find_reports, read_report


@dataclass
class PantsRun:
    timed: Timed
    processes: list[ProcessResult]
    # test file -> (seconds of its tests, files of its process), from the JUnit reports
    junit: dict[str, tuple[float, frozenset[str]]]
    stats: str

    @property
    def remote_fraction(self) -> float:
        if not self.processes:
            return 0.0
        return sum(p.source == REMOTE for p in self.processes) / len(self.processes)

    def ran(self) -> list[ProcessResult]:
        return [p for p in self.processes if not p.cached]

    def rerun_files(self) -> set[str]:
        """Every test file of every process that ran (a batch reruns as a whole)."""
        return {f for p in self.ran() for f in self.files_of(p)}

    def batches(self) -> list[frozenset[str]]:
        """The test files of each process: the batch layout this run used."""
        return sorted({self.files_of(p) for p in self.processes}, key=sorted)

    def files_of(self, process: ProcessResult) -> frozenset[str]:
        first = process.first_address.split(":", 1)[0]
        return self.junit.get(first, (0.0, frozenset({first})))[1]

    def test_seconds_of(self, process: ProcessResult) -> float:
        return sum(self.junit.get(f, (0.0, frozenset()))[0] for f in self.files_of(process))

    def overhead(self) -> float:
        """The mean time a test process that ran spent outside its tests."""
        ran = self.ran()
        return benchstats.overhead_per_process(
            [p.seconds for p in ran], [self.test_seconds_of(p) for p in ran]
        )


def read_junit(reports: Path) -> dict[str, tuple[float, frozenset[str]]]:
    """Test file -> (seconds of its tests, the files of its process); a report is a process."""
    out: dict[str, tuple[float, frozenset[str]]] = {}
    for path in find_reports(reports):
        per_file: dict[str, float] = {}
        for result in read_report(path):
            per_file[result.file] = per_file.get(result.file, 0.0) + result.seconds
        group = frozenset(per_file)
        out.update({f: (s, group) for f, s in per_file.items()})
    return out


@dataclass
class Stores:
    store: Path
    named: Path

    def args(self) -> list[str]:
        return [f"--local-store-dir={self.store}", f"--named-caches-dir={self.named}"]


def pants_env(ws: Workspace, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = scenario_env(ws, ws.pg_cache, PANTS_CONFIG_FILES="pants.ci.toml", **(extra or {}))
    env.pop("PYTHONPATH")
    return env


def pants_test(
    ws: Workspace,
    stores: Stores,
    log: Path,
    *,
    pantsd: bool,
    targets: Sequence[str] = ("::",),
    extra_args: Sequence[str] = (),
    env_extra: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> PantsRun:
    root = cwd or ws.root
    args = ["--pantsd" if pantsd else "--no-pantsd", *stores.args(), "--stats-log"]
    if ws.pg_cache is not None:  # the integration lane's template cache and locks
        args.append('--test-extra-env-vars=+["TEST_CACHE_DIR","TEST_LOCK_DIR"]')
    cmd = ["./pants", *args, "test", *targets, *extra_args]
    result = timed(cmd, cwd=root, env=pants_env(ws, env_extra), log=log)
    text = result.text()
    stats = text[text.find("Counters:") :] if "Counters:" in text else ""
    return PantsRun(result, parse_console(text), read_junit(root / "dist/test/reports"), stats)


def dependent_tests(ws: Workspace, file: str, log: Path) -> set[str]:
    """The test files that depend on file, transitively, and file itself if it is a test
    (`pants dependents`, pantsd in ws)."""
    cmd = ["./pants", "--pantsd", "dependents", "--transitive", file]
    result = must(timed(cmd, cwd=ws.root, env=clean_env(), log=log), "pants dependents")
    listing = result.text().split("\n", 1)[1] if "\n" in result.text() else ""
    return dependent_tests_in(listing, file, ws.all_tests)


def dependent_tests_in(listing: str, file: str, all_tests: frozenset[str]) -> set[str]:
    """The test files in a `pants dependents` listing, plus file itself if it is a test: a
    changed test file reruns itself, and the listing names only the other targets."""
    addresses = {line.split(":", 1)[0] for line in listing.splitlines() if line.strip()}
    return (addresses | {file}) & all_tests


def clone_run(
    ws: Workspace,
    work: Path,
    named: Path,
    log: Path,
    *,
    prepare: Callable[[Path], None] | None = None,
    targets: Sequence[str] = ("::",),
    extra_args: Sequence[str] = (),
    env_extra: Mapping[str, str] | None = None,
) -> PantsRun:
    """`pants test` as a CI runner does it: a fresh clone of ws (prepared, e.g. a commit on top),
    the given named caches, an empty local store, no daemon."""
    clone = work / f"clone-{log.stem}"
    shutil.rmtree(clone, ignore_errors=True)
    if ws.real:
        checkout(clone, source=ws.root)
    else:
        ignore = shutil.ignore_patterns(".pants.d", ".pids", "dist", "__pycache__")
        shutil.copytree(ws.root, clone, ignore=ignore)
    if prepare is not None:
        prepare(clone)
    stores = Stores(work / f"store-{log.stem}", named)
    fresh(stores.store), fresh(ws.pg_cache)
    try:
        return pants_test(
            ws,
            stores,
            log,
            pantsd=False,
            targets=targets,
            extra_args=extra_args,
            env_extra=env_extra,
            cwd=clone,
        )
    finally:
        shutil.rmtree(clone, ignore_errors=True)
        fresh(stores.store)
