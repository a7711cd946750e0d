"""Where the PostgreSQL server binaries are, and which version they are."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from embedded_postgres.errors import EmbeddedPostgresError

INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, postgres) not found: install the PostgreSQL server "
    "package (Debian/Ubuntu: `apt-get install postgresql`, macOS: `brew install postgresql@15`) "
    "or set PG_BINDIR to the directory that holds initdb and postgres"
)


def has_server_binaries(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in ("initdb", "postgres"))


def find_bindir() -> Path:
    """Return the directory with the PostgreSQL server binaries, or raise with an install hint."""
    override = os.environ.get("PG_BINDIR")
    if override:
        bindir = Path(override)
        if not has_server_binaries(bindir):
            raise EmbeddedPostgresError(
                f"PG_BINDIR={override} holds no initdb/postgres. {INSTALL_HINT}"
            )
        return bindir
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        bindir = Path(result.stdout.strip())
        if result.returncode == 0 and has_server_binaries(bindir):
            return bindir
    # pg_config ships with the client dev package; Debian's server package alone lacks it.
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else -1,
        reverse=True,
    )
    for bindir in candidates:
        if has_server_binaries(bindir):
            return bindir
    raise EmbeddedPostgresError(INSTALL_HINT)


def server_version(bindir: Path | None = None) -> str:
    """Return the version of the server binaries, e.g. ``"15.18"``."""
    bindir = bindir or find_bindir()
    out = subprocess.run(
        [str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"\(PostgreSQL\)\s+(\S+)", out)
    if not match:
        raise EmbeddedPostgresError(f"cannot parse the server version from {out!r}")
    return match.group(1)
