"""PostgreSQL adapter: SQLAlchemy 2 typed ORM, repositories and the unit of work."""

from catalog.adapters.db.engine import create_engine_from_url, create_session_factory
from catalog.adapters.db.uow import SqlAlchemyUnitOfWork, sqlalchemy_uow_factory

__all__ = [
    "SqlAlchemyUnitOfWork",
    "create_engine_from_url",
    "create_session_factory",
    "sqlalchemy_uow_factory",
]
