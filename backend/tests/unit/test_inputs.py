from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from catalog.domain.inputs import (
    BODY_MAX_LENGTH,
    NAME_MAX_LENGTH,
    TAGS_PER_DOCUMENT_MAX,
    TITLE_MAX_LENGTH,
    DocumentCreate,
    DocumentUpdate,
    TagCreate,
    WorkspaceCreate,
    WorkspaceUpdate,
    changes_of,
)


def _error_fields(error: ValidationError) -> set[str]:
    return {".".join(str(part) for part in item["loc"]) for item in error.errors()}


def test_workspace_name_is_required() -> None:
    with pytest.raises(ValidationError) as raised:
        WorkspaceCreate.model_validate({})
    assert _error_fields(raised.value) == {"name"}


def test_workspace_name_is_trimmed_of_ascii_whitespace() -> None:
    assert WorkspaceCreate(name="  Acme \t").name == "Acme"


def test_blank_name_is_rejected() -> None:
    with pytest.raises(ValidationError) as raised:
        WorkspaceCreate(name=" \t\n ")
    assert _error_fields(raised.value) == {"name"}


def test_name_longer_than_the_limit_is_rejected() -> None:
    with pytest.raises(ValidationError):
        WorkspaceCreate(name="n" * (NAME_MAX_LENGTH + 1))


def test_nul_characters_are_rejected_because_postgres_cannot_store_them() -> None:
    with pytest.raises(ValidationError) as raised:
        DocumentCreate(title="ok", body="bad\x00byte")
    assert _error_fields(raised.value) == {"body"}


def test_lone_surrogates_are_rejected() -> None:
    with pytest.raises(ValidationError) as raised:
        DocumentCreate(title="broken \ud800 text")
    assert _error_fields(raised.value) == {"title"}


def test_explicit_slug_must_match_the_slug_pattern() -> None:
    with pytest.raises(ValidationError) as raised:
        WorkspaceCreate(name="Acme", slug="Not A Slug")
    assert _error_fields(raised.value) == {"slug"}


def test_a_name_without_ascii_letters_or_digits_needs_an_explicit_slug() -> None:
    with pytest.raises(ValidationError, match="slug is required when the name has no ASCII"):
        TagCreate(name="?!")


def test_a_name_without_ascii_letters_or_digits_is_accepted_with_a_slug() -> None:
    assert TagCreate(name="?!", slug="questions").slug == "questions"


def test_a_name_with_one_ascii_letter_needs_no_slug() -> None:
    assert WorkspaceCreate(name="Café ?").slug is None


def test_the_schema_states_when_a_slug_is_required() -> None:
    branches = WorkspaceCreate.model_json_schema()["anyOf"]
    assert {"required": ["slug"], "properties": {"slug": {"type": "string"}}} in branches
    assert {"properties": {"name": {"pattern": "[A-Za-z0-9]"}}} in branches


def test_unknown_fields_are_rejected() -> None:
    with pytest.raises(ValidationError) as raised:
        WorkspaceCreate.model_validate({"name": "Acme", "colour": "red"})
    assert _error_fields(raised.value) == {"colour"}


def test_document_title_limit_is_enforced() -> None:
    with pytest.raises(ValidationError):
        DocumentCreate(title="t" * (TITLE_MAX_LENGTH + 1))


def test_document_body_limit_is_enforced() -> None:
    with pytest.raises(ValidationError):
        DocumentCreate(title="t", body="b" * (BODY_MAX_LENGTH + 1))


def test_document_tag_count_is_limited() -> None:
    with pytest.raises(ValidationError):
        DocumentCreate(title="t", tags=[f"t{i}" for i in range(TAGS_PER_DOCUMENT_MAX + 1)])


def test_document_tags_must_be_slugs_and_the_error_names_the_position() -> None:
    with pytest.raises(ValidationError) as raised:
        DocumentCreate(title="t", tags=["ok", "Not OK"])
    assert _error_fields(raised.value) == {"tags.1"}


def test_document_created_at_requires_a_timezone() -> None:
    with pytest.raises(ValidationError) as raised:
        DocumentCreate.model_validate({"title": "t", "created_at": "2024-01-01T00:00:00"})
    assert _error_fields(raised.value) == {"created_at"}


def test_document_created_at_accepts_an_aware_timestamp() -> None:
    document = DocumentCreate.model_validate({"title": "t", "created_at": "2024-01-01T00:00:00Z"})
    assert document.created_at == datetime(2024, 1, 1, tzinfo=UTC)


def test_changes_of_keeps_only_fields_that_were_set() -> None:
    assert changes_of(WorkspaceUpdate(name="New")) == {"name": "New"}


def test_changes_of_an_empty_patch_is_empty() -> None:
    assert changes_of(DocumentUpdate()) == {}
