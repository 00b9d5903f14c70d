"""codeguild: cooperating agents that turn a requirement into a tested project."""

__version__ = "0.1.0"
