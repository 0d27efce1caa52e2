"""Alembic environment: run on the connection :func:`assess.records.db.open_database` passes in.

The records are migrated programmatically when a database is opened (``alembic upgrade head``
semantics), inside the caller's transaction; there is no ``alembic.ini`` to configure.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from assess.records.schema import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("assess migrations run through assess.records.db.open_database, not the alembic CLI")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
