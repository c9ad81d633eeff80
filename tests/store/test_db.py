"""The store migrates itself to the latest revision, and its models and migrations agree."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from earlyhelp.store.db import current_revision, head_revision, make_engine, open_store
from earlyhelp.store.models import Base


def test_a_new_store_is_migrated_to_the_latest_revision(store_url: str) -> None:
    engine = make_engine(store_url)
    assert current_revision(engine) is None
    store = open_store(url=store_url)
    try:
        assert current_revision(store.engine) == head_revision()
        tables = set(inspect(store.engine).get_table_names())
        assert {"publication", "alert", "alert_event", "opt_out", "data_quality_report"} <= tables
        open_store(url=store_url).close()  # a second upgrade is a no-op
        assert current_revision(store.engine) == head_revision()
    finally:
        store.close()
        engine.dispose()


def test_models_and_migrations_agree(store_url: str) -> None:
    store = open_store(url=store_url)
    try:
        with store.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == [], "a model changed without a migration"
    finally:
        store.close()
