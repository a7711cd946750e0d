"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter

from catalog.http.dependencies import ContainerDep
from catalog.http.problems import problem_responses
from catalog.http.schemas import Health

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live")
def live() -> Health:
    return Health(status="ok")


@router.get("/ready", responses=problem_responses(503))
def ready(c: ContainerDep) -> Health:
    c.ping()
    return Health(status="ok")
