"""Serial mode's lock lives on the PostgreSQL server: it holds across machines (processes with
their own temp and lock directories) and dies with its holder's connection."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from testlanes.errors import ServiceLockTimeout
from testlanes.postgres import PostgresService
from testlanes.postgres.serial import ServerLock
from testlanes_testkit.runner import clean_env

# Takes locks through the server's maintenance database, as serial mode itself does.
pytestmark = [pytest.mark.services("postgres"), pytest.mark.manages_databases]

CHILD = textwrap.dedent(
    """
    import json, sys, time
    from sqlalchemy.engine import make_url
    from testlanes.postgres.serial import ServerLock

    url, mode, timeout = make_url(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    lock = ServerLock(url, timeout=timeout, connect_timeout=5, announce=print)
    conn = lock.acquire()
    start = time.time()
    if mode == "hold":
        print("HELD", flush=True)
        sys.stdin.read()  # until the parent kills us
    else:
        conn.execute("SELECT pg_sleep(0.3)")  # the critical section's work
        print(json.dumps([start, time.time()]), flush=True)
    lock.release()
    """
)


def _child(
    url: str, mode: str, timeout: float, machine: Path, *extra_args: str
) -> subprocess.Popen[str]:
    machine.mkdir(parents=True, exist_ok=True)
    # Its own temp and lock directory, as a second machine would have: no local file is shared.
    env = clean_env({"TMPDIR": str(machine), "TEST_LOCK_DIR": str(machine)})
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, url, mode, str(timeout), *extra_args],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture()
def lock_url(postgres_service: PostgresService) -> str:
    """A database name of its own on this process's server: the lock is per database, and in
    serial mode this process holds the lock of its own database for the whole session."""
    name = f"tl_lock_probe_{uuid.uuid4().hex[:8]}"  # a lock key: the database need not exist
    return postgres_service.sa_url.set(database=name).render_as_string(hide_password=False)


def _lock(url: str, timeout: float) -> ServerLock:
    return ServerLock(make_url(url), timeout=timeout, connect_timeout=5, announce=lambda _: None)


def test_processes_on_separate_machines_never_hold_it_at_once(
    lock_url: str, tmp_path: Path
) -> None:
    children = [_child(lock_url, "work", 60, tmp_path / f"machine{n}") for n in range(3)]
    outputs = [c.communicate(timeout=120) for c in children]

    assert [c.returncode for c in children] == [0, 0, 0], outputs
    intervals = sorted(json.loads(out.strip().splitlines()[-1]) for out, _ in outputs)
    for (_, earlier_end), (later_start, _) in itertools.pairwise(intervals):
        assert earlier_end <= later_start, intervals


def test_a_waiter_names_the_holder_and_gives_up_after_its_timeout(
    lock_url: str, tmp_path: Path
) -> None:
    lock = _lock(lock_url, timeout=5)
    lock.acquire()
    try:
        waiter = _child(lock_url, "work", 1, tmp_path / "other")
        out, err = waiter.communicate(timeout=60)
    finally:
        lock.release()

    assert waiter.returncode != 0
    pytest.LineMatcher(err.splitlines()).fnmatch_lines(
        [
            "*gave up after 1 s waiting for the postgres serial lock (postgres://*), held by "
            f"{os.uname().nodename} pid {os.getpid()} in {os.getcwd()}: *(server pid *)*"
        ]
    )


def test_a_waiter_is_shown_the_holders_whole_command_however_long(
    lock_url: str, tmp_path: Path
) -> None:
    # Far beyond the 63 bytes PostgreSQL keeps of an application_name.
    long_argument = "--" + "holder-argument-" * 20
    holder = _child(lock_url, "hold", 60, tmp_path / "holder", long_argument)
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "HELD"
    try:
        waiter = _child(lock_url, "work", 1, tmp_path / "waiter")
        out, _ = waiter.communicate(timeout=60)
    finally:
        holder.kill()
        holder.communicate(timeout=30)

    pytest.LineMatcher(out.splitlines()).fnmatch_lines(
        [
            f"[[]testlanes] pid {waiter.pid} waiting for the postgres serial lock (postgres://*), "
            f"held by {os.uname().nodename} pid {holder.pid} in *: -c *{long_argument} "
            "(server pid *, from *, connected since *)"
        ]
    )


def test_killing_the_holder_lets_the_next_process_in_within_two_seconds(
    lock_url: str, tmp_path: Path
) -> None:
    holder = _child(lock_url, "hold", 60, tmp_path / "holder")
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "HELD"
    with pytest.raises(ServiceLockTimeout):
        _lock(lock_url, timeout=0.5).acquire()

    holder.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    holder.communicate(timeout=30)  # reaps it and closes our ends of its pipes
    lock = _lock(lock_url, timeout=10)
    lock.acquire()
    waited = time.monotonic() - killed
    lock.release()

    print(f"lock taken {waited:.2f} s after SIGKILL of its holder")
    assert waited < 2.0


def test_the_lock_is_per_database_so_two_shared_databases_do_not_wait(lock_url: str) -> None:
    first = _lock(lock_url, timeout=1)
    other = _lock(lock_url + "_elsewhere", timeout=1)
    first.acquire()
    try:
        other.acquire()
        other.release()
    finally:
        first.release()
