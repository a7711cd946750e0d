from __future__ import annotations

import pytest

from catalog.domain.jsonl import MAX_LINE_BYTES, LineError, RawLine, parse_document_line


def _parse(content: bytes) -> object:
    return parse_document_line(RawLine(number=1, content=content))


def test_valid_line_becomes_a_document_input() -> None:
    document = _parse(b'{"title": "Guide", "body": "text", "tags": ["a"]}')
    assert (document.title, document.body, document.tags) == ("Guide", "text", ["a"])  # type: ignore[attr-defined]


def test_invalid_json_reports_the_column() -> None:
    with pytest.raises(LineError, match=r"invalid JSON.*column 2"):
        _parse(b"{oops}")


def test_non_object_json_is_rejected() -> None:
    with pytest.raises(LineError, match="JSON object"):
        _parse(b'["title"]')


def test_invalid_utf8_is_rejected() -> None:
    with pytest.raises(LineError, match="UTF-8"):
        _parse(b'{"title": "\xff"}')


def test_schema_error_names_the_field() -> None:
    with pytest.raises(LineError) as raised:
        _parse(b'{"title": ""}')
    assert raised.value.field == "title"


def test_schema_error_in_a_list_names_the_item() -> None:
    with pytest.raises(LineError) as raised:
        _parse(b'{"title": "t", "tags": ["ok", "NOT OK"]}')
    assert raised.value.field == "tags.1"


def test_missing_required_field_is_named() -> None:
    with pytest.raises(LineError) as raised:
        _parse(b'{"body": "no title"}')
    assert raised.value.field == "title"


def test_oversized_line_is_an_error_without_parsing() -> None:
    with pytest.raises(LineError, match=str(MAX_LINE_BYTES)):
        parse_document_line(RawLine(number=3, content=b"", oversized=True))
