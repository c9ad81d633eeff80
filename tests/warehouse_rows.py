"""Hand-made warehouse rows for tests of the stages after ingest."""

from __future__ import annotations

import duckdb

LOAD_ID = "load"


def current_load(con: duckdb.DuckDBPyConnection, system: str = "csc") -> None:
    """One load, not superseded, that every hand-made row can belong to."""
    con.execute(
        "INSERT INTO load_lineage (load_id, source, system, file, sha256, loaded_at, rows_read, "
        "rows_loaded, rows_quarantined, superseded) "
        "VALUES (?, 'test', ?, 'f', 'x', now(), 1, 1, 0, false)",
        [LOAD_ID, system],
    )


def event(
    key: str,
    kind: str,
    happened: str,
    known: str | None = None,
    subject: str = "person",
    system: str = "csc",
    attributes: str = "{}",
) -> dict[str, object]:
    """An event row as ingest writes it (known on the day it happened unless told otherwise)."""
    return {
        "event_id": f"{key}:{kind}:{happened}:{known}",
        "load_id": LOAD_ID,
        "source": "test",
        "system": system,
        "subject": subject,
        "subject_key": key,
        "event_type": kind,
        "event_date": happened,
        "known_date": known or happened,
        "attributes": attributes,
        "line": 1,
    }
