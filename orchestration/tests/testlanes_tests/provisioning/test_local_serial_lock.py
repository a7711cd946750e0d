"""testlanes.locks.ServiceLock: the local serial lock (search engines), across real processes."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from testlanes.errors import ServiceLockTimeout
from testlanes.locks import ServiceLock, lock_path_for
from testlanes_testkit.runner import clean_env

URL = "postgresql+psycopg://tester:secret@db.example:5432/catalog"

HOLD_AND_RECORD = textwrap.dedent(
    """
    import json, os, sys, time
    from pathlib import Path
    from testlanes.locks import ServiceLock
    lock_dir, out = Path(sys.argv[1]), Path(sys.argv[2])
    with ServiceLock("postgres", sys.argv[3], lock_dir=lock_dir, timeout=60):
        start = time.monotonic()
        time.sleep(0.2)  # the critical section's workload, long enough to overlap if unlocked
        end = time.monotonic()
    out.write_text(json.dumps([start, end]))
    """
)


def _python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


def test_the_lock_is_exclusive_across_processes(tmp_path: Path) -> None:
    procs = [
        subprocess.Popen(
            _python(HOLD_AND_RECORD, str(tmp_path), str(tmp_path / f"{i}.json"), URL),
            env=clean_env(),
        )
        for i in range(4)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]

    intervals = sorted(json.loads((tmp_path / f"{i}.json").read_text()) for i in range(4))
    for (_, earlier_end), (later_start, _) in itertools.pairwise(intervals):
        assert earlier_end <= later_start, intervals


def test_a_waiter_says_which_service_and_lock_it_waits_for_and_who_holds_it(
    tmp_path: Path,
) -> None:
    waiter = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from testlanes.locks import ServiceLock
        ServiceLock("postgres", sys.argv[2], lock_dir=Path(sys.argv[1]), timeout=1).acquire()
        """
    )
    with ServiceLock("postgres", URL, lock_dir=tmp_path, timeout=5) as held:
        result = subprocess.run(
            _python(waiter, str(tmp_path), URL),
            env=clean_env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert result.returncode != 0
    assert "waiting for the postgres serial lock" in result.stderr
    assert str(held.path) in result.stderr
    assert f"held by pid {os.getpid()}" in result.stderr


def test_waiting_longer_than_the_timeout_ends_in_a_clear_error(tmp_path: Path) -> None:
    with ServiceLock("postgres", URL, lock_dir=tmp_path, timeout=5):
        # A second lock object in this process contends like another process would (flock).
        contender = ServiceLock(
            "postgres", URL, lock_dir=tmp_path, timeout=0.3, announce=lambda _msg: None
        )
        with pytest.raises(ServiceLockTimeout, match=r"gave up after 0 s .*TEST_LOCK_TIMEOUT"):
            contender.acquire()


def test_a_killed_holder_releases_the_lock(tmp_path: Path) -> None:
    holder = textwrap.dedent(
        """
        import os, signal, sys
        from pathlib import Path
        from testlanes.locks import ServiceLock
        ServiceLock("postgres", sys.argv[2], lock_dir=Path(sys.argv[1]), timeout=5).acquire()
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run(_python(holder, str(tmp_path), URL), env=clean_env(), check=False)
    assert result.returncode == -9

    lock = ServiceLock("postgres", URL, lock_dir=tmp_path, timeout=5)
    lock.acquire()
    try:
        assert lock.is_locked
    finally:
        lock.release()


def test_the_holder_file_names_the_holding_process_while_held(tmp_path: Path) -> None:
    with ServiceLock("postgres", URL, lock_dir=tmp_path, timeout=5) as lock:
        info = json.loads(lock.holder_path.read_text())
    assert info["pid"] == os.getpid()
    assert not lock.holder_path.exists()


def test_lock_files_are_named_by_server_and_database_not_by_credentials(tmp_path: Path) -> None:
    same = lock_path_for(tmp_path, "postgres", "postgresql://other:pw@DB.example/catalog")
    other_db = lock_path_for(tmp_path, "postgres", "postgresql://tester@db.example/elsewhere")

    assert same == lock_path_for(tmp_path, "postgres", URL)
    assert other_db != same
