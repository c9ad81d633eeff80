"""Feature families compiled to one DuckDB query over people and as-of dates.

Only what the council knew before an as-of date is visible: an event counts only if its known
date is earlier than the as-of date, however early it happened. The cohort at an as-of date is
everyone living in the council then (a current household membership).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from earlyhelp.features.families import FAMILIES, Family
from earlyhelp.features.person_events import create_person_event_view
from earlyhelp.features.profile import profile_features
from earlyhelp.features.states import state_features


def _condition(family: Family) -> str:
    """SQL: an event belongs to the family (its type, and the role or DASH level if named)."""
    types = ", ".join(f"'{t}'" for t in family.event_types)
    condition = f"event_type IN ({types})"
    if family.role:
        condition += f" AND role = '{family.role}'"
    if family.dash:
        condition += f" AND dash = '{family.dash}'"
    return condition


def _columns(families: Sequence[Family]) -> list[str]:
    out = []
    for family in families:
        condition = _condition(family)
        for window in family.windows:
            recent = f" AND event_date >= as_of - INTERVAL {window} MONTH" if window else ""
            out.append(
                f"count(*) FILTER (WHERE {condition}{recent}) AS {family.feature_name(window)}"
            )
        out.append(
            f"date_diff('day', max(event_date) FILTER (WHERE {condition}), as_of) "
            f"AS {family.name}_days_since"
        )
    return out


def feature_sql(families: Sequence[Family]) -> str:
    """The query: one row per person resident at each as-of date (`$as_of` is a date list)."""
    own = [f for f in families if f.scope == "person"]
    home = [f for f in families if f.scope == "household"]
    wanted = ", ".join(sorted({f"'{t}'" for f in families for t in f.event_types}))
    return f"""
    WITH as_of AS (SELECT unnest($as_of::DATE[]) AS as_of),
    events AS (
        SELECT DISTINCT person_id, event_id, event_type, event_date, known_date,
               json_extract_string(attributes, '$.role') AS role,
               json_extract_string(attributes, '$.dash') AS dash
        FROM person_event WHERE event_type IN ({wanted})
    ),
    resident AS (
        SELECT DISTINCT m.person_id, m.household_id, a.as_of
        FROM membership m JOIN as_of a
          ON m.from_date < a.as_of AND (m.to_date IS NULL OR m.to_date >= a.as_of)
    ),
    own_seen AS (
        SELECT r.person_id, r.as_of, e.event_id, e.event_type, e.event_date, e.role, e.dash
        FROM resident r JOIN events e
          ON e.person_id = r.person_id AND e.known_date < r.as_of
    ),
    own AS (SELECT person_id, as_of, {", ".join(_columns(own))}
            FROM own_seen GROUP BY person_id, as_of),
    home_seen AS (
        SELECT DISTINCT r.person_id, r.as_of, e.event_id, e.event_type, e.event_date, e.role, e.dash
        FROM resident r
        JOIN resident o ON o.household_id = r.household_id AND o.as_of = r.as_of
                       AND o.person_id <> r.person_id
        JOIN events e ON e.person_id = o.person_id AND e.known_date < r.as_of
    ),
    home AS (SELECT person_id, as_of, {", ".join(_columns(home)) or "1 AS _none"}
             FROM home_seen GROUP BY person_id, as_of)
    SELECT r.person_id, r.as_of, r.household_id,
           own.* EXCLUDE (person_id, as_of), home.* EXCLUDE (person_id, as_of)
    FROM (SELECT person_id, as_of, min(household_id) AS household_id FROM resident
          GROUP BY person_id, as_of) r
    LEFT JOIN own USING (person_id, as_of)
    LEFT JOIN home USING (person_id, as_of)
    ORDER BY r.as_of, r.person_id
    """


def build_features(
    con: duckdb.DuckDBPyConnection,
    as_of: Sequence[dt.date],
    families: Sequence[Family] = FAMILIES,
) -> pd.DataFrame:
    """Features of every resident at every as-of date; counts of nothing are 0, never-seen
    days-since values are missing."""
    create_person_event_view(con)
    frame = con.execute(feature_sql(families), {"as_of": list(as_of)}).df()
    counts = [c for f in families for c in f.feature_names() if not c.endswith("_days_since")]
    frame[counts] = frame[counts].fillna(0).astype("int64")
    frame = frame.drop(columns=[c for c in frame.columns if c == "_none"])
    keys = ["person_id", "as_of"]
    profile = profile_features(con, list(as_of)).merge(
        state_features(con, list(as_of)), on=keys, how="left"
    )
    return frame.merge(profile, on=keys, how="left")
