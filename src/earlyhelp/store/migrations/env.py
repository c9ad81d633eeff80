"""Alembic's entry point: migrations run on the engine that :mod:`earlyhelp.store.db` hands in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from earlyhelp.store.models import Base

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through earlyhelp.store.db.upgrade, which passes an engine")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
