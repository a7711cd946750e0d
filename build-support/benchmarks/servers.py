"""The servers some scenarios need: a shared PostgreSQL, and BuildGrid as the remote cache."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from harness import REPO, clean_env, must, postgres_version, timed
from workspaces import Workspace


@dataclass
class RemoteServer:
    address: str
    token: Path
    pid: int


def start_buildgrid(root: Path, log: Path) -> RemoteServer:
    """BuildGrid the way build-support/remote_cache/prove.sh starts it (same script, same venv)."""
    scripts = REPO / "build-support/remote_cache"
    # clean_env drops CATALOG_*: where the venv lives is passed on.
    env = clean_env(CATALOG_CI_CACHE=os.environ.get("CATALOG_CI_CACHE"))
    venv_log = log.with_name("buildgrid-venv.log")
    install = timed([str(scripts / "buildgrid_python.sh")], cwd=REPO, env=env, log=venv_log)
    python = must(install, "making BuildGrid's venv").text().splitlines()[-1]
    result = must(
        timed(
            [python, str(scripts / "reapi_server.py"), "start", str(root)],
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
    """A shared PostgreSQL server for serial/slot modes: the orchestration's throwaway cluster
    (`python -m embedded_postgres`: it cleans up on SIGTERM), run by the exported interpreter
    (it drops to the postgres OS user as root)."""

    def __init__(self, python: Path, ws: Workspace) -> None:
        self.proc = subprocess.Popen(
            [str(python), "-m", "embedded_postgres"],
            cwd=ws.root,
            env=clean_env(PYTHONPATH="orchestration/src"),
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url:
            raise SystemExit("the shared PostgreSQL server did not start")
        self.major = postgres_version(python).split(".")[0]

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)
