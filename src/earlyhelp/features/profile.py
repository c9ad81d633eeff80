"""Features that are not counts of events: age, sex, the deprivation of home, school attendance
and its trend, free school meals and special needs, and open episodes (early help, a child in
need, temporary accommodation). Each sees only what was known before the as-of date.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from earlyhelp.features.person_events import RESIDENT_CTES, USUAL_DOB_CTES
from earlyhelp.features.states import STATE_FEATURES, episode_open

PROFILE_FEATURES: dict[str, str] = {
    "age": "age in years",
    "male": "recorded as male",
    "imd_decile": "IMD decile of the home's area (1 is the most deprived)",
    "absence_last_term": "share of sessions missed last term",
    "absence_last_year": "share of sessions missed over the last three terms",
    "unauthorised_last_year": "share of sessions missed without authority over three terms",
    "absence_trend": "change in the share missed, last term against the one before",
    "absence_all_terms": "share of sessions missed over every term on record",
    "household_absence_last_year": (
        "share of sessions missed over the last three terms by the household's children"
    ),
    "household_unauthorised_last_year": (
        "share of sessions missed without authority over three terms by the household's children"
    ),
    "free_school_meals": "eligible for free school meals at the latest census",
    "special_needs": "special educational needs at the latest census",
    "open_early_help": "an early help episode open",
    "open_child_in_need": "open to children's social care as a child in need",
    "in_temporary_accommodation": "in temporary accommodation",
    **STATE_FEATURES,
}

PROFILE_FLAGS = [
    "free_school_meals",
    "special_needs",
    "open_early_help",
    "open_child_in_need",
    "in_temporary_accommodation",
]

# The latest event first, then by id: two records of one date must not be picked by chance.
_LATEST = "strftime(e.event_date, '%Y%m%d') || e.event_id"
_NUMBER = "TRY_CAST(json_extract_string(e.attributes, '$.{field}') AS DOUBLE)"


PROFILE_SQL = f"""
WITH {RESIDENT_CTES},
{USUAL_DOB_CTES},
identity AS (
    SELECT l.person_id, any_value(u.dob) AS dob,
           -- the commoner recorded sex; a tie reads as male, so that reruns agree
           round(avg(CASE WHEN upper(r.sex) LIKE 'M%' THEN 1
                          WHEN upper(r.sex) LIKE 'F%' THEN 0 END))
             AS male
    FROM person_link l JOIN current_person_record r
      ON r.system = l.system AND r.source_record_id = l.source_record_id
    LEFT JOIN usual_dob u ON u.person_id = l.person_id
    GROUP BY l.person_id
),
terms AS (
    SELECT r.person_id, r.as_of,
           {_NUMBER.format(field="authorised")} + {_NUMBER.format(field="unauthorised")} AS missed,
           {_NUMBER.format(field="unauthorised")} AS unauthorised,
           {_NUMBER.format(field="sessions_possible")} AS possible,
           row_number() OVER (PARTITION BY r.person_id, r.as_of
                              ORDER BY e.event_date DESC, e.event_id) AS back
    FROM resident r JOIN person_event e
      ON e.person_id = r.person_id AND e.event_type = 'edu.absence_term'
     AND e.known_date < r.as_of
),
attendance AS (
    SELECT person_id, as_of,
           sum(missed) FILTER (WHERE back = 1) / nullif(sum(possible) FILTER (WHERE back = 1), 0)
             AS absence_last_term,
           sum(missed) FILTER (WHERE back <= 3) / nullif(sum(possible) FILTER (WHERE back <= 3), 0)
             AS absence_last_year,
           sum(unauthorised) FILTER (WHERE back <= 3)
             / nullif(sum(possible) FILTER (WHERE back <= 3), 0) AS unauthorised_last_year,
           sum(missed) FILTER (WHERE back = 1)
             / nullif(sum(possible) FILTER (WHERE back = 1), 0)
             - sum(missed) FILTER (WHERE back = 2)
             / nullif(sum(possible) FILTER (WHERE back = 2), 0) AS absence_trend,
           sum(missed) / nullif(sum(possible), 0) AS absence_all_terms
    FROM terms GROUP BY person_id, as_of
),
home_attendance AS (
    SELECT r.household_id, r.as_of,
           avg(t.absence_last_year) AS household_absence_last_year,
           avg(t.unauthorised_last_year) AS household_unauthorised_last_year
    FROM attendance t JOIN resident r USING (person_id, as_of)
    GROUP BY r.household_id, r.as_of
),
census AS (
    SELECT r.person_id, r.as_of,
           arg_max(json_extract_string(e.attributes, '$.fsm'), {_LATEST}) IN ('True', 'true')
             AS free_school_meals,
           coalesce(arg_max(json_extract_string(e.attributes, '$.sen'), {_LATEST}), '') <> ''
             AS special_needs
    FROM resident r JOIN person_event e
      ON e.person_id = r.person_id AND e.event_type = 'edu.census' AND e.known_date < r.as_of
    GROUP BY r.person_id, r.as_of
),
states AS (
    SELECT r.person_id, r.as_of,
           {episode_open("eh.episode_start", "eh.episode_end", "e")} AS open_early_help,
           {episode_open("csc.cin_start", "csc.cin_end", "e")} AS open_child_in_need,
           {episode_open("housing.ta_start", "housing.ta_end", "e")} AS in_temporary_accommodation
    FROM resident r JOIN person_event e
      ON e.person_id = r.person_id AND e.known_date < r.as_of
     AND e.event_type IN ('eh.episode_start', 'eh.episode_end', 'csc.cin_start', 'csc.cin_end',
                          'housing.ta_start', 'housing.ta_end')
    GROUP BY r.person_id, r.as_of
)
SELECT r.person_id, r.as_of,
       date_diff('day', i.dob, r.as_of) / 365.25 AS age, i.male,
       area.imd_decile,
       t.absence_last_term, t.absence_last_year, t.unauthorised_last_year, t.absence_trend,
       t.absence_all_terms, ha.household_absence_last_year, ha.household_unauthorised_last_year,
       c.free_school_meals, c.special_needs,
       s.open_early_help, s.open_child_in_need, s.in_temporary_accommodation
FROM resident r
LEFT JOIN identity i USING (person_id)
LEFT JOIN household h ON h.household_id = r.household_id
LEFT JOIN (SELECT lsoa, any_value(imd_decile) AS imd_decile FROM current_area GROUP BY lsoa) area
  ON area.lsoa = h.lsoa
LEFT JOIN attendance t USING (person_id, as_of)
LEFT JOIN home_attendance ha ON ha.household_id = r.household_id AND ha.as_of = r.as_of
LEFT JOIN census c USING (person_id, as_of)
LEFT JOIN states s USING (person_id, as_of)
"""


def profile_features(con: duckdb.DuckDBPyConnection, as_of: list[object]) -> pd.DataFrame:
    """The profile features of every resident at every as-of date (flags as 0 or 1)."""
    frame = con.execute(PROFILE_SQL, {"as_of": as_of}).df()
    frame[PROFILE_FLAGS] = frame[PROFILE_FLAGS].fillna(False).astype("int64")
    return frame
