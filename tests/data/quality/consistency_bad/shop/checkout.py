"""Checkout that disagrees with the rest of the package (fixture for the consistency check)."""

from decimal import Decimal

from shop.pricing import discounted, loyalty_bonus, price_with_tax
from shop.receipts import render


def checkout(net: Decimal, rate: Decimal) -> Decimal:
    gross = price_with_tax(net, rate, 2)
    return discounted(gross, percentage=10) - loyalty_bonus(gross)


def refund(order_id: int) -> None:
    pass


def print_receipt(total: Decimal) -> str:
    # TODO: format the total as money
    return render(total)
