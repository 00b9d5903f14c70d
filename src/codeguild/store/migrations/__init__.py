"""Alembic migration scripts of the durable store (run via codeguild.store.db.migrate)."""
