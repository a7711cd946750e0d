"""Amounts in cents: parsing, formatting and fair splits."""

from __future__ import annotations


class AmountError(ValueError):
    """Text that is not an amount of money."""


def parse_cents(text: str) -> int:
    """'12.34' -> 1234; at most two decimals, never negative."""
    whole, _, fraction = text.strip().partition(".")
    if not whole.isdigit() or (fraction and not fraction.isdigit()) or len(fraction) > 2:
        raise AmountError(f"not an amount: {text!r}")
    return int(whole) * 100 + int(fraction.ljust(2, "0") or 0)


def format_cents(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}.{rest:02d}"


def split(cents: int, parts: int) -> list[int]:
    """Split an amount into `parts` shares that differ by at most one cent and add up."""
    if parts < 1:
        raise AmountError("split into at least one part")
    share, left = divmod(cents, parts)
    return [share + 1 if i < left else share for i in range(parts)]
