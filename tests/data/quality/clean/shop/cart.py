"""A shopping cart."""

from dataclasses import dataclass, field
from decimal import Decimal

from .pricing import discounted, price_with_tax


@dataclass
class Cart:
    rate: Decimal
    items: dict[str, Decimal] = field(default_factory=dict)

    def add(self, name: str, net: Decimal) -> None:
        self.items[name] = net

    def total(self, percent: int = 0) -> Decimal:
        gross = sum(
            (price_with_tax(n, self.rate, rounding=2) for n in self.items.values()), Decimal()
        )
        return discounted(gross, percent)
