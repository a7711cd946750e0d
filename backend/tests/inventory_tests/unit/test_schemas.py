from __future__ import annotations

import pytest
from pydantic import ValidationError

from inventory.schemas import ProductIn, SupplierIn


def test_a_supplier_code_must_be_a_slug() -> None:
    with pytest.raises(ValidationError, match="lowercase letters, digits or single hyphens"):
        SupplierIn(name="Acme", code="Acme Corp")


def test_a_supplier_code_may_be_left_out() -> None:
    assert SupplierIn(name="Acme").code is None


def test_a_product_price_may_not_be_negative() -> None:
    with pytest.raises(ValidationError):
        ProductIn(supplier_id=1, sku="A", name="B", price_cents=-1)
