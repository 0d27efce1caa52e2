"""Alembic migrations of the records database (run by assess.records.db.migrate)."""
