"""Scores in the warehouse: what each monthly run computed for every unit of every cohort, with
its factors, beside the model version that computed it. Alerts (in the store) point here by
unit, outcome, as-of date and model version."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import duckdb
import pandas as pd

SCORE_TABLE = """
CREATE TABLE IF NOT EXISTS score (
    outcome VARCHAR, unit_type VARCHAR, unit_id VARCHAR, household_id VARCHAR, as_of DATE,
    model_version VARCHAR, score DOUBLE, probability DOUBLE, probability_low DOUBLE,
    probability_high DOUBLE, ventile INTEGER, band VARCHAR, factors JSON, scored_at TIMESTAMP
)
"""
COLUMNS = (
    "outcome",
    "unit_type",
    "unit_id",
    "household_id",
    "as_of",
    "model_version",
    "score",
    "probability",
    "probability_low",
    "probability_high",
    "ventile",
    "band",
    "factors",
)


def write_scores(
    con: duckdb.DuckDBPyConnection, outcome: str, as_of: dt.date, version: str, rows: pd.DataFrame
) -> None:
    """Replace one outcome's scores at a date by one model version, in one transaction (a
    re-run writes the same rows again; another version's rows stay beside them)."""
    con.execute(SCORE_TABLE)
    frame = rows[list(COLUMNS)].copy()
    frame["factors"] = frame["factors"].map(json.dumps)
    con.register("incoming_scores", frame)
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(
            "DELETE FROM score WHERE outcome = ? AND as_of = ? AND model_version = ?",
            [outcome, as_of, version],
        )
        con.execute(
            f"INSERT INTO score BY NAME SELECT {', '.join(COLUMNS[:-1])}, factors::JSON AS "
            "factors, now() AS scored_at FROM incoming_scores"
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("incoming_scores")


def earlier_probabilities(
    con: duckdb.DuckDBPyConnection, outcome: str, version: str, dates: Sequence[dt.date]
) -> pd.DataFrame:
    """``unit_id, as_of, probability`` of an outcome scored by one model version at earlier
    dates, for the step-down rule (another version's probabilities are on another scale)."""
    con.execute(SCORE_TABLE)
    if not dates:
        return pd.DataFrame(columns=["unit_id", "as_of", "probability"])
    return con.execute(
        """
        SELECT unit_id, as_of, probability FROM score
        WHERE outcome = ? AND model_version = ? AND as_of IN (SELECT unnest(?::DATE[]))
        """,
        [outcome, version, list(dates)],
    ).df()
