from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.domain.errors import ValidationFailed
from catalog.domain.slugs import (
    SLUG_MAX_LENGTH,
    is_valid_slug,
    resolve_slug,
    slugify,
    validate_slug,
)


def test_slugify_lowercases_and_joins_words_with_hyphens() -> None:
    assert slugify("Quarterly Sales Report") == "quarterly-sales-report"


def test_slugify_strips_accents_to_ascii() -> None:
    assert slugify("Café Crème Brûlée") == "cafe-creme-brulee"


def test_slugify_collapses_runs_of_punctuation_and_trims_edges() -> None:
    assert slugify("  --Hello,   World!!  ") == "hello-world"


def test_slugify_returns_empty_for_text_without_ascii_letters_or_digits() -> None:
    assert slugify("日本語 !!!") == ""


def test_slugify_truncates_without_leaving_a_trailing_hyphen() -> None:
    text = "a" * (SLUG_MAX_LENGTH - 1) + " bcd"
    slug = slugify(text)
    assert len(slug) <= SLUG_MAX_LENGTH
    assert not slug.endswith("-")


@given(st.text())
def test_slugify_is_idempotent(text: str) -> None:
    once = slugify(text)
    assert slugify(once) == once


@given(st.text())
def test_slugify_output_is_empty_or_a_valid_slug(text: str) -> None:
    slug = slugify(text)
    assert slug == "" or is_valid_slug(slug)


@pytest.mark.parametrize("slug", ["a", "release-notes", "v2-0-1", "x" * SLUG_MAX_LENGTH])
def test_validate_slug_accepts_well_formed_slugs(slug: str) -> None:
    assert validate_slug(slug) == slug


@pytest.mark.parametrize(
    "slug",
    ["", "Upper", "double--hyphen", "-leading", "trailing-", "under_score", "x" * 65, "é"],
)
def test_validate_slug_rejects_malformed_slugs_naming_the_field(slug: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        validate_slug(slug, field="slug")
    assert raised.value.field == "slug"


def test_resolve_slug_prefers_the_explicit_slug() -> None:
    assert resolve_slug("custom", "Some Name") == "custom"


def test_resolve_slug_derives_from_the_name_when_missing() -> None:
    assert resolve_slug(None, "Some Name") == "some-name"


def test_resolve_slug_refuses_names_that_yield_no_slug() -> None:
    with pytest.raises(ValidationFailed, match="provide one explicitly"):
        resolve_slug(None, "???")
