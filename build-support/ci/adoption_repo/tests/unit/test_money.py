import pytest

from ledger.money import AmountError, format_cents, parse_cents, split


@pytest.mark.parametrize(("text", "cents"), [("12.34", 1234), ("7", 700), ("0.5", 50)])
def test_an_amount_parses_to_cents(text, cents):
    assert parse_cents(text) == cents


@pytest.mark.parametrize("text", ["-1", "1.234", "abc", ""])
def test_text_that_is_not_an_amount_is_refused(text):
    with pytest.raises(AmountError):
        parse_cents(text)


def test_cents_format_with_two_decimals_and_a_sign():
    assert (format_cents(1234), format_cents(-5)) == ("12.34", "-0.05")


def test_a_split_adds_up_and_differs_by_at_most_a_cent():
    assert split(100, 3) == [34, 33, 33]


def test_a_split_into_no_parts_is_refused():
    with pytest.raises(AmountError):
        split(100, 0)
