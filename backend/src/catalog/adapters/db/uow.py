"""SQLAlchemy unit of work: one session and transaction shared by all repositories."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from catalog.adapters.db.engine import create_session_factory
from catalog.adapters.db.repositories import (
    SqlAlchemyCollectionRepository,
    SqlAlchemyDocumentRepository,
    SqlAlchemyTagRepository,
    SqlAlchemyWorkspaceRepository,
)


class SqlAlchemyUnitOfWork:
    workspaces: SqlAlchemyWorkspaceRepository
    collections: SqlAlchemyCollectionRepository
    tags: SqlAlchemyTagRepository
    documents: SqlAlchemyDocumentRepository

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its 'with' block")
        return self._session

    def __enter__(self) -> Self:
        session = self._session_factory()
        self._session = session
        self.workspaces = SqlAlchemyWorkspaceRepository(session)
        self.collections = SqlAlchemyCollectionRepository(session)
        self.tags = SqlAlchemyTagRepository(session)
        self.documents = SqlAlchemyDocumentRepository(session)
        return self

    def __exit__(self, *exc_info: object) -> None:
        session = self.session
        try:
            # Anything not committed explicitly is discarded.
            session.rollback()
        finally:
            session.close()
            self._session = None

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def savepoint(self) -> AbstractContextManager[None]:
        return self._savepoint()

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        with self.session.begin_nested():
            yield


def sqlalchemy_uow_factory(engine: Engine) -> Callable[[], SqlAlchemyUnitOfWork]:
    """A factory producing a fresh unit of work per use case call."""
    session_factory = create_session_factory(engine)

    def factory() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(session_factory)

    return factory
