"""Initial schema: workspaces, collections, tags, documents and their tag links.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Deletion policy: ownership cascades (workspace -> collections/tags, collection -> documents,
document -> document_tags). A tag still linked to documents cannot be deleted: the
document_tags -> tags key is RESTRICT, so the API answers 409 until the tag is detached. RESTRICT
also fires inside the workspace cascade, so deleting a workspace first removes its
document_tags rows explicitly (in the same transaction), then the workspace.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SLUG_CHECK = "slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'"
# Check constraint names are wrapped in op.f(): the target metadata's naming convention would
# otherwise prefix them a second time ("ck_<table>_" + name).


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "workspaces",
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_workspaces"),
        sa.UniqueConstraint("slug", name="uq_workspaces_slug"),
        sa.CheckConstraint(SLUG_CHECK, name=op.f("ck_workspaces_slug_format")),
    )
    op.create_table(
        "collections",
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("workspace_id", sa.BigInteger, nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_collections"),
        sa.UniqueConstraint("workspace_id", "slug", name="uq_collections_workspace_id_slug"),
        sa.UniqueConstraint("id", "workspace_id", name="uq_collections_id_workspace_id"),
        sa.CheckConstraint(SLUG_CHECK, name=op.f("ck_collections_slug_format")),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_collections_workspace_id",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "tags",
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("workspace_id", sa.BigInteger, nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_tags"),
        sa.UniqueConstraint("workspace_id", "slug", name="uq_tags_workspace_id_slug"),
        sa.UniqueConstraint("id", "workspace_id", name="uq_tags_id_workspace_id"),
        sa.CheckConstraint(SLUG_CHECK, name=op.f("ck_tags_slug_format")),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name="fk_tags_workspace_id", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("workspace_id", sa.BigInteger, nullable=False),
        sa.Column("collection_id", sa.BigInteger, nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False, server_default=""),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
        sa.UniqueConstraint("id", "workspace_id", name="uq_documents_id_workspace_id"),
        sa.CheckConstraint("btrim(title) <> ''", name=op.f("ck_documents_title_not_blank")),
        # Composite key: a document always lives in its collection's workspace.
        sa.ForeignKeyConstraint(
            ["collection_id", "workspace_id"],
            ["collections.id", "collections.workspace_id"],
            name="fk_documents_collection_id_workspace_id",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_documents_collection_id_id", "documents", ["collection_id", "id"])
    op.create_index(
        "ix_documents_workspace_id_created_at_id",
        "documents",
        ["workspace_id", "created_at", "id"],
    )
    op.create_index("ix_documents_created_at_id", "documents", ["created_at", "id"])
    op.create_table(
        "document_tags",
        sa.Column("document_id", sa.BigInteger, nullable=False),
        sa.Column("tag_id", sa.BigInteger, nullable=False),
        sa.Column("workspace_id", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("document_id", "tag_id", name="pk_document_tags"),
        sa.ForeignKeyConstraint(
            ["document_id", "workspace_id"],
            ["documents.id", "documents.workspace_id"],
            name="fk_document_tags_document_id_workspace_id",
            ondelete="CASCADE",
        ),
        # Composite key: a tag can only be attached to documents of its own workspace.
        sa.ForeignKeyConstraint(
            ["tag_id", "workspace_id"],
            ["tags.id", "tags.workspace_id"],
            name="fk_document_tags_tag_id_workspace_id",
            ondelete="RESTRICT",
        ),
    )
    op.create_index("ix_document_tags_tag_id", "document_tags", ["tag_id"])


def downgrade() -> None:
    op.drop_table("document_tags")
    op.drop_table("documents")
    op.drop_table("tags")
    op.drop_table("collections")
    op.drop_table("workspaces")
