"""Throwaway PostgreSQL clusters built from the machine's own server binaries.

Used by services' main jobs (a throwaway database when none is configured) and by the test
orchestration's embedded mode (testlanes.postgres.embedded). A cluster lives in a fresh
temporary directory, listens on a Unix socket plus a free 127.0.0.1 TCP port, runs with
durability off (fsync, synchronous_commit, full_page_writes) and is stopped and deleted on exit,
including on Ctrl-C.

Why not pytest-postgresql's ``PostgreSQLExecutor``: it drives ``pg_ctl`` through mirakuru with
no way to run ``initdb``/``postgres`` as another OS user, and ``initdb`` refuses to run as root,
which is how our CI runs. It also cannot start a cluster from a copied template directory. So we
start ``postgres`` ourselves (``subprocess.Popen(user=..., group=...)`` drops privileges) and
keep the process as our direct child, which lets us stop it reliably. Database-level work
(cloning from a template database, dropping) is left to pytest-postgresql's ``DatabaseJanitor``
in the test utilities.

This module is one class, the cluster's lifecycle (about 400 lines, kept whole because its steps
share state); where the binaries are is binaries.py, what it needs from the host is host.py.

Environment:
    PG_BINDIR    directory holding ``initdb`` and ``postgres`` (default: ``pg_config --bindir``)
    PG_OS_USER   OS user that owns and runs the cluster when we are root (default ``postgres``)
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from embedded_postgres.binaries import find_bindir
from embedded_postgres.errors import EmbeddedPostgresError
from embedded_postgres.host import (
    DIR_PREFIX,
    OWNER_FILE,
    OsUser,
    chown_tree,
    cluster_os_user,
    exit_on_signal,
    free_port,
    set_parent_death_signal,
    sweep_stale_dirs,
    traversable_by_others,
)

__all__ = ["EmbeddedPostgres"]

# The longest Unix socket path the kernel accepts is 107 bytes; postgres appends this suffix.
_SOCKET_SUFFIX = "/.s.PGSQL.65535"
_MAX_SOCKET_PATH = 107
_FAST_SETTINGS = {
    # Throwaway data: durability only costs time here.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "logging_collector": "off",
    "max_connections": "200",
}


class EmbeddedPostgres:
    """A throwaway PostgreSQL cluster; use as a context manager.

    ``template`` copies a stopped cluster's data directory instead of running initdb (cheap
    per-process clusters from a pre-migrated template). ``data_dir`` keeps the cluster in that
    directory and does not delete it on exit (how such a template is built).
    """

    def __init__(
        self,
        *,
        dbname: str = "app",
        user: str = "postgres",
        template: Path | None = None,
        data_dir: Path | None = None,
        bindir: Path | None = None,
        tmp_root: Path | None = None,
        startup_timeout: float = 30.0,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        if template is not None and data_dir is not None:
            raise ValueError("pass either template or data_dir, not both")
        self.dbname = dbname
        self.user = user
        self.host = "127.0.0.1"
        self.port = 0
        self._template = template
        self._keep_data_dir = data_dir is not None
        self._requested_data_dir = data_dir
        self._bindir = bindir
        self._tmp_root = tmp_root
        self._startup_timeout = startup_timeout
        self._settings = {**_FAST_SETTINGS, **(settings or {})}
        self._os_user: OsUser | None = None
        self._base_dir: Path | None = None
        self._socket_dir: Path | None = None
        self._data_dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_path: Path | None = None
        self._previous_sigterm: Any = None

    # --- connection details -------------------------------------------------------------------

    @property
    def url(self) -> str:
        """SQLAlchemy URL (psycopg 3 driver) over TCP."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{self.dbname}"

    @property
    def libpq_url(self) -> str:
        """Plain libpq URL, for psycopg.connect and command-line tools."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.dbname}"

    @property
    def socket_dir(self) -> Path:
        if self._socket_dir is None:
            raise EmbeddedPostgresError("the cluster is not started")
        return self._socket_dir

    @property
    def data_dir(self) -> Path:
        if self._data_dir is None:
            raise EmbeddedPostgresError("the cluster is not started")
        return self._data_dir

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def connect(self, dbname: str | None = None, *, autocommit: bool = True) -> psycopg.Connection:
        """An admin connection over the Unix socket."""
        return psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user=self.user,
            dbname=dbname or self.dbname,
            autocommit=autocommit,
            connect_timeout=5,
        )

    # --- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> EmbeddedPostgres:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> EmbeddedPostgres:
        if self._proc is not None:
            raise EmbeddedPostgresError("the cluster is already started")
        bindir = self._bindir or find_bindir()
        self._bindir = bindir
        self._os_user = cluster_os_user()
        # Registered first so a failure half-way through start() still removes the directory.
        atexit.register(self.stop)
        self._exit_on_sigterm()
        try:
            self._prepare_dirs()
            self._prepare_data_dir(bindir)
            self._launch(bindir)
            self._ensure_database()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its directory; safe to call twice."""
        atexit.unregister(self.stop)
        if self._previous_sigterm is not None:
            with contextlib.suppress(ValueError):
                signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            # SIGINT = fast shutdown: disconnect clients, checkpoint, exit.
            for sig, wait in (
                (signal.SIGINT, 30.0),
                (signal.SIGQUIT, 10.0),
                (signal.SIGKILL, 10.0),
            ):
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(sig)
                try:
                    proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if self._base_dir is not None:
            shutil.rmtree(self._base_dir, ignore_errors=True)
            self._base_dir = None

    def log_tail(self, lines: int = 20) -> str:
        if self._log_path is None or not self._log_path.exists():
            return ""
        return "\n".join(self._log_path.read_text(errors="replace").splitlines()[-lines:])

    # --- internals ----------------------------------------------------------------------------

    def _exit_on_sigterm(self) -> None:
        """Make SIGTERM raise SystemExit while we run, so with-blocks and atexit clean up.

        By default SIGTERM kills Python without unwinding, leaving the directory behind (the
        server itself is stopped by the parent-death signal). Only replaces the default handler.
        """
        if threading.current_thread() is not threading.main_thread():
            return
        if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
            return
        self._previous_sigterm = signal.SIG_DFL
        signal.signal(signal.SIGTERM, exit_on_signal)

    def _pick_tmp_root(self) -> Path:
        root = self._tmp_root or Path(tempfile.gettempdir())
        if self._os_user is not None and not traversable_by_others(root):
            # The cluster user must reach its directory; sandboxes often have private TMPDIRs.
            root = Path("/tmp")
            if not traversable_by_others(root):
                raise EmbeddedPostgresError(
                    f"no temporary directory the {self._os_user.name!r} user can reach; "
                    f"pass tmp_root= a directory searchable by other users"
                )
        return root

    def _prepare_dirs(self) -> None:
        root = self._pick_tmp_root()
        sweep_stale_dirs(root)
        base = Path(tempfile.mkdtemp(prefix=DIR_PREFIX, dir=root))
        self._base_dir = base
        (base / OWNER_FILE).write_text(str(os.getpid()))
        socket_dir = base / "s"
        if len(str(socket_dir)) + len(_SOCKET_SUFFIX) > _MAX_SOCKET_PATH:
            raise EmbeddedPostgresError(
                f"the socket path under {root} is too long for a Unix socket: pass tmp_root= a "
                f"shorter directory"
            )
        socket_dir.mkdir(mode=0o700)
        self._socket_dir = socket_dir
        self._log_path = base / "postgres.log"
        self._log_path.touch()
        self._data_dir = self._requested_data_dir or base / "data"
        chown_tree(base, self._os_user)

    def _run_as_cluster_user(self, cmd: list[str]) -> subprocess.CompletedProcess[str]:
        user = self._os_user
        return subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            check=False,
            cwd=self._base_dir,
            env=self._child_env(),
            user=user.uid if user else None,
            group=user.gid if user else None,
            extra_groups=[] if user else None,
        )

    def _child_env(self) -> dict[str, str]:
        env = {"LC_ALL": "C", "LANG": "C", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        if self._os_user is not None:
            env["HOME"] = str(self._base_dir)
            env["USER"] = env["LOGNAME"] = self._os_user.name
        return env

    def _prepare_data_dir(self, bindir: Path) -> None:
        data = self.data_dir
        if self._template is not None:
            if not (self._template / "PG_VERSION").exists():
                raise EmbeddedPostgresError(f"template {self._template} is not a cluster directory")
            shutil.copytree(
                self._template,
                data,
                symlinks=True,
                ignore=shutil.ignore_patterns("postmaster.pid", "postmaster.opts"),
            )
            chown_tree(data, self._os_user)
            return
        if (data / "PG_VERSION").exists():
            return
        if self._keep_data_dir:
            data.parent.mkdir(parents=True, exist_ok=True)
            data.mkdir(mode=0o700, exist_ok=True)
            chown_tree(data, self._os_user)
        result = self._run_as_cluster_user(
            [
                str(bindir / "initdb"),
                "--no-sync",
                "-A",
                "trust",
                "-U",
                self.user,
                "-E",
                "UTF8",
                "--locale=C",
                "-D",
                str(data),
            ]
        )
        if result.returncode != 0:
            raise EmbeddedPostgresError(
                f"initdb failed ({result.returncode}):\n{result.stderr or result.stdout}"
            )

    def _launch(self, bindir: Path) -> None:
        last_error = ""
        for _attempt in range(5):
            self.port = free_port()
            cmd = [
                str(bindir / "postgres"),
                "-D",
                str(self.data_dir),
                "-p",
                str(self.port),
                "-k",
                str(self.socket_dir),
                "-h",
                self.host,
            ]
            for key, value in self._settings.items():
                cmd += ["-c", f"{key}={value}"]
            user = self._os_user
            assert self._log_path is not None
            with self._log_path.open("ab") as log:
                self._proc = subprocess.Popen(
                    cmd,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=self._base_dir,
                    env=self._child_env(),
                    user=user.uid if user else None,
                    group=user.gid if user else None,
                    extra_groups=[] if user else None,
                    # Own session: a terminal Ctrl-C reaches us first and we stop the server in
                    # order; the parent-death signal covers a SIGKILLed parent.
                    start_new_session=True,
                    preexec_fn=set_parent_death_signal if sys.platform == "linux" else None,
                )
            if self._wait_ready():
                return
            last_error = self.log_tail()
            if "could not bind" not in last_error and "in use" not in last_error:
                break
        self._proc = None
        raise EmbeddedPostgresError(f"postgres did not start:\n{last_error}")

    def _wait_ready(self) -> bool:
        """Wait until the server accepts connections; False if it exited first."""
        proc = self._proc
        assert proc is not None
        deadline = time.monotonic() + self._startup_timeout
        while time.monotonic() < deadline:
            try:
                with psycopg.connect(
                    host=str(self.socket_dir),
                    port=self.port,
                    user=self.user,
                    dbname="postgres",
                    connect_timeout=2,
                ):
                    return True
            except psycopg.OperationalError:
                pass
            # Doubles as the back-off between attempts and as the check that postgres died.
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.05)
            if proc.poll() is not None:
                return False
        raise EmbeddedPostgresError(
            f"postgres did not accept connections within {self._startup_timeout:.0f} s:\n"
            f"{self.log_tail()}"
        )

    def _ensure_database(self) -> None:
        if self.dbname == "postgres":
            return
        with self.connect("postgres") as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (self.dbname,)
            ).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.dbname)))


def main() -> None:
    """Run a throwaway cluster in the foreground until Ctrl-C (for manual exploration)."""
    with EmbeddedPostgres() as pg:
        print(pg.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()


if __name__ == "__main__":
    main()
