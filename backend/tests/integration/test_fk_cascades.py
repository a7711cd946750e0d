"""Foreign keys: ownership cascades, the RESTRICT on tag links, and what it means for teardown."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from catalog.adapters.db.uow import SqlAlchemyUnitOfWork
from catalog.domain.errors import Conflict
from catalog.domain.models import Collection, Document, NewDocument, Tag

pytestmark = pytest.mark.services("postgres")

UowFactory = Callable[[], SqlAlchemyUnitOfWork]
TABLES = ("workspaces", "collections", "tags", "documents", "document_tags")


@pytest.fixture()
def tree(uow_factory: UowFactory, collection: Collection) -> tuple[Tag, Document]:
    """A workspace with a collection, a tag and a document carrying the tag."""
    with uow_factory() as uow:
        tag = uow.tags.add(workspace_id=collection.workspace_id, slug="pinned", name="Pinned")
        doc = uow.documents.add(collection=collection, document=NewDocument("Doc", "b", (tag.id,)))
        uow.commit()
    return tag, doc


def _counts(conn: Connection) -> dict[str, int]:
    return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


@pytest.mark.parametrize(
    ("delete_owner", "left"),
    [
        pytest.param(
            lambda uow, collection: uow.workspaces.delete(collection.workspace_id),
            dict.fromkeys(TABLES, 0),
            id="a-workspace-removes-everything-it-owns",
        ),
        pytest.param(
            lambda uow, collection: uow.collections.delete(collection.id),
            {"workspaces": 1, "collections": 0, "tags": 1, "documents": 0, "document_tags": 0},
            id="a-collection-removes-its-documents-and-links-but-keeps-tags",
        ),
    ],
)
def test_deleting_an_owner_removes_what_it_owns(
    uow_factory: UowFactory,
    db_connection: Connection,
    collection: Collection,
    tree: object,
    delete_owner: Callable[[SqlAlchemyUnitOfWork, Collection], bool],
    left: dict[str, int],
) -> None:
    with uow_factory() as uow:
        assert delete_owner(uow, collection)
        uow.commit()

    assert _counts(db_connection) == left


def test_a_tag_in_use_cannot_be_deleted(
    uow_factory: UowFactory, tree: tuple[Tag, Document]
) -> None:
    tag, _ = tree
    with uow_factory() as uow:
        with pytest.raises(Conflict, match="attached to documents"):
            uow.tags.delete(tag.id)
        assert uow.tags.get(tag.id) is not None


def test_a_tag_can_be_deleted_once_no_document_carries_it(
    uow_factory: UowFactory, tree: tuple[Tag, Document]
) -> None:
    tag, doc = tree
    with uow_factory() as uow:
        uow.documents.update(doc.id, {}, tag_ids=[])
        assert uow.tags.delete(tag.id)
        uow.commit()
    with uow_factory() as uow:
        assert uow.tags.get(tag.id) is None


def test_deleting_a_document_removes_its_links_and_keeps_the_tag(
    uow_factory: UowFactory, db_connection: Connection, tree: tuple[Tag, Document]
) -> None:
    tag, doc = tree
    with uow_factory() as uow:
        assert uow.documents.delete(doc.id)
        uow.commit()

    assert _counts(db_connection)["document_tags"] == 0
    with uow_factory() as uow:
        assert uow.tags.usage_count(tag.id) == 0


def test_a_naive_teardown_deleting_tags_before_links_hits_the_restrict_key(
    db_connection: Connection, tree: object
) -> None:
    # The order a hand-written "delete all rows" teardown often uses; shared-database suites
    # fail exactly like this when another process adds links between their statements.
    with pytest.raises(IntegrityError, match="document_tags"), db_connection.begin_nested():
        db_connection.execute(text("DELETE FROM tags"))


def test_a_document_cannot_point_at_a_collection_of_another_workspace(
    db_connection: Connection, collection: Collection
) -> None:
    other = db_connection.execute(
        text("INSERT INTO workspaces (slug, name) VALUES ('other', 'Other') RETURNING id")
    ).scalar_one()
    with pytest.raises(IntegrityError, match="fk_documents"), db_connection.begin_nested():
        db_connection.execute(
            text(
                "INSERT INTO documents (workspace_id, collection_id, title) "
                "VALUES (:ws, :coll, 'Mismatched')"
            ),
            {"ws": other, "coll": collection.id},
        )


def test_truncate_cascade_empties_every_dependent_table(
    db_connection: Connection, tree: object
) -> None:
    db_connection.execute(text("TRUNCATE workspaces CASCADE"))

    assert _counts(db_connection) == dict.fromkeys(TABLES, 0)
