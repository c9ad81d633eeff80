"""The store migrates itself to the latest revision, and its models and migrations agree."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from typer.testing import CliRunner

from earlyhelp.cli import app
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


def test_store_commands_report_and_apply_the_migrations(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EARLYHELP_STORE_URL", store_url)
    runner = CliRunner()
    before = runner.invoke(app, ["store", "current"])
    assert before.exit_code == 0 and "none (empty store)" in before.output
    assert "behind" in before.output
    upgraded = runner.invoke(app, ["store", "upgrade"])
    assert upgraded.exit_code == 0 and head_revision() in upgraded.output
    assert "password" not in upgraded.output
    after = runner.invoke(app, ["store", "current"])
    assert "up to date" in after.output


def test_opt_out_commands_record_who_and_why(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EARLYHELP_STORE_URL", store_url)
    runner = CliRunner()
    added = runner.invoke(app, ["optout", "add", "P42", "--by", "dpo", "--reason", "objected"])
    assert added.exit_code == 0, added.output
    missing = runner.invoke(app, ["optout", "withdraw", "P7", "--by", "dpo", "--reason", "x"])
    assert missing.exit_code == 1 and "no active opt-out" in missing.output
    listed = runner.invoke(app, ["optout", "list"])
    assert "P42" in listed.output and "objected" in listed.output
