from decimal import Decimal

from shop import Cart


def test_total_with_discount() -> None:
    cart = Cart(rate=Decimal("0.2"))
    cart.add("book", Decimal("10"))
    assert cart.total(percent=50) == Decimal("6")
