"""JSON Lines input: splitting a byte stream into numbered lines and parsing each one.

Both steps are pure so that the importer's edge cases (split UTF-8 sequences, CRLF, oversized
or blank lines) are unit-testable without HTTP.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pydantic import ValidationError

from catalog.domain.inputs import DocumentCreate

MAX_LINE_BYTES = 1_048_576


@dataclass(frozen=True, slots=True)
class RawLine:
    number: int
    content: bytes
    # Set when the line exceeded MAX_LINE_BYTES; ``content`` is then empty.
    oversized: bool = False


class LineSplitter:
    """Incrementally split chunks into lines, numbering them from 1.

    Blank lines are counted (so numbers match the client's file) but not emitted.
    """

    def __init__(self, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self._max = max_line_bytes
        self._buffer = bytearray()
        self._number = 0
        self._discarding = False

    def _emit(self, content: bytes, out: list[RawLine]) -> None:
        self._number += 1
        if self._discarding:
            self._discarding = False
            out.append(RawLine(self._number, b"", oversized=True))
        elif content.strip():
            out.append(RawLine(self._number, content.rstrip(b"\r")))

    def feed(self, chunk: bytes) -> list[RawLine]:
        out: list[RawLine] = []
        start = 0
        while (end := chunk.find(b"\n", start)) != -1:
            if not self._discarding:
                self._buffer += chunk[start:end]
            content = bytes(self._buffer) if len(self._buffer) <= self._max else b""
            if len(self._buffer) > self._max:
                self._discarding = True
            self._buffer.clear()
            self._emit(content, out)
            start = end + 1
        if not self._discarding:
            self._buffer += chunk[start:]
            if len(self._buffer) > self._max:
                # Stop buffering: the rest of this line is dropped until its newline.
                self._discarding = True
                self._buffer.clear()
        return out

    def close(self) -> list[RawLine]:
        """Flush a final line that has no trailing newline."""
        out: list[RawLine] = []
        if self._buffer or self._discarding:
            content = bytes(self._buffer)
            self._buffer.clear()
            self._emit(content, out)
        return out


class LineError(ValueError):
    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _field_path(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location) or "line"


def parse_document_line(line: RawLine) -> DocumentCreate:
    """One line -> validated document input, or ``LineError`` naming the offending field."""
    if line.oversized:
        raise LineError(None, f"line exceeds {MAX_LINE_BYTES} bytes")
    try:
        text = line.content.decode("utf-8")
    except UnicodeDecodeError:
        raise LineError(None, "line is not valid UTF-8") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise LineError(None, f"invalid JSON: {error.msg} at column {error.colno}") from None
    if not isinstance(data, dict):
        raise LineError(None, "each line must be a JSON object")
    try:
        return DocumentCreate.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise LineError(_field_path(tuple(first["loc"])), first["msg"]) from None
