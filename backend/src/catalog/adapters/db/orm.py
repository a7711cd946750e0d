"""Typed ORM mapping of the schema that the Alembic migrations create.

The metadata here is never used to create tables; it must mirror the latest migration.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Computed,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
}

# Must stay identical to the generated column in migration 0002.
SEARCH_VECTOR_EXPRESSION = (
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'B')"
)
TEXT_SEARCH_CONFIG = "english"
SLUG_CHECK = "slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class _Entity:
    """Columns every entity's table has: the identity key and the two timestamps."""

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )


class _InWorkspace:
    """The owning workspace of a collection, tag or document."""

    workspace_id: Mapped[int] = mapped_column(BigInteger, nullable=False)


class _Slugged:
    """The URL slug and display name of a workspace, collection or tag."""

    slug: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)


def _slugged_in_workspace() -> (
    tuple[UniqueConstraint | CheckConstraint | ForeignKeyConstraint, ...]
):
    """Constraints of a collection or tag: its slug unique in its workspace, which owns it."""
    return (
        UniqueConstraint("workspace_id", "slug"),
        CheckConstraint(SLUG_CHECK, name="slug_format"),
        # Target of the composite foreign keys that pin children to the same workspace.
        UniqueConstraint("id", "workspace_id"),
        ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
    )


class WorkspaceRow(_Entity, _Slugged, Base):
    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("slug"), CheckConstraint(SLUG_CHECK, name="slug_format"))

    description: Mapped[str] = mapped_column(Text, nullable=False, server_default="")


class CollectionRow(_Entity, _InWorkspace, _Slugged, Base):
    __tablename__ = "collections"
    __table_args__ = _slugged_in_workspace()

    description: Mapped[str] = mapped_column(Text, nullable=False, server_default="")


class TagRow(_Entity, _InWorkspace, _Slugged, Base):
    __tablename__ = "tags"
    __table_args__ = _slugged_in_workspace()


class DocumentRow(_Entity, _InWorkspace, Base):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("id", "workspace_id"),
        CheckConstraint("btrim(title) <> ''", name="title_not_blank"),
        ForeignKeyConstraint(
            ["collection_id", "workspace_id"],
            ["collections.id", "collections.workspace_id"],
            ondelete="CASCADE",
        ),
    )

    collection_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    search_vector: Mapped[str] = deferred(
        mapped_column(TSVECTOR, Computed(SEARCH_VECTOR_EXPRESSION, persisted=True))
    )


document_tags = Table(
    "document_tags",
    Base.metadata,
    Column("document_id", BigInteger, nullable=False),
    Column("tag_id", BigInteger, nullable=False),
    Column("workspace_id", BigInteger, nullable=False),
    PrimaryKeyConstraint("document_id", "tag_id"),
    ForeignKeyConstraint(
        ["document_id", "workspace_id"],
        ["documents.id", "documents.workspace_id"],
        ondelete="CASCADE",
    ),
    # RESTRICT: a tag in use cannot be deleted, not even by the workspace cascade, so the
    # workspace repository unlinks the workspace's tags explicitly before deleting it.
    ForeignKeyConstraint(
        ["tag_id", "workspace_id"],
        ["tags.id", "tags.workspace_id"],
        ondelete="RESTRICT",
    ),
)
