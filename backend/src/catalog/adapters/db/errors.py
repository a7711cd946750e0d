"""Translate database integrity errors into domain errors using constraint names."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalog.domain.errors import (
    SLUG_TAKEN,
    TAG_IN_USE,
    CatalogError,
    Conflict,
    NotFound,
    ValidationFailed,
)

_CONSTRAINT_ERRORS: dict[str, CatalogError] = {
    "uq_workspaces_slug": Conflict("slug", SLUG_TAKEN["workspaces"]),
    "uq_collections_workspace_id_slug": Conflict("slug", SLUG_TAKEN["collections"]),
    "uq_tags_workspace_id_slug": Conflict("slug", SLUG_TAKEN["tags"]),
    "fk_document_tags_tag_id_workspace_id": Conflict("tag", TAG_IN_USE),
    "fk_collections_workspace_id": NotFound("workspace", "referenced"),
    "fk_tags_workspace_id": NotFound("workspace", "referenced"),
    "fk_documents_collection_id_workspace_id": NotFound("collection", "referenced"),
    "fk_document_tags_document_id_workspace_id": NotFound("document", "referenced"),
    "ck_workspaces_slug_format": ValidationFailed("slug", "invalid slug"),
    "ck_collections_slug_format": ValidationFailed("slug", "invalid slug"),
    "ck_tags_slug_format": ValidationFailed("slug", "invalid slug"),
    "ck_documents_title_not_blank": ValidationFailed("title", "must not be blank"),
}


def constraint_name(error: IntegrityError) -> str | None:
    diag = getattr(error.orig, "diag", None)
    return getattr(diag, "constraint_name", None)


def translate_integrity_error(error: IntegrityError) -> CatalogError | None:
    """The domain error a violated constraint stands for, or None if it is unexpected."""
    template = _CONSTRAINT_ERRORS.get(constraint_name(error) or "")
    if template is None:
        return None
    # Fresh instance each time: exceptions carry tracebacks and must not be shared.
    if isinstance(template, Conflict | ValidationFailed):
        return type(template)(template.field, template.message)
    if isinstance(template, NotFound):
        return NotFound(template.entity, template.key)
    return None  # pragma: no cover - table only holds the kinds above


@contextmanager
def guarded(session: Session) -> Iterator[None]:
    """Run writes in a savepoint; a constraint violation undoes only them and becomes a
    domain error, leaving the surrounding transaction usable."""
    try:
        with session.begin_nested():
            yield
    except IntegrityError as error:
        translated = translate_integrity_error(error)
        if translated is None:
            raise
        raise translated from error
