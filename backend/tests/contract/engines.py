"""The scripted transport the contract tests plug into the official search clients, and what
the shared transport tests need to know about each engine."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalog.adapters.search.engine import EngineIndex

FIXTURES = Path(__file__).with_name("fixtures")


def load_fixture(engine: str, name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / engine / f"{name}.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    params: dict[str, str]
    body: bytes | None

    def json(self) -> Any:
        assert self.body is not None, "request had no body"
        return json.loads(self.body)

    def ndjson(self) -> list[Any]:
        assert self.body is not None, "request had no body"
        return [json.loads(line) for line in self.body.decode().splitlines() if line]


@dataclass
class Script:
    """Responses to hand out in order, and the requests that consumed them."""

    engine: str
    responses: deque[dict[str, Any]] = field(default_factory=deque)
    requests: list[RecordedRequest] = field(default_factory=list)

    def then(self, *names: str) -> Script:
        for name in names:
            self.responses.append(load_fixture(self.engine, name))
        return self

    def respond(self, status: int, body: Any, headers: dict[str, str] | None = None) -> Script:
        """An ad-hoc response (for error shapes no fixture needs to document)."""
        self.responses.append({"status": status, "body": body, "headers": headers or {}})
        return self

    def fail(self, error: Exception) -> Script:
        """Raise ``error`` from the transport, as a refused connection would."""
        self.responses.append({"raise": error})
        return self

    def next_response(self, request: RecordedRequest) -> dict[str, Any]:
        self.requests.append(request)
        assert self.responses, f"unexpected request {request.method} {request.path}"
        return self.responses.popleft()

    @property
    def only(self) -> RecordedRequest:
        assert len(self.requests) == 1, [f"{r.method} {r.path}" for r in self.requests]
        return self.requests[0]


@dataclass(frozen=True)
class Engine:
    """One search engine as the shared transport tests see it."""

    name: str
    script: Script
    make_index: Callable[..., EngineIndex]
    bulk_method: str  # the client's HTTP method for _bulk
    bad_request: type[Exception]  # what the client raises for a 400
    refused: Exception  # what the transport raises when nothing listens
    error_headers: dict[str, str] = field(default_factory=dict)  # needed on ad-hoc replies
