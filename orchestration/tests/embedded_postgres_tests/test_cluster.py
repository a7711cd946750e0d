"""embedded_postgres.EmbeddedPostgres: throwaway clusters from the machine's server binaries."""

from __future__ import annotations

import os
import pwd
import re
import select
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from embedded_postgres import EmbeddedPostgres, EmbeddedPostgresError, find_bindir, server_version
from embedded_postgres.host import sweep_stale_dirs

# These tests start and reach clusters of their own.
pytestmark = pytest.mark.manages_databases


def _postmaster_pid(data_dir: Path) -> int:
    return int((data_dir / "postmaster.pid").read_text().splitlines()[0])


def _wait_for_exit(pid: int, timeout: float) -> bool:
    """True once ``pid`` (not our child) has exited; pidfd lets us wait without polling."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        ready, _, _ = select.select([fd], [], [], timeout)
        return bool(ready)
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def running(pg_template_dir: Path) -> Iterator[EmbeddedPostgres]:
    """One cluster for the tests that only look at a running server."""
    with EmbeddedPostgres(template=pg_template_dir) as pg:
        yield pg


def test_a_started_cluster_accepts_connections_at_its_url(running: EmbeddedPostgres) -> None:
    with psycopg.connect(running.libpq_url) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == ("app",)


def test_the_url_names_the_psycopg3_driver_and_a_localhost_port(running: EmbeddedPostgres) -> None:
    assert re.fullmatch(
        r"postgresql\+psycopg://postgres@127\.0\.0\.1:\d+/app", running.url
    ), running.url


def test_durability_is_off_because_the_data_is_throwaway(running: EmbeddedPostgres) -> None:
    with running.connect() as conn:
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
            for name in ("fsync", "synchronous_commit", "full_page_writes")
        }
    assert settings == {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


def test_leaving_the_block_stops_the_server_and_deletes_its_directory(
    pg_template_dir: Path,
) -> None:
    with EmbeddedPostgres(template=pg_template_dir) as pg:
        data_dir = pg.data_dir
        pid = _postmaster_pid(data_dir)

    assert not data_dir.exists()
    assert not _alive(pid)


@pytest.mark.parametrize(
    "error",
    [RuntimeError("boom"), KeyboardInterrupt()],
    ids=["an-exception", "ctrl-c"],
)
def test_leaving_the_block_by_an_error_still_stops_and_cleans_up(
    pg_template_dir: Path, error: BaseException
) -> None:
    pg = EmbeddedPostgres(template=pg_template_dir)
    seen: list[Path] = []

    def fail_inside() -> None:
        with pg:
            seen.append(pg.data_dir)
            raise error

    with pytest.raises(type(error)):
        fail_inside()
    data_dir = seen[0]

    assert not pg.running
    assert not data_dir.exists()


def _tables(pg: EmbeddedPostgres) -> set[str]:
    with pg.connect() as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {name for (name,) in rows}


def test_a_copied_template_carries_the_suites_schema(running: EmbeddedPostgres) -> None:
    assert {"workspaces", "collections"} <= _tables(running)


def test_without_a_template_initdb_builds_an_empty_cluster_with_the_named_database() -> None:
    with EmbeddedPostgres(dbname="scratchpad") as pg, pg.connect() as conn:
        assert conn.execute("SELECT current_database()").fetchone() == ("scratchpad",)
        assert _tables(pg) == set()


def test_two_clusters_run_side_by_side_on_different_ports(
    running: EmbeddedPostgres, pg_template_dir: Path
) -> None:
    with EmbeddedPostgres(template=pg_template_dir) as b:
        assert running.port != b.port
        with running.connect() as ca, b.connect() as cb:
            ca.execute("CREATE TABLE only_in_a (x int)")
            try:
                exists = "SELECT to_regclass('only_in_a') IS NOT NULL"
                assert cb.execute(exists).fetchone() == (False,)
            finally:
                ca.execute("DROP TABLE only_in_a")


@pytest.mark.skipif(os.geteuid() != 0, reason="privileges are only dropped when run as root")
def test_as_root_the_cluster_belongs_to_and_runs_as_the_postgres_os_user(
    running: EmbeddedPostgres,
) -> None:
    postgres_uid = pwd.getpwnam("postgres").pw_uid
    pid = _postmaster_pid(running.data_dir)
    assert running.data_dir.stat().st_uid == postgres_uid
    assert Path(f"/proc/{pid}").stat().st_uid == postgres_uid


def test_missing_server_binaries_raise_one_line_saying_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PG_BINDIR", str(tmp_path))

    with pytest.raises(EmbeddedPostgresError) as excinfo:
        find_bindir()

    message = str(excinfo.value)
    assert "\n" not in message
    assert "apt-get install postgresql" in message
    assert f"PG_BINDIR={tmp_path}" in message


def test_server_version_reports_the_binaries_major_and_minor() -> None:
    assert re.fullmatch(r"\d+\.\d+", server_version())


def test_a_killed_owner_process_takes_its_server_down(pg_template_dir: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from embedded_postgres import EmbeddedPostgres
        pg = EmbeddedPostgres(template=Path({str(pg_template_dir)!r})).start()
        print((pg.data_dir / "postmaster.pid").read_text().splitlines()[0], flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == -9, result.stderr
    pid = int(result.stdout.strip())

    assert _wait_for_exit(pid, timeout=30), f"postgres {pid} outlived its killed owner"


def test_sweeping_removes_directories_of_dead_owners_only(tmp_path: Path) -> None:
    finished = subprocess.Popen(["true"])
    finished.wait()
    stale = tmp_path / "embedded-pg-stale"
    stale.mkdir()
    (stale / "owner.pid").write_text(str(finished.pid))
    live = tmp_path / "embedded-pg-live"
    live.mkdir()
    (live / "owner.pid").write_text(str(os.getpid()))

    sweep_stale_dirs(tmp_path)

    assert not stale.exists()
    assert live.exists()
