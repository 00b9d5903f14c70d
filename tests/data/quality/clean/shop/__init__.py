"""A tiny shop: prices and a cart."""

from shop.cart import Cart
from shop.pricing import price_with_tax

__all__ = ["Cart", "price_with_tax"]
