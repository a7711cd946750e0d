"""What a cluster needs from the host: an unprivileged OS user, free ports, process checks,
and the sweep of directories that killed processes left behind. Standard library only."""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import shutil
import signal
import socket
from dataclasses import dataclass
from pathlib import Path

from embedded_postgres.errors import EmbeddedPostgresError

DIR_PREFIX = "embedded-pg-"
OWNER_FILE = "owner.pid"


@dataclass(frozen=True)
class OsUser:
    name: str
    uid: int
    gid: int


def cluster_os_user() -> OsUser | None:
    """The unprivileged user to run the cluster as, or None to run as ourselves."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("PG_OS_USER", "postgres")
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise EmbeddedPostgresError(
            f"running as root, but initdb refuses root and the OS user {name!r} does not exist: "
            f"create it (e.g. install the postgresql package) or set PG_OS_USER to an "
            f"unprivileged user"
        ) from None
    return OsUser(name, entry.pw_uid, entry.pw_gid)


def chown_tree(path: Path, user: OsUser | None) -> None:
    if user is None:
        return
    os.chown(path, user.uid, user.gid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(root, name), user.uid, user.gid, follow_symlinks=False)


def traversable_by_others(path: Path) -> bool:
    """True when every ancestor lets a foreign user search it (the cluster user is foreign)."""
    for part in [path, *path.parents]:
        try:
            if not part.stat().st_mode & 0o001:
                return False
        except OSError:
            return False
    return True


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def free_port() -> int:
    # The port is only reserved while the socket is open; start() retries if postgres loses a race.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def set_parent_death_signal() -> None:
    """Runs in the forked child: have the kernel stop postgres if our process dies (SIGKILL)."""
    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGQUIT)


def exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def sweep_stale_dirs(tmp_root: Path) -> None:
    """Delete cluster directories left by processes that were killed before they could clean up."""
    with contextlib.suppress(OSError):
        for entry in tmp_root.glob(f"{DIR_PREFIX}*"):
            try:
                owner = int((entry / OWNER_FILE).read_text().strip())
            except (OSError, ValueError):
                continue
            if pid_alive(owner):
                continue
            postmaster = entry / "data" / "postmaster.pid"
            with contextlib.suppress(OSError, ValueError, IndexError):
                if pid_alive(int(postmaster.read_text().splitlines()[0])):
                    continue
            shutil.rmtree(entry, ignore_errors=True)
