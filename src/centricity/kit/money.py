"""Money helpers: amounts are Decimals with two places, never floats, in the store."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

CENT = Decimal("0.01")


def to_money(value: Decimal | float | int | str) -> Decimal:
    """Round an amount to cents (banker's rounding) so sums stay exact across engines."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_EVEN)


def format_money(value: Decimal | None, currency: str) -> str:
    """Format an amount with its currency for pages, e.g. `1 234.50 CZK`."""
    if value is None:
        return "–"
    whole = f"{value:,.2f}".replace(",", "\u202f")
    return f"{whole} {currency}"
