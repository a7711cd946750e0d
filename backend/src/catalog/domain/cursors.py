"""Opaque, signed keyset cursors.

A cursor carries the sort values of the last row served plus a fingerprint of the query. It is
HMAC-signed so clients cannot forge positions, and the fingerprint makes a cursor useless with
any query other than the one that produced it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Sequence

from catalog.domain.errors import InvalidCursor
from catalog.domain.search import Position, SortValue

CURSOR_MAX_LENGTH = 2048
_SIGNATURE_BYTES = 16
_VERSION = 1


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


def _is_sort_value(value: object) -> bool:
    return value is None or (isinstance(value, str | int | float) and not isinstance(value, bool))


class CursorCodec:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("cursor secret must be at least 16 bytes")
        self._secret = secret

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]

    def encode(self, position: Sequence[SortValue], fingerprint: str) -> str:
        for value in position:
            if not _is_sort_value(value):
                raise TypeError(f"unsupported sort value {value!r}")
        payload = json.dumps(
            {"v": _VERSION, "p": list(position), "f": fingerprint},
            separators=(",", ":"),
            allow_nan=False,
        ).encode()
        return f"{_b64encode(payload)}.{_b64encode(self._sign(payload))}"

    def decode(self, token: str, fingerprint: str) -> Position:
        if len(token) > CURSOR_MAX_LENGTH or token.count(".") != 1:
            raise InvalidCursor("cursor is malformed")
        encoded_payload, encoded_signature = token.split(".")
        try:
            payload = _b64decode(encoded_payload)
            signature = _b64decode(encoded_signature)
        except (binascii.Error, ValueError):
            raise InvalidCursor("cursor is malformed") from None
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise InvalidCursor("cursor signature does not match; it was altered or expired")
        try:
            data = json.loads(payload)
        except ValueError:
            raise InvalidCursor("cursor is malformed") from None
        if not isinstance(data, dict) or data.get("v") != _VERSION:
            raise InvalidCursor("cursor version is not supported")
        if data.get("f") != fingerprint:
            raise InvalidCursor("cursor belongs to a different query; restart without a cursor")
        position = data.get("p")
        if not isinstance(position, list) or not all(_is_sort_value(v) for v in position):
            raise InvalidCursor("cursor is malformed")
        return tuple(position)


def list_fingerprint(kind: str, scope: int | None = None) -> str:
    """Fingerprint for plain keyset listings (by id) of one kind of entity in one scope."""
    return f"list:{kind}:{scope if scope is not None else '-'}"
