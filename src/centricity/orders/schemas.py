"""Order and product shapes for the API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from centricity.kit.schema import InputSchema
from centricity.kit.validation import MAX_ID, ExternalId, Name, UtcDatetime

Amount = Decimal
# NUMERIC(14, 2) holds amounts below 10^12.
MAX_AMOUNT = Decimal(10) ** 12


class OrderLineCreate(InputSchema):
    """One product line of a new order."""

    product_id: int | None = Field(None, gt=0, le=MAX_ID)
    quantity: Decimal = Field(Decimal(1), gt=0, max_digits=12, decimal_places=3)
    unit_price: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    cost: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)


class OrderCreate(InputSchema):
    """A new order; the total is given or summed from its lines."""

    external_id: ExternalId | None = None
    customer_id: int = Field(gt=0, le=MAX_ID)
    ordered_at: UtcDatetime
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    total_amount: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    cost: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    status: str = Field("completed", pattern=r"^(completed|cancelled|returned|open)$")
    lines: list[OrderLineCreate] = Field(default_factory=list, max_length=1000)

    @model_validator(mode="after")
    def _amounts_fit(self) -> OrderCreate:
        for line in self.lines:
            if line.quantity * line.unit_price >= MAX_AMOUNT:
                raise ValueError(f"a line amount must be below {MAX_AMOUNT}")
        total = self.total_amount
        if total is None:
            total = sum((line.quantity * line.unit_price for line in self.lines), Decimal(0))
        if abs(total) >= MAX_AMOUNT:
            raise ValueError(f"the order total must be below {MAX_AMOUNT}")
        return self


class OrderLineRead(BaseModel):
    """An order line as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    product_id: int | None
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    cost: Decimal | None


class OrderRead(BaseModel):
    """An order as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    external_id: str | None
    customer_id: int
    ordered_at: datetime
    currency: str
    total_amount: Decimal
    cost: Decimal | None
    status: str


class OrderDetail(OrderRead):
    """An order with its lines."""

    lines: list[OrderLineRead]


class OrderPage(BaseModel):
    """One page of orders with the total that matched."""

    items: list[OrderRead]
    total: int
    limit: int
    offset: int


class ProductCreate(InputSchema):
    """A new catalogue product."""

    external_id: ExternalId | None = None
    name: Name
    category: str | None = Field(None, min_length=1, max_length=120)
    unit_price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    unit_cost: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    currency: str = Field("EUR", pattern=r"^[A-Z]{3}$")


class ProductRead(BaseModel):
    """A catalogue product as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    external_id: str | None
    name: str
    category_id: int | None
    unit_price: Decimal | None
    unit_cost: Decimal | None
    currency: str


class ProductPage(BaseModel):
    """One page of products."""

    items: list[ProductRead]
    total: int
    limit: int
    offset: int
