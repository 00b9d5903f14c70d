"""Prices with tax and discounts."""

from decimal import Decimal


def price_with_tax(net: Decimal, rate: Decimal, *, rounding: int = 2) -> Decimal:
    """Gross price of ``net`` at tax ``rate``, rounded to ``rounding`` places."""
    return round(net * (1 + rate), rounding)


def discounted(price: Decimal, percent: int = 0) -> Decimal:
    if not 0 <= percent <= 100:
        raise ValueError(f"percent must be 0..100, got {percent}")
    return price * (100 - percent) / 100
