"""Warehouse tables written by ingest (and read by linkage and features)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd

from earlyhelp.config import get_settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS load_lineage (
    load_id VARCHAR PRIMARY KEY, source VARCHAR, system VARCHAR, file VARCHAR, sha256 VARCHAR,
    loaded_at TIMESTAMP, rows_read BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT,
    superseded BOOLEAN DEFAULT false
);
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
CREATE OR REPLACE VIEW current_event AS
    SELECT e.* FROM event e SEMI JOIN current_load c USING (load_id);
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


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """Open (or create) the warehouse and make sure every table exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute(f"SET memory_limit = '{get_settings().duckdb_memory_limit}'")
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
