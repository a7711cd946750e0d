"""What the API accepts and returns."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from slugkit import SLUG_MAX_LENGTH, is_valid_slug


class SupplierIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    # Derived from the name when left out.
    code: str | None = Field(default=None, max_length=SLUG_MAX_LENGTH)

    @field_validator("code")
    @classmethod
    def _code_is_a_slug(cls, value: str | None) -> str | None:
        if value is not None and not is_valid_slug(value):
            raise ValueError("must be lowercase letters, digits or single hyphens between them")
        return value


class SupplierOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str


class ProductIn(BaseModel):
    supplier_id: int
    sku: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    price_cents: int = Field(ge=0)


class ProductOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    supplier_id: int
    sku: str
    name: str
    price_cents: int


class SupplierPage(BaseModel):
    items: list[SupplierOut]
    next_after: int | None


class ProductPage(BaseModel):
    items: list[ProductOut]
    next_after: int | None
