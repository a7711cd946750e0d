from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from catalog.domain.jsonl import LineSplitter, RawLine


def _split(chunks: list[bytes], max_line_bytes: int = 1024) -> list[RawLine]:
    splitter = LineSplitter(max_line_bytes)
    lines: list[RawLine] = []
    for chunk in chunks:
        lines.extend(splitter.feed(chunk))
    lines.extend(splitter.close())
    return lines


def test_lines_are_numbered_from_one() -> None:
    assert [(line.number, line.content) for line in _split([b"a\nb\n"])] == [(1, b"a"), (2, b"b")]


def test_blank_lines_are_skipped_but_keep_their_numbers() -> None:
    assert [line.number for line in _split([b"a\n\n   \nb\n"])] == [1, 4]


def test_final_line_without_newline_is_emitted_on_close() -> None:
    assert [line.content for line in _split([b"a\nlast"])] == [b"a", b"last"]


def test_crlf_line_endings_are_stripped() -> None:
    assert [line.content for line in _split([b"a\r\nb\r\n"])] == [b"a", b"b"]


def test_a_line_split_across_chunks_is_reassembled() -> None:
    assert [line.content for line in _split([b'{"tit', b'le": 1}', b"\n"])] == [b'{"title": 1}']


def test_a_multibyte_character_split_across_chunks_survives() -> None:
    encoded = "é\n".encode()
    assert _split([encoded[:1], encoded[1:]])[0].content.decode() == "é"


def test_oversized_line_is_flagged_and_the_next_line_is_intact() -> None:
    lines = _split([b"x" * 20 + b"\nok\n"], max_line_bytes=10)
    assert [(line.number, line.oversized, line.content) for line in lines] == [
        (1, True, b""),
        (2, False, b"ok"),
    ]


def test_oversized_line_spanning_chunks_is_flagged_once() -> None:
    lines = _split([b"x" * 8, b"x" * 8, b"x" * 8, b"\nok"], max_line_bytes=10)
    assert [(line.number, line.oversized) for line in lines] == [(1, True), (2, False)]


def test_oversized_last_line_without_newline_is_flagged() -> None:
    lines = _split([b"ok\n", b"y" * 30], max_line_bytes=10)
    assert [(line.number, line.oversized) for line in lines] == [(1, False), (2, True)]


@given(
    st.lists(st.text(alphabet='abc{}":, ', min_size=1, max_size=12), max_size=8),
    st.integers(min_value=1, max_value=7),
)
def test_chunking_never_changes_the_lines(texts: list[str], chunk_size: int) -> None:
    data = "\n".join(texts).encode()
    chunks = [data[i : i + chunk_size] for i in range(0, len(data), chunk_size)]
    whole = [(line.number, line.content) for line in _split([data])]
    assert [(line.number, line.content) for line in _split(chunks)] == whole
