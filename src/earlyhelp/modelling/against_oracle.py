"""The model beside the oracle, on the same rows: only possible on the synthetic council, whose
truth says who each linked person really is and what their risk really was.

A linked unit is mapped to the true unit most of its records belong to: a person through their
records' true owners, a household through its members' true households at the as-of date, and a
council tax account through its reference. Rows that map to no unit in the oracle's cohort at
that date (a person the linkage split or merged wrongly, a child the council thinks is off a
plan) are counted, not hidden.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from earlyhelp.modelling.train import card

ACCOUNT_OFFSET = 60_000_000  # the synthetic revenues system numbers accounts from CT60000000

_PEOPLE = """
    SELECT l.person_id, mode(t.person_id) AS true_id
    FROM person_link l JOIN read_parquet($record_person) t
      ON t.source = l.system AND t.source_record_id = l.source_record_id
    GROUP BY l.person_id
"""

_HOUSEHOLDS = f"""
    WITH dates AS (SELECT DISTINCT as_of::DATE AS as_of FROM scores),
    people AS ({_PEOPLE}),
    members AS (
        SELECT m.household_id, d.as_of, p.true_id
        FROM membership m JOIN dates d
          ON m.from_date < d.as_of AND (m.to_date IS NULL OR m.to_date >= d.as_of)
        JOIN people p ON p.person_id = m.person_id
    )
    SELECT s.household_id AS unit_id, s.as_of, mode(t.household_id) AS true_id
    FROM members s JOIN read_parquet($memberships) t
      ON t.person_id = s.true_id AND t.from_date < s.as_of
     AND (t.to_date IS NULL OR t.to_date >= s.as_of)
    GROUP BY s.household_id, s.as_of
"""

TRUE_KEY = {"person": "person_id", "household": "household_id", "account": "account_id"}


def true_units(
    con: duckdb.DuckDBPyConnection, truth: Path, unit: str, scores: pd.DataFrame
) -> pd.Series:
    """The true unit id behind each scored row (missing where none can be found)."""
    if unit == "account":
        number = pd.to_numeric(scores["unit_id"].str.removeprefix("CT"), errors="coerce")
        return (number - ACCOUNT_OFFSET).astype("Int64")
    params = {
        "record_person": str(truth / "record_person.parquet"),
        "memberships": str(truth / "memberships.parquet"),
    }
    if unit == "person":
        mapping = con.execute(_PEOPLE, {"record_person": params["record_person"]}).df()
        found = scores[["unit_id"]].merge(
            mapping.rename(columns={"person_id": "unit_id"}), on="unit_id", how="left"
        )
    else:
        con.register("scores", scores[["as_of"]].drop_duplicates())
        try:
            mapping = con.execute(_HOUSEHOLDS, params).df()
        finally:
            con.unregister("scores")
        mapping["as_of"] = pd.to_datetime(mapping["as_of"])
        found = scores[["unit_id", "as_of"]].merge(mapping, on=["unit_id", "as_of"], how="left")
    return found["true_id"].astype("Int64").set_axis(scores.index)


def attach_oracle(
    con: duckdb.DuckDBPyConnection,
    truth: Path,
    outcome: str,
    unit: str,
    scores: pd.DataFrame,
) -> pd.DataFrame:
    """The scored rows with the true unit and the oracle's risk beside each (missing if none).

    A true unit that two linked units map to (a person the linkage split) keeps the oracle's
    risk on both rows: each is a row the council would act on.
    """
    key = TRUE_KEY[unit]
    oracle = pd.read_parquet(
        truth / f"oracle_{outcome}.parquet", columns=["as_of", key, "oracle_risk"]
    )
    oracle["as_of"] = pd.to_datetime(oracle["as_of"])
    oracle[key] = oracle[key].astype("Int64")
    out = scores.assign(true_id=true_units(con, truth, unit, scores))
    out["as_of"] = pd.to_datetime(out["as_of"])
    return out.merge(
        oracle.rename(columns={key: "true_id"}).drop_duplicates(["as_of", "true_id"]),
        on=["as_of", "true_id"],
        how="left",
    )


def compare(scores: pd.DataFrame, capacity: int) -> dict[str, Any]:
    """Model and oracle measured on the rows both scored, with the ratios the targets use."""
    both = scores.dropna(subset=["oracle_risk"])
    model = card(both, "lightgbm", capacity, interval=False)
    oracle = card(both, "oracle_risk", capacity, interval=False)
    return {
        "rows_scored": len(scores),
        "rows_matched": len(both),
        "auc": model.auc,
        "oracle_auc": oracle.auc,
        "auc_ratio": model.auc / oracle.auc,
        "precision_at_capacity": model.precision_at_capacity,
        "oracle_precision_at_capacity": oracle.precision_at_capacity,
        "precision_ratio": (
            model.precision_at_capacity / oracle.precision_at_capacity
            if oracle.precision_at_capacity
            else float("nan")
        ),
        "oracle_average_precision": oracle.average_precision,
    }
