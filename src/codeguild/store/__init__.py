"""Durable state (``store.db``: SQLite/PostgreSQL) and shared memory (``store.memory``)."""
