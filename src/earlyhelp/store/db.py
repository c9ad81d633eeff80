"""Reaching the store: one engine per URL, sessions, and migrations to the latest revision.

Every command that needs the store calls :func:`open_store`, which migrates first, so a council
never runs new code against an old schema; ``earlyhelp store upgrade`` does the same on its own
for operators who migrate before deploying.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from earlyhelp.config import Settings, get_settings
from earlyhelp.errors import StoreError

MIGRATIONS = Path(__file__).parent / "migrations"


def utcnow() -> dt.datetime:
    """Now, in UTC: the only clock the store writes."""
    return dt.datetime.now(dt.UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")  # a second writer waits instead of failing
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for a store URL; a SQLite file's folder is created, foreign keys enforced."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the store to ``revision`` (default: the latest)."""
    try:
        command.upgrade(_alembic_config(engine), revision)
    except SQLAlchemyError as error:
        raise StoreError(f"cannot migrate the store at {_safe(engine)}: {error}") from error


def current_revision(engine: Engine) -> str | None:
    """The revision the store is at (None for an empty store)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The latest revision the code knows."""
    head = ScriptDirectory.from_config(
        _alembic_config(create_engine("sqlite://"))
    ).get_current_head()
    assert head is not None
    return head


def _safe(engine: Engine) -> str:
    """The URL without its password, for messages."""
    return engine.url.render_as_string(hide_password=True)


class Store:
    """The migrated store: hands out sessions, one transaction each."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work commits together at the end, or not at all."""
        with self._sessions() as session, session.begin():
            yield session

    def describe(self) -> str:
        """Where the store is, without credentials."""
        return _safe(self.engine)

    def close(self) -> None:
        """Release the engine's connections."""
        self.engine.dispose()


def open_store(settings: Settings | None = None, url: str | None = None) -> Store:
    """The store named by the settings (or ``url``), migrated to the latest revision."""
    engine = make_engine(url or (settings or get_settings()).resolved_store_url)
    upgrade(engine)
    return Store(engine)
