"""A modelling dataset: an outcome's cohort and labels beside the features of each unit.

A household's features are the strongest of its members' (the most referrals any member has,
the most recent event); a council tax account's are the strongest of the people liable for it.
The join and the roll-up run in DuckDB over ``feature_matrix``, and features arrive as float32:
a large council's household dataset is a million rows, and float64 would double it for nothing
LightGBM can use (it bins every feature into at most 63 values).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from earlyhelp.features.build import (
    MATRIX,
    create_feature_matrix,
    matrix_features,
    require_matrix,
)
from earlyhelp.outcomes.base import Outcome

# The people liable for each council tax account (also how alerts reach an account's people).
LIABLE_SQL = """
    SELECT DISTINCT r.subject_key AS unit_id, l.person_id
    FROM current_relation r
    JOIN person_link l ON l.system = r.system AND l.source_record_id = r.source_record_id
    WHERE r.subject = 'account'
"""


def assemble(
    con: duckdb.DuckDBPyConnection,
    outcome: Outcome,
    as_of: Sequence[dt.date],
    *,
    reuse_features: bool = False,
) -> pd.DataFrame:
    """``unit_id, as_of, household_id, label`` and every feature, one row per cohort unit.

    The feature matrix is built for ``as_of`` first, unless ``reuse_features`` says it already
    was (training builds it once for all four outcomes); a stale matrix is refused."""
    if not reuse_features:
        create_feature_matrix(con, as_of)
    require_matrix(con, as_of)
    labels = outcome.cohort_and_labels(con, as_of)
    columns = matrix_features(con)
    con.register("cohort_labels", labels)
    try:
        return con.execute(_dataset_sql(outcome.unit, columns)).df()
    finally:
        con.unregister("cohort_labels")


def _dataset_sql(unit: str, columns: list[str]) -> str:
    """SQL: the cohort beside its units' features; counts of nothing are 0."""
    dated = f"(SELECT * FROM {MATRIX} WHERE as_of IN (SELECT DISTINCT as_of FROM cohort_labels))"
    if unit == "person":
        units = f"SELECT person_id AS unit_id, as_of, {', '.join(columns)} FROM {dated}"
    else:
        strongest = ", ".join(
            f"{'min' if c.endswith('_days_since') else 'max'}({c}) AS {c}" for c in columns
        )
        members = (
            f"(SELECT household_id AS unit_id, * EXCLUDE (household_id) FROM {dated})"
            if unit == "household"
            else f"({LIABLE_SQL}) liable JOIN {dated} USING (person_id)"
        )
        units = f"SELECT unit_id, as_of, {strongest} FROM {members} GROUP BY unit_id, as_of"
    values = ", ".join(
        f"u.{c}::FLOAT AS {c}" if c.endswith("_days_since") else f"coalesce(u.{c}, 0)::FLOAT AS {c}"
        for c in columns
    )
    return f"""
    SELECT c.unit_id, c.as_of, c.household_id, c.label, {values}
    FROM cohort_labels c LEFT JOIN ({units}) u USING (unit_id, as_of)
    ORDER BY c.as_of, c.unit_id
    """
