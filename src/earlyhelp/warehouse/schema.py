"""Warehouse tables written by ingest (and read by linkage and features)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd

from earlyhelp.config import get_settings
from earlyhelp.errors import WarehouseError

SCHEMA = """
CREATE TABLE IF NOT EXISTS load_lineage (
    load_id VARCHAR PRIMARY KEY, source VARCHAR, system VARCHAR, file VARCHAR, sha256 VARCHAR,
    loaded_at TIMESTAMP, rows_read BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT,
    superseded BOOLEAN DEFAULT false
);
-- Added after the first release: a warehouse made before them gains them on opening.
-- spec_sha256: the mapping that read the file (part of the load's identity);
-- held_reason: why a snapshot was not made current; decision: who accepted it, and why.
ALTER TABLE load_lineage ADD COLUMN IF NOT EXISTS spec_sha256 VARCHAR;
ALTER TABLE load_lineage ADD COLUMN IF NOT EXISTS held_reason VARCHAR;
ALTER TABLE load_lineage ADD COLUMN IF NOT EXISTS decision VARCHAR;
CREATE TABLE IF NOT EXISTS person_record (
    load_id VARCHAR, source VARCHAR, system VARCHAR, source_record_id VARCHAR,
    first_name VARCHAR, middle_names VARCHAR, surname VARCHAR, dob DATE, sex VARCHAR,
    address VARCHAR, postcode VARCHAR, uprn VARCHAR, upn VARCHAR, nhs_number VARCHAR,
    ni_number VARCHAR, ethnicity VARCHAR, rows_seen BIGINT, first_line BIGINT,
    first_seen DATE, last_seen DATE
);
CREATE TABLE IF NOT EXISTS event (
    event_id VARCHAR PRIMARY KEY, load_id VARCHAR, source VARCHAR, system VARCHAR,
    subject VARCHAR, subject_key VARCHAR, event_type VARCHAR, event_date DATE, known_date DATE,
    attributes JSON, line BIGINT
);
-- event_key: the event's natural key within its system, the same in every file that holds it.
ALTER TABLE event ADD COLUMN IF NOT EXISTS event_key VARCHAR;
CREATE TABLE IF NOT EXISTS relation (
    load_id VARCHAR, system VARCHAR, subject VARCHAR, subject_key VARCHAR, source_record_id VARCHAR
);
CREATE TABLE IF NOT EXISTS quarantine (
    load_id VARCHAR, source VARCHAR, file VARCHAR, line BIGINT, field VARCHAR, reason VARCHAR,
    raw VARCHAR
);
CREATE TABLE IF NOT EXISTS area (
    load_id VARCHAR, lsoa VARCHAR, lsoa_name VARCHAR, imd_decile INTEGER
);
CREATE TABLE IF NOT EXISTS postcode_lsoa (
    load_id VARCHAR, postcode VARCHAR, lsoa VARCHAR
);
CREATE TABLE IF NOT EXISTS ct_account (
    load_id VARCHAR, account_ref VARCHAR, uprn VARCHAR, address VARCHAR, postcode VARCHAR,
    start_date DATE, end_date DATE
);
"""


CURRENT_VIEWS = """
CREATE OR REPLACE VIEW current_load AS SELECT * FROM load_lineage WHERE NOT superseded;
CREATE OR REPLACE VIEW current_person_record AS
    SELECT p.* FROM person_record p SEMI JOIN current_load c USING (load_id);
-- An event held by several current loads (overlapping increments, one file under two source
-- names) is counted once: the copy from the first load by id.
CREATE OR REPLACE VIEW current_event AS
    SELECT e.* FROM event e SEMI JOIN current_load c USING (load_id)
    QUALIFY row_number() OVER (
        PARTITION BY e.system, coalesce(e.event_key, e.event_id) ORDER BY e.load_id, e.line
    ) = 1;
CREATE OR REPLACE VIEW current_relation AS
    SELECT r.* FROM relation r SEMI JOIN current_load c USING (load_id);
CREATE OR REPLACE VIEW current_ct_account AS
    SELECT a.* FROM ct_account a SEMI JOIN current_load c USING (load_id);
CREATE OR REPLACE VIEW current_postcode_lsoa AS
    SELECT p.* FROM postcode_lsoa p SEMI JOIN current_load c USING (load_id);
CREATE OR REPLACE VIEW current_area AS
    SELECT a.* FROM area a SEMI JOIN current_load c USING (load_id);
"""
LINKAGE_SCHEMA = """
CREATE TABLE IF NOT EXISTS link_run (
    run_id INTEGER PRIMARY KEY, linked_at TIMESTAMP, records BIGINT, people BIGINT,
    households BIGINT, threshold DOUBLE, settings_sha256 VARCHAR
);
CREATE TABLE IF NOT EXISTS person_link (
    system VARCHAR, source_record_id VARCHAR, person_id VARCHAR, link_confidence DOUBLE,
    run_id INTEGER
);
CREATE TABLE IF NOT EXISTS person_id_history (
    run_id INTEGER, old_person_id VARCHAR, new_person_id VARCHAR, kind VARCHAR
);
CREATE TABLE IF NOT EXISTS household (
    household_id VARCHAR, uprn VARCHAR, lsoa VARCHAR, from_date DATE, to_date DATE
);
CREATE TABLE IF NOT EXISTS membership (
    person_id VARCHAR, household_id VARCHAR, from_date DATE, to_date DATE, role VARCHAR
);
"""


def connect(
    path: Path, *, create: bool = True, read_only: bool = False, any_name: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse and make sure every table exists.

    A mistyped path must not quietly give an empty warehouse: with ``create=False`` (every
    command but ingest) a path that does not exist is refused, and a new warehouse is made
    only at a name ending ``.duckdb`` unless ``any_name``. A file that is not a DuckDB
    database, and a warehouse another process holds, are refused naming the path.
    """
    check_warehouse(path, create=create, any_name=any_name)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        raise WarehouseError(_io_message(path, error)) from error
    con.execute(f"SET memory_limit = '{get_settings().duckdb_memory_limit}'")
    if not read_only:
        con.execute(SCHEMA)
        con.execute(LINKAGE_SCHEMA)
        con.execute(CURRENT_VIEWS)
    return con


def append(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: pd.DataFrame,
    stamp: Mapping[str, str | int] | None = None,
) -> None:
    """Append a frame's rows to a table by column name, each stamped with constant columns."""
    stamped = rows.copy()
    for column, value in (stamp or {}).items():
        stamped[column] = value
    con.register("incoming", stamped)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
    finally:
        con.unregister("incoming")


# A DuckDB database file carries this magic at byte 8 (its header's format identifier).
DUCKDB_MAGIC = b"DUCK"


def check_warehouse(path: Path, *, create: bool, any_name: bool = False) -> None:
    """Refuse a warehouse path that would silently give the wrong data (see :func:`connect`)."""
    if path.is_dir():
        raise WarehouseError(f"{path} is a folder, not a warehouse file")
    if path.exists():
        with path.open("rb") as handle:
            head = handle.read(12)
        if head[8:12] != DUCKDB_MAGIC:
            raise WarehouseError(f"{path} is not a DuckDB warehouse (is --warehouse mistyped?)")
        return
    if not create:
        raise WarehouseError(
            f"no warehouse at {path} (is --warehouse mistyped?); `earlyhelp ingest` makes one"
        )
    if path.suffix != ".duckdb" and not any_name:
        raise WarehouseError(
            f"{path}: a new warehouse is made only at a name ending .duckdb "
            "(say --new-warehouse-anywhere to make one at another name)"
        )


def _io_message(path: Path, error: duckdb.IOException) -> str:
    """The lock DuckDB reports, with the command of the process that holds it."""
    text = str(error)
    found = re.search(r"PID (\d+)", text)
    if "lock" not in text.lower() or not found:
        return f"{path}: cannot open the warehouse: {text}"
    pid = found.group(1)
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        command = "a process that has ended or cannot be seen"
    return (
        f"{path} is in use by another process (PID {pid}: {command}); wait for it to finish, "
        "then run this again"
    )
