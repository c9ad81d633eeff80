"""A modelling dataset: an outcome's cohort and labels beside the features of each unit.

A household's features are the strongest of its members' (the most referrals any member has,
the most recent event); a council tax account's are the strongest of the people liable for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from earlyhelp.features.build import build_features
from earlyhelp.outcomes.base import Outcome

KEYS = ("person_id", "as_of", "household_id")


def assemble(
    con: duckdb.DuckDBPyConnection,
    outcome: Outcome,
    as_of: Sequence[dt.date],
    features: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``unit_id, as_of, household_id, label`` and every feature, one row per cohort unit."""
    labels = outcome.cohort_and_labels(con, as_of)
    features = build_features(con, as_of) if features is None else features
    columns = [c for c in features.columns if c not in KEYS]
    if outcome.unit == "person":
        unit = features.rename(columns={"person_id": "unit_id"}).drop(columns="household_id")
    elif outcome.unit == "household":
        unit = _strongest(features.rename(columns={"household_id": "unit_id"}), columns)
    else:
        liable = con.execute(
            "SELECT DISTINCT r.subject_key AS unit_id, l.person_id FROM current_relation r "
            "JOIN person_link l ON l.system = r.system AND l.source_record_id = r.source_record_id "
            "WHERE r.subject = 'account'"
        ).df()
        members = liable.merge(features.drop(columns="household_id"), on="person_id")
        unit = _strongest(members, columns)
    data = labels.merge(unit, on=["unit_id", "as_of"], how="left")
    counts = [c for c in columns if not c.endswith("_days_since")]
    data[counts] = data[counts].fillna(0)
    return data


def _strongest(members: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Per unit and date: the highest count and the most recent event among its members."""
    rules = {c: ("min" if c.endswith("_days_since") else "max") for c in columns}
    return members.groupby(["unit_id", "as_of"]).agg(rules).reset_index()
