"""The trees a scenario runs in: checkouts of this repository and generated workspaces."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import workspace_gen as gen
from harness import REPO, capture, clean_env, must, timed

LANES = gen.LANES


# Lane policy, which a plain pytest run (B0, B1) does not have; the rest of a test target's
# variables (suite, services, the plugin) decide what one pytest process can run together.
_LANE_ONLY = ("TEST_LANE", "PYTEST_TIMEOUT", "TEST_LOCK_TIMEOUT")


@dataclass(frozen=True)
class EnvGroup:
    """Test files one plain pytest process can run: the same variables from their BUILD files."""

    env: tuple[str, ...]  # NAME=value
    files: tuple[str, ...]
    serial: bool  # it uses a shared service: B1 runs it in its serial lane

    def environ(self) -> dict[str, str]:
        return dict(item.split("=", 1) for item in self.env)


def group_by_env(env_of: dict[str, tuple[str, ...]]) -> list[EnvGroup]:
    """Files by their variables (lane policy left out), in a stable order."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for file, env in env_of.items():
        kept = tuple(item for item in env if not item.startswith(_LANE_ONLY))
        groups.setdefault(kept, []).append(file)
    return [
        EnvGroup(env, tuple(sorted(files)), any(i.startswith("TEST_SERVICES=") for i in env))
        for env, files in sorted(groups.items())
    ]


def test_targets(root: Path, log: Path) -> dict[str, dict]:
    """Every test file of the checkout -> its python_test target's fields (`pants peek ::`): the
    BUILD files are the truth for its lane (tags) and what its process needs (extra_env_vars)."""
    proc = subprocess.run(
        ["./pants", "--pantsd", "peek", "::"],
        cwd=root,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(proc.stderr)
    if proc.returncode != 0:
        raise SystemExit(f"pants peek failed (exit {proc.returncode}); log {log}")
    targets = json.loads(proc.stdout)
    return {t["address"].split(":", 1)[0]: t for t in targets if t["target_type"] == "python_test"}


@dataclass
class Workspace:
    """A tree Pants and pytest run in: a checkout of this repo, or a generated one."""

    root: Path
    test_root: str  # tests outside it (plugins, build-support) are Pants-only
    pythonpath: str
    cov_source: str
    real: bool
    lanes: dict[str, list[str]] = field(default_factory=dict)  # lane -> test files pytest runs
    # Every test file Pants runs (the build's own tests too): what a change can make rerun.
    all_tests: frozenset[str] = frozenset()
    # How plain pytest must split the files (real suite: from the BUILD files); by lane if empty.
    groups: list[EnvGroup] = field(default_factory=list)
    pg_cache: Path | None = None
    lock_dir: Path | None = None

    def files(self, *lanes: str) -> list[str]:
        return [f for lane in (lanes or LANES) for f in self.lanes.get(lane, [])]

    def env_groups(self) -> list[EnvGroup]:
        if self.groups:
            return self.groups
        fast = tuple(self.files("unit", "contract"))
        slow = tuple(self.files("integration"))
        return [g for g in (EnvGroup((), fast, False), EnvGroup((), slow, True)) if g.files]


def checkout(dest: Path, source: Path = REPO) -> None:
    """A git clone of source plus its working tree's uncommitted changes (none in CI).

    The P-remote clones copy checkout A, not this working tree: files edited here while the
    harness runs would otherwise change cache keys between the two checkouts.
    """
    subprocess.run(["git", "clone", "-q", str(source), str(dest)], check=True)
    changed = capture(
        ["git", "diff", "--name-only", "--diff-filter=d", "HEAD"], cwd=source
    ).splitlines()
    untracked = capture(
        ["git", "ls-files", "--others", "--exclude-standard"], cwd=source
    ).splitlines()
    for rel in changed + untracked:
        if rel and (source / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / rel, dest / rel)
    for rel in capture(
        ["git", "diff", "--name-only", "--diff-filter=D", "HEAD"], cwd=source
    ).splitlines():
        (dest / rel).unlink(missing_ok=True)


def export_resolve(root: Path, log: Path) -> Path:
    export = ["./pants", "--pantsd", "export", "--resolve=python-default"]
    must(timed(export, cwd=root, env=clean_env(), log=log), "pants export")
    found = sorted((root / "dist/export/python/virtualenvs/python-default").glob("*/bin/python"))
    if not found:
        raise SystemExit(f"pants export left no interpreter; see {log}")
    return found[-1]


def stop_pantsd(root: Path) -> None:
    """Stop the daemon this harness started in root (its pid file, checked to be a pantsd)."""
    for pid_file in root.glob(".pids/*/pantsd/pid"):
        try:
            pid = int(pid_file.read_text().strip())
            if b"pantsd" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGTERM)
        except (ValueError, OSError):
            pass


def scenario_env(
    ws: Workspace, pg_cache: Path | None = None, **extra: str | None
) -> dict[str, str]:
    return clean_env(
        PYTHONPATH=ws.pythonpath,
        TEST_CACHE_DIR=str(pg_cache) if pg_cache else None,
        TEST_LOCK_DIR=str(ws.lock_dir) if ws.lock_dir else None,
        **extra,
    )


def real_workspace(root: Path, work: Path, targets: dict[str, dict]) -> Workspace:
    """A checkout of this repository (targets: test_targets): its backend tests are what B0 and
    B1 run, in one pytest process per group of the variables their BUILD files give them."""
    lanes = {
        lane: sorted(f for f, t in targets.items() if lane in t.get("tags", ())) for lane in LANES
    }
    backend = {
        f: tuple(t.get("extra_env_vars") or ())
        for f, t in targets.items()
        if f.startswith("backend/tests/")
    }
    return Workspace(
        root=root,
        test_root="backend/tests",
        # orchestration/tests: the child-run helpers (testlanes_testkit) some backend tests use.
        pythonpath="backend/src:backend/tests:orchestration/src:orchestration/tests",
        cov_source="backend/src",
        real=True,
        lanes={lane: [f for f in files if f in backend] for lane, files in lanes.items()},
        all_tests=frozenset(targets),
        groups=group_by_env(backend),
        pg_cache=work / "pg-template-cache",
        lock_dir=work / "locks",
    )
