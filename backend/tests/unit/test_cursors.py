from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.domain.cursors import CURSOR_MAX_LENGTH, CursorCodec, list_fingerprint
from catalog.domain.errors import InvalidCursor

SECRET = b"0123456789abcdef0123456789abcdef"
codec = CursorCodec(SECRET)

sort_values = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
)


@given(st.lists(sort_values, max_size=4), st.text(max_size=32))
def test_decode_returns_exactly_what_was_encoded(position: list, fingerprint: str) -> None:
    token = codec.encode(position, fingerprint)
    assert codec.decode(token, fingerprint) == tuple(position)


@given(st.lists(sort_values, min_size=1, max_size=3))
def test_tokens_are_url_safe(position: list) -> None:
    token = codec.encode(position, "f")
    assert all(ch.isalnum() or ch in "-_." for ch in token)


def test_tampered_payload_is_rejected() -> None:
    token = codec.encode([5, 10], "query")
    payload, signature = token.split(".")
    forged = base64.urlsafe_b64encode(
        json.dumps({"v": 1, "p": [999, 1], "f": "query"}).encode()
    ).rstrip(b"=")
    with pytest.raises(InvalidCursor, match="signature"):
        codec.decode(f"{forged.decode()}.{signature}", "query")
    assert payload != forged.decode()


def test_cursor_signed_with_another_secret_is_rejected() -> None:
    other = CursorCodec(b"another-secret-of-enough-bytes!!")
    with pytest.raises(InvalidCursor):
        codec.decode(other.encode([1], "q"), "q")


def test_cursor_from_a_different_query_is_rejected() -> None:
    token = codec.encode([1], "query-a")
    with pytest.raises(InvalidCursor, match="different query"):
        codec.decode(token, "query-b")


@pytest.mark.parametrize("token", ["", "no-dot", "a.b.c", "!!!.???", "abc.def"])
def test_malformed_tokens_are_rejected(token: str) -> None:
    with pytest.raises(InvalidCursor):
        codec.decode(token, "q")


def test_overlong_tokens_are_rejected_before_decoding() -> None:
    with pytest.raises(InvalidCursor, match="malformed"):
        codec.decode("a" * CURSOR_MAX_LENGTH + ".b", "q")


def _signed_token(payload: bytes) -> str:
    """A token with a valid signature over ``payload``: only reachable with the secret."""
    return (
        base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
        + "."
        + base64.urlsafe_b64encode(codec._sign(payload)).rstrip(b"=").decode()
    )


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        # Garbage under a valid signature must still not crash the decoder.
        pytest.param(b"not json", "malformed", id="not-json"),
        pytest.param(
            json.dumps({"v": 99, "p": [1], "f": "q"}).encode(), "version", id="unknown-version"
        ),
    ],
)
def test_signed_payloads_the_codec_cannot_read_are_rejected(payload: bytes, reason: str) -> None:
    with pytest.raises(InvalidCursor, match=reason):
        codec.decode(_signed_token(payload), "q")


def test_encode_refuses_non_scalar_sort_values() -> None:
    with pytest.raises(TypeError):
        codec.encode([{"nested": 1}], "q")  # type: ignore[list-item]


def test_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        CursorCodec(b"short")


def test_list_fingerprints_differ_per_kind_and_scope() -> None:
    assert (
        len(
            {
                list_fingerprint("collections", 1),
                list_fingerprint("collections", 2),
                list_fingerprint("tags", 1),
                list_fingerprint("workspaces"),
            }
        )
        == 4
    )
