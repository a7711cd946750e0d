"""What the routes need, held on ``app.state`` so tests inject fakes through ``create_app``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from catalog.domain.cursors import CursorCodec
from catalog.ports import SearchIndex, UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True)
class Container:
    uow_factory: UnitOfWorkFactory
    search_index: SearchIndex
    cursors: CursorCodec
    # Raises if the database is unreachable; used by the readiness probe.
    ping: Callable[[], None]

    def uow(self) -> UnitOfWork:
        return self.uow_factory()


def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]
