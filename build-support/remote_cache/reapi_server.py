"""A throwaway REAPI cache server (BuildGrid) for proving Pants' remote cache, and what it stores.

Runs with the interpreter of a virtualenv that has BuildGrid (buildgrid_python.sh prints it), never
inside Pants. Subcommands:

  start ROOT   write ROOT/buildgrid.yml (127.0.0.1 on a free port, JWT auth with a secret made
               here, in-memory LRU action cache, disk CAS under ROOT/cas), start `bgd server`
               in the background and wait until it answers; print shell assignments for the
               caller: REAPI_ADDRESS, REAPI_PID, REAPI_TOKEN_FILE (a bearer token file).
  counts ROOT  print `action_cache_entries=N cas_blobs=M`, read on the server side: the
               action cache entries the server accepted (its log names each stored digest)
               and the blob files in its disk CAS.
"""

from __future__ import annotations

import argparse
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

# Both come with buildgrid in its own venv, not from our resolve.
import grpc  # pants: no-infer-dep
import jwt  # pants: no-infer-dep

READY_TIMEOUT_S = 60.0
# LruActionCache logs this line once per stored entry, with the action digest as a tag.
_STORED = re.compile(r'Result cached for action\..*?digest="?([0-9a-f]{64}/\d+)')

CONFIG = """\
server:
  - !channel
    address: "127.0.0.1:{port}"
    insecure-mode: true

authorization:
  method: jwt
  secret: {secret_file}
  algorithm: hs256

storages:
  - !disk-storage &cas
    path: {cas}

caches:
  - !lru-action-cache &ac
    storage: *cas
    # Far above what the suite writes: nothing is evicted while a proof counts entries.
    max-cached-refs: 100000
    allow-updates: true
    # Pants never reuses a failed test result; keep the server from storing one.
    cache-failed-actions: false

instances:
  - name: ""
    services:
      - !action-cache
        cache: *ac
      - !cas
        storage: *cas
      - !bytestream
        storage: *cas

thread-pool-size: 20
"""


def _free_port() -> int:
    # Not embedded_postgres.free_port: this script runs in BuildGrid's venv, without the repo.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(root: Path) -> int:
    root.mkdir(parents=True, exist_ok=True)
    (root / "cas").mkdir(exist_ok=True)
    secret = secrets.token_hex(32)
    secret_file = root / "jwt.secret"
    secret_file.write_text(secret)
    token_file = root / "token"
    # What CI keeps in a secret: a bearer token the server accepts (an hour is ample).
    token_file.write_text(
        jwt.encode({"sub": "catalog-ci", "exp": int(time.time()) + 3600}, secret, "HS256")
    )
    port = _free_port()
    config = root / "buildgrid.yml"
    config.write_text(CONFIG.format(port=port, secret_file=secret_file, cas=root / "cas"))
    log = (root / "server.log").open("ab")
    bgd = Path(sys.executable).with_name("bgd")
    proc = subprocess.Popen(
        [str(bgd), "server", "start", "-vv", str(config)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # Pants' Ctrl-C or a dying caller must not take it down
    )
    address = f"127.0.0.1:{port}"
    try:
        grpc.channel_ready_future(grpc.insecure_channel(address)).result(timeout=READY_TIMEOUT_S)
    except grpc.FutureTimeoutError:
        proc.terminate()
        print(
            f"BuildGrid did not answer on {address} within {READY_TIMEOUT_S:.0f} s; "
            f"see {root / 'server.log'}",
            file=sys.stderr,
        )
        return 1
    print(f"REAPI_ADDRESS=grpc://{address}")
    print(f"REAPI_PID={proc.pid}")
    print(f"REAPI_TOKEN_FILE={token_file}")
    return 0


def counts(root: Path) -> int:
    log = (root / "server.log").read_text(errors="replace")
    entries = len(set(_STORED.findall(log)))
    blobs = sum(1 for path in (root / "cas").rglob("*") if path.is_file())
    print(f"action_cache_entries={entries} cas_blobs={blobs}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["start", "counts"])
    parser.add_argument("root", type=Path)
    args = parser.parse_args(argv)
    return start(args.root) if args.command == "start" else counts(args.root)


if __name__ == "__main__":
    sys.exit(main())
