"""Cross-process serial lock per shared service (serial isolation mode).

The lock is an ``flock`` on a file named from a hash of the service address, so the kernel
releases it when the holder dies, however it dies. A sidecar file records the holder's pid and
command line so that a waiting process can say whom it waits for.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from filelock import FileLock, Timeout

from embedded_postgres.host import pid_alive
from testlanes.endpoints import endpoint
from testlanes.errors import ServiceLockTimeout

# Re-announce the wait this often, so a long wait shows progress and a changed holder.
_ANNOUNCE_EVERY = 30.0


def service_identity(service: str, url: str) -> str:
    """What two URLs must share to mean the same server resource: no password, no driver."""
    where = endpoint(url)
    path = urlsplit(url).path.rstrip("/") if service == "postgres" else ""
    return f"{service}://{where.host.lower()}:{where.port}{path}"


def lock_path_for(lock_dir: Path, service: str, url: str) -> Path:
    digest = hashlib.sha256(service_identity(service, url).encode()).hexdigest()[:16]
    return lock_dir / f"{service}-{digest}.lock"


def _describe_holder(holder_path: Path) -> str:
    try:
        info = json.loads(holder_path.read_text())
    except (OSError, ValueError):
        return "holder unknown"
    pid = info.get("pid")
    alive = info.get("host") != socket.gethostname() or pid_alive(int(pid))
    state = "" if alive else ", no longer running: its lock is about to be released"
    host, since, cmd = info.get("host"), info.get("since"), info.get("cmd")
    return f"held by pid {pid} on {host} since {since}{state}: {cmd}"


class ServiceLock:
    """Exclusive, cross-process, held until release() or process death."""

    def __init__(
        self,
        service: str,
        url: str,
        *,
        lock_dir: Path,
        timeout: float,
        announce: Callable[[str], None] | None = None,
    ) -> None:
        self.service = service
        self.identity = service_identity(service, url)
        self.path = lock_path_for(lock_dir, service, url)
        self.holder_path = self.path.with_suffix(".holder")
        self.timeout = timeout
        self._announce = announce or (lambda msg: print(msg, file=sys.stderr, flush=True))
        lock_dir.mkdir(parents=True, exist_ok=True)
        # thread_local=False: acquired at collection, released at exit, maybe by another thread.
        # fallback_to_soft=False: a soft lock would outlive a killed holder; we need flock.
        self._lock = FileLock(
            self.path,
            mode=0o666,
            thread_local=False,
            fallback_to_soft=False,
            preserve_lock_file=True,
        )

    @property
    def is_locked(self) -> bool:
        return self._lock.is_locked

    def acquire(self) -> None:
        if self._lock.is_locked:
            return
        try:
            self._lock.acquire(blocking=False)
        except Timeout:
            self._wait()
        self._write_holder()

    def _wait(self) -> None:
        start = time.monotonic()
        deadline = start + self.timeout
        last_holder = None
        while True:
            holder = _describe_holder(self.holder_path)
            if holder != last_holder:
                self._announce(
                    f"[testlanes] pid {os.getpid()} waiting for the {self.service} serial lock "
                    f"({self.identity}, lock file {self.path}), {holder}"
                )
                last_holder = holder
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ServiceLockTimeout(
                    f"gave up after {self.timeout:.0f} s waiting for the {self.service} serial "
                    f"lock "
                    f"{self.path} ({self.identity}), {holder}. Another test process is using the "
                    f"shared {self.service}; raise TEST_LOCK_TIMEOUT, or use "
                    f"TEST_ISOLATION=slot to share it without waiting"
                )
            try:
                self._lock.acquire(timeout=min(remaining, _ANNOUNCE_EVERY))
            except Timeout:
                continue
            self._announce(
                f"[testlanes] pid {os.getpid()} got the {self.service} serial lock after "
                f"{time.monotonic() - start:.1f} s"
            )
            return

    def _write_holder(self) -> None:
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "cmd": " ".join(sys.argv)[:300],
        }
        tmp = self.holder_path.with_suffix(f".holder.{os.getpid()}")
        tmp.write_text(json.dumps(info))
        os.replace(tmp, self.holder_path)

    def release(self) -> None:
        if not self._lock.is_locked:
            return
        with contextlib.suppress(OSError):
            self.holder_path.unlink()
        self._lock.release(force=True)

    def __enter__(self) -> ServiceLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
