"""What every outcome shares: a cohort query, a label window, and how to run them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from earlyhelp.features.person_events import USUAL_DOB_CTES, create_person_event_view

WINDOW_MONTHS = 12

# Who lives in the council at each as-of date, with their usual date of birth.
RESIDENTS = f"""
    as_of AS (SELECT unnest($as_of::DATE[]) AS as_of),
{USUAL_DOB_CTES},
    born AS (SELECT person_id, dob FROM usual_dob),
    resident AS (
        SELECT m.person_id, min(m.household_id) AS household_id, a.as_of,
               date_diff('year', any_value(b.dob), a.as_of)
                 - CASE WHEN strftime(a.as_of, '%m%d') < strftime(any_value(b.dob), '%m%d')
                        THEN 1 ELSE 0 END AS age
        FROM membership m JOIN as_of a
          ON m.from_date < a.as_of AND (m.to_date IS NULL OR m.to_date >= a.as_of)
        LEFT JOIN born b ON b.person_id = m.person_id
        GROUP BY m.person_id, a.as_of
    )
"""


@dataclass(frozen=True)
class Outcome:
    """An outcome: its unit, and a query giving ``unit_id, as_of, household_id, label``."""

    name: str
    unit: str  # person, household or account
    description: str
    query: str  # uses the CTEs of RESIDENTS and $as_of; {window} is the label window in months
    window_months: int = WINDOW_MONTHS

    def cohort_and_labels(
        self, con: duckdb.DuckDBPyConnection, as_of: Sequence[dt.date]
    ) -> pd.DataFrame:
        """One row per unit at risk at each as-of date, with whether the outcome followed."""
        create_person_event_view(con)
        query = self.query.format(window=self.window_months).strip()
        joiner = ", " if not query.upper().startswith("SELECT") else "\n"
        sql = "WITH " + RESIDENTS + joiner + query
        frame = con.execute(sql, {"as_of": list(as_of)}).df()
        frame["label"] = frame["label"].astype(bool)
        return frame.sort_values(["as_of", "unit_id"], kind="stable").reset_index(drop=True)


def within_window(alias: str = "e", window: str = "{window}") -> str:
    """SQL: the event happened in the window that starts at the as-of date."""
    return (
        f"{alias}.event_date >= r.as_of AND {alias}.event_date < r.as_of + INTERVAL {window} MONTH"
    )
