"""Response helpers the resource routers share."""

from __future__ import annotations

from typing import Protocol, TypeVar

from fastapi import Response


class _Identified(Protocol):
    @property
    def id(self) -> int: ...


OutT = TypeVar("OutT", bound=_Identified)


def created(response: Response, parent_path: str, body: OutT) -> OutT:
    """Point a 201's Location header at the new resource (``{parent_path}/{id}``); return it."""
    response.headers["Location"] = f"{parent_path}/{body.id}"
    return body
