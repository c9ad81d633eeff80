"""One call from canonical person records to people: standardise, train or load, link."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from earlyhelp.linkage.cluster import PAIR_COLUMNS, LinkResult, link
from earlyhelp.linkage.exact import MIN_RECORDS_TO_TRAIN, exact_choice, exact_clusters
from earlyhelp.linkage.model import (
    DEFAULT_U_PAIRS,
    build_settings,
    load_settings,
    make_linker,
    populated_columns,
    save_settings,
    train,
)
from earlyhelp.linkage.standardise import standardise_table
from earlyhelp.linkage.threshold import MAX_FALSE_LINK_SHARE

STD_TABLE = "person_records_std"


def link_records(
    records: pd.DataFrame | str,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    settings_path: Path | None = None,
    retrain: bool = True,
    threshold_match_weight: float | None = None,
    return_pairs: bool = False,
    cluster: bool = True,
    seed: int = 1,
    u_pairs: float = DEFAULT_U_PAIRS,
    max_false_link_share: float = MAX_FALSE_LINK_SHARE,
) -> LinkResult:
    """Link canonical person records (a DataFrame, or the name of a table in ``con``).

    With ``retrain`` the model is trained on these records and, if ``settings_path`` is given,
    saved there. Without it the model is loaded from ``settings_path`` and only predicts.
    Without ``threshold_match_weight`` the threshold is the model's own choice (``threshold``).
    """
    if not retrain and settings_path is None:
        raise ValueError("predicting without retraining needs settings_path")
    own = con is None
    connection = duckdb.connect() if con is None else con
    try:
        if isinstance(records, pd.DataFrame):
            connection.register("raw_person_records", records)
            source = "raw_person_records"
        else:
            source = records
        standardise_table(connection, source, STD_TABLE)
        _check_unique(connection)
        records_in = _count(connection)
        if retrain and records_in < MIN_RECORDS_TO_TRAIN:
            return LinkResult(
                clusters=exact_clusters(connection, STD_TABLE),
                threshold=exact_choice(records_in),
                pairs=pd.DataFrame(columns=PAIR_COLUMNS) if return_pairs else None,
            )
        if retrain:
            present = populated_columns(connection, STD_TABLE)
            linker = make_linker(connection, STD_TABLE, build_settings(present))
            train(linker, present, seed=seed, u_pairs=u_pairs)
            if settings_path is not None:
                save_settings(linker, settings_path)
        else:
            assert settings_path is not None
            linker = make_linker(connection, STD_TABLE, load_settings(settings_path))
        return link(linker, threshold_match_weight, return_pairs, cluster, max_false_link_share)
    finally:
        if own:
            connection.close()


def _count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute(f"SELECT count(*) FROM {STD_TABLE}").fetchall()[0]
    return int(row[0])


def _check_unique(con: duckdb.DuckDBPyConnection) -> None:
    """Each (source, source_record_id) must be one row: Splink needs a unique key per record."""
    row = con.execute(
        f"SELECT count(*) - count(DISTINCT unique_id), count(*) - count(unique_id) FROM {STD_TABLE}"
    ).fetchall()[0]
    assert row is not None
    duplicates, missing = int(row[0]), int(row[1])
    if missing:
        raise ValueError(f"{missing} person record(s) have no source or source_record_id")
    if duplicates:
        raise ValueError(f"{duplicates} person record(s) repeat a (source, source_record_id)")
