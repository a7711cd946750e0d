"""Bulk import benchmark: a 50 MB JSON Lines file through the real server, lines/s and memory.

Generates a file shaped like a real export (about 173,000 lines, one in ten bad in one of
several ways, the last one cut off mid-object), starts ``python -m catalog serve`` against a
throwaway PostgreSQL, streams the file to ``POST /collections/{id}/documents/import`` and prints
the wall time, lines per second and the server's peak resident-memory growth (VmHWM minus VmRSS
before the import, from /proc), each with its target's verdict. A benchmark, not a test: it
prints numbers and verdicts and exits 0 unless the import itself failed.

    ./pants run build-support/benchmarks/import_bench.py -- [--megabytes 50] [--report FILE]

``--report`` also writes the numbers as Markdown (docs/import-benchmark.md is that file).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from embedded_postgres import EmbeddedPostgres, free_port

TARGET_LINES_PER_SECOND = 20_000
TARGET_RSS_GROWTH_MB = 64
BAD_EVERY = 10  # about 10% bad lines, as in the export that was measured
WORDS = "alpha beta gamma delta access production engineer onboarding guide policy".split()


def generate(path: Path, megabytes: float, seed: int = 7) -> tuple[int, int]:
    """Write the file; return (lines, good lines)."""
    rng = random.Random(seed)
    limit = int(megabytes * 1024 * 1024)
    lines = good = 0
    with path.open("w") as out:
        while out.tell() < limit:
            lines += 1
            if lines % BAD_EVERY == 0:
                out.write(_bad_line(rng, lines) + "\n")
                continue
            good += 1
            body = " ".join(rng.choices(WORDS, k=rng.randint(20, 60)))
            tags = ["ops"] if rng.random() < 0.3 else []
            out.write(json.dumps({"title": f"Document {lines}", "body": body, "tags": tags}) + "\n")
        lines += 1
        out.write('{"title": "cut off mid-object", "bo')  # the truncated last line
    return lines, good


def _bad_line(rng: random.Random, number: int) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return "{not json"
    if kind == 1:
        return json.dumps({"body": "no title"})
    if kind == 2:
        return json.dumps({"title": f"Bad date {number}", "created_at": "yesterday"})
    return json.dumps({"title": f"Unknown tag {number}", "tags": ["nope"]})


def _rss_kb(pid: int, field: str) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no {field} in /proc/{pid}/status")
    return int(match.group(1))


def _chunks(path: Path, size: int = 1 << 16) -> Iterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(size):
            yield chunk


def _wait_ready(base: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)  # polling a server that is starting, with a deadline
    raise RuntimeError("the server did not become ready")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=50.0)
    parser.add_argument("--report", type=Path, help="also write the results there as Markdown")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="import-bench-") as tmp,
        EmbeddedPostgres(dbname="catalog") as pg,
    ):
        data = Path(tmp) / "export.jsonl"
        lines, good = generate(data, args.megabytes)
        size_mb = data.stat().st_size / 1024 / 1024
        print(f"file: {size_mb:.1f} MB, {lines} lines ({good} good, {lines - good} bad)")
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": pg.url,
            "PYTHONPATH": os.pathsep.join(os.path.abspath(p) for p in sys.path if p),
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "catalog", "serve", "--migrate", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base, server)
            with httpx.Client(base_url=base, timeout=None) as client:
                ws = client.post("/workspaces", json={"name": "Bench"}).raise_for_status().json()
                client.post(f"/workspaces/{ws['id']}/tags", json={"name": "Ops"}).raise_for_status()
                coll = client.post(
                    f"/workspaces/{ws['id']}/collections", json={"name": "Export"}
                ).raise_for_status()
                rss_before = _rss_kb(server.pid, "VmRSS")
                started = time.monotonic()
                response = client.post(
                    f"/collections/{coll.json()['id']}/documents/import",
                    content=_chunks(data),
                    headers={"content-type": "application/x-ndjson"},
                )
                seconds = time.monotonic() - started
                peak = _rss_kb(server.pid, "VmHWM")
        finally:
            server.terminate()
            server.wait(timeout=30)
    if response.status_code != 200:
        print(f"import failed: HTTP {response.status_code}: {response.text[:500]}")
        return 1
    report = response.json()
    expected = (lines, good, lines - good)
    counts = (report["total"], report["created"], report["failed"])
    rate = lines / seconds
    growth_mb = (peak - rss_before) / 1024
    results = [
        (
            "counts (total, created, failed)",
            f"{counts}",
            f"{expected}",
            "exact" if counts == expected else "WRONG",
        ),
        (
            "lines per second",
            f"{rate:,.0f} ({seconds:.1f} s)",
            f">= {TARGET_LINES_PER_SECOND:,}",
            "met" if rate >= TARGET_LINES_PER_SECOND else "missed",
        ),
        (
            "server peak RSS growth",
            f"{growth_mb:.0f} MB",
            f"<= {TARGET_RSS_GROWTH_MB} MB",
            "met" if growth_mb <= TARGET_RSS_GROWTH_MB else "missed",
        ),
    ]
    for name, value, target, verdict in results:
        print(f"{name}: {value} (target {target}): {verdict}")
    if args.report:
        args.report.write_text(_markdown(size_mb, lines, good, results))
        print(f"wrote {args.report}")
    return 0 if counts == expected else 1


def _markdown(size_mb: float, lines: int, good: int, results: list[tuple[str, ...]]) -> str:
    rows = "\n".join(f"| {' | '.join(row)} |" for row in results)
    return (
        "# Bulk import benchmark\n\n"
        "Generated by `build-support/benchmarks/import_bench.py` on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores: a "
        f"{size_mb:.1f} MB JSON Lines file ({lines} lines, {good} good, {lines - good} bad, the "
        "last one cut off) streamed to `POST /collections/{id}/documents/import` of "
        "`python -m catalog serve` on a throwaway PostgreSQL.\n\n"
        "| measure | value | target | verdict |\n| --- | --- | --- | --- |\n"
        f"{rows}\n"
    )


if __name__ == "__main__":
    raise SystemExit(main())
