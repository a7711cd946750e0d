"""Constraint names -> domain errors, using stand-ins for psycopg's diagnostics."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy.exc import IntegrityError

from catalog.adapters.db.errors import constraint_name, translate_integrity_error
from catalog.domain.errors import Conflict, NotFound, ValidationFailed


def _integrity_error(constraint: str | None) -> IntegrityError:
    orig = Exception("violation")
    orig.diag = SimpleNamespace(constraint_name=constraint)  # type: ignore[attr-defined]
    return IntegrityError("INSERT ...", {}, orig)


def test_constraint_name_is_read_from_the_driver_diagnostics() -> None:
    assert constraint_name(_integrity_error("uq_workspaces_slug")) == "uq_workspaces_slug"


def test_constraint_name_is_none_without_diagnostics() -> None:
    assert constraint_name(IntegrityError("INSERT", {}, Exception("x"))) is None


def test_duplicate_collection_slug_becomes_a_conflict_on_slug() -> None:
    error = translate_integrity_error(_integrity_error("uq_collections_workspace_id_slug"))
    assert isinstance(error, Conflict)
    assert error.field == "slug"


def test_tag_in_use_becomes_a_conflict_on_tag() -> None:
    error = translate_integrity_error(_integrity_error("fk_document_tags_tag_id_workspace_id"))
    assert isinstance(error, Conflict)
    assert error.field == "tag"


def test_missing_parent_becomes_not_found() -> None:
    error = translate_integrity_error(_integrity_error("fk_collections_workspace_id"))
    assert isinstance(error, NotFound)
    assert error.entity == "workspace"


def test_check_constraint_becomes_a_validation_failure() -> None:
    assert isinstance(
        translate_integrity_error(_integrity_error("ck_documents_title_not_blank")),
        ValidationFailed,
    )


def test_unknown_constraints_are_not_translated() -> None:
    assert translate_integrity_error(_integrity_error("some_other_constraint")) is None


def test_each_translation_is_a_fresh_exception() -> None:
    first = translate_integrity_error(_integrity_error("uq_workspaces_slug"))
    second = translate_integrity_error(_integrity_error("uq_workspaces_slug"))
    assert first is not second
