"""Linkage's reads from and writes to the warehouse."""

from __future__ import annotations

import duckdb
import pandas as pd

from earlyhelp.canonical import PERSON_FIELDS
from earlyhelp.warehouse.schema import append

LOCATION_FIELDS = ("address", "postcode", "uprn")


def canonical_records(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One record per (system, record id): each field as the system most often wrote it.

    Systems that re-key details at every contact (police, anti-social behaviour) hold several
    versions of one record; the most frequent non-blank value of each field stands for it.
    A council tax payer's record without an address takes the address of the property they
    are liable for (their latest account), which the revenues system knows.
    """
    fields = ",\n".join(
        f"arg_max({f}, rows_seen) FILTER (WHERE {f} IS NOT NULL) AS {f}" for f in PERSON_FIELDS
    )
    located = ", ".join(f"coalesce(r.{f}, a.{f}) AS {f}" for f in LOCATION_FIELDS)
    return con.execute(
        f"""
        WITH records AS (
            SELECT system, source_record_id, {fields} FROM current_person_record
            GROUP BY system, source_record_id
        ), accounts AS (
            SELECT l.system, l.source_record_id, arg_max(a.address, a.start_date) AS address,
                   arg_max(a.postcode, a.start_date) AS postcode,
                   arg_max(a.uprn, a.start_date) AS uprn
            FROM current_relation l JOIN current_ct_account a
              ON l.subject = 'account' AND l.subject_key = a.account_ref
            GROUP BY l.system, l.source_record_id
        )
        SELECT r.system AS source, r.source_record_id,
               r.* EXCLUDE (system, source_record_id, {", ".join(LOCATION_FIELDS)}), {located}
        FROM records r LEFT JOIN accounts a USING (system, source_record_id)
        ORDER BY source, r.source_record_id
        """
    ).df()


def previous_links(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """The last run's person id for each record key, if linkage has run before."""
    links = con.execute(
        "SELECT system || '|' || source_record_id AS key, person_id FROM person_link"
    ).df()
    return None if links.empty else links


def save_run(
    con: duckdb.DuckDBPyConnection,
    links: pd.DataFrame,
    history: pd.DataFrame,
    homes: pd.DataFrame,
    members: pd.DataFrame,
    threshold: float,
    settings_sha256: str,
) -> int:
    """Replace the current links, households and memberships; append history and the run."""
    row = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM link_run").fetchone()
    run_id = int(row[0]) if row else 1
    con.execute("BEGIN TRANSACTION")
    try:
        for table, frame in (("person_link", links), ("household", homes), ("membership", members)):
            con.execute(f"DELETE FROM {table}")
            append(con, table, frame, {"run_id": run_id} if table == "person_link" else None)
        if len(history):
            append(con, "person_id_history", history, {"run_id": run_id})
        con.execute(
            "INSERT INTO link_run VALUES (?, now(), ?, ?, ?, ?, ?)",
            [
                run_id,
                len(links),
                links["person_id"].nunique(),
                len(homes),
                threshold,
                settings_sha256,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return run_id
