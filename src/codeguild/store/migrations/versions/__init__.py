"""Migration revisions, oldest first; each runs on SQLite and PostgreSQL."""
