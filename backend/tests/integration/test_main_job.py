"""The main job, ``python -m catalog``: without DATABASE_URL it serves on an embedded cluster."""

from __future__ import annotations

import contextlib
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest

from testlanes_testkit.runner import clean_env

# The main job starts a throwaway PostgreSQL of its own: not one testlanes provisioned.
pytestmark = pytest.mark.manages_databases


@dataclass
class MainJob:
    proc: subprocess.Popen[str]
    api: str
    database_url: str
    cluster_dirs: list[Path]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _read_line(proc: subprocess.Popen[str], timeout: float) -> str:
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "the main job printed nothing in time"
    assert proc.stdout is not None
    return proc.stdout.readline()


def _owned_cluster_dirs(pid: int) -> list[Path]:
    found = []
    for root in {Path(tempfile.gettempdir()), Path("/tmp")}:
        for d in root.glob("embedded-pg-*"):
            try:
                if (d / "owner.pid").read_text().strip() == str(pid):
                    found.append(d)
            except OSError:
                continue
    return found


@pytest.fixture()
def main_job(pg_template_dir: Path) -> Iterator[MainJob]:
    """``python -m catalog`` started with no DATABASE_URL, ready to serve."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "catalog", "--port", str(port)],
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = _read_line(proc, timeout=60)
        match = re.search(r"DATABASE_URL=(\S+)", line)
        assert match, line
        api = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:  # uvicorn binds right after the database line; wait until it answers
            try:
                if httpx.get(f"{api}/health/live", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                # Back-off between attempts that also notices the job dying.
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=0.1)
                assert proc.poll() is None, "the main job exited before serving"
        yield MainJob(proc, api, match.group(1), _owned_cluster_dirs(proc.pid))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        assert proc.stdout is not None
        proc.stdout.close()


def _pg_reachable(url: str) -> bool:
    try:
        with psycopg.connect(url.replace("+psycopg", ""), connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


def test_without_database_url_the_main_job_serves_on_a_migrated_embedded_database(
    main_job: MainJob,
) -> None:
    ready = httpx.get(f"{main_job.api}/health/ready", timeout=10)
    created = httpx.post(f"{main_job.api}/workspaces", json={"name": "Embedded"}, timeout=10)

    assert ready.status_code == 200
    assert created.status_code == 201, created.text
    assert _pg_reachable(main_job.database_url)
    assert len(main_job.cluster_dirs) == 1


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_stopping_the_main_job_stops_and_deletes_its_embedded_database(
    main_job: MainJob, stop_signal: signal.Signals
) -> None:
    main_job.proc.send_signal(stop_signal)
    main_job.proc.wait(timeout=60)

    assert not _pg_reachable(main_job.database_url)
    assert [d for d in main_job.cluster_dirs if d.exists()] == []
