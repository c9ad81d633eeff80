"""Every current event attributed to the linked people it concerns.

An event about a person record goes to that record's person; one about a council tax account or
a tenancy goes to every person the account or tenancy names (each liable party, each tenant).
"""

from __future__ import annotations

import duckdb

# Who lives in the council at each of $as_of: one row per person and date, with one household.
RESIDENT_CTES = """as_of AS (SELECT unnest($as_of::DATE[]) AS as_of),
resident AS (
    SELECT m.person_id, min(m.household_id) AS household_id, a.as_of
    FROM membership m JOIN as_of a
      ON m.from_date < a.as_of AND (m.to_date IS NULL OR m.to_date >= a.as_of)
    GROUP BY m.person_id, a.as_of
)"""

# Each person's usual date of birth: the one their records give most often, the earliest of a
# tie (mode() would pick among ties by chance, and a rerun could move a child out of a cohort).
USUAL_DOB_CTES = """
    dob_seen AS (
        SELECT l.person_id, r.dob, count(*) AS times
        FROM person_link l JOIN current_person_record r
          ON r.system = l.system AND r.source_record_id = l.source_record_id
        WHERE r.dob IS NOT NULL GROUP BY l.person_id, r.dob
    ),
    usual_dob AS (
        SELECT person_id, first(dob ORDER BY times DESC, dob) AS dob
        FROM dob_seen GROUP BY person_id
    )"""

PERSON_EVENT_VIEW = """
CREATE OR REPLACE VIEW person_event AS
SELECT l.person_id, e.event_id, e.system, e.event_type, e.event_date, e.known_date, e.attributes
FROM current_event e
JOIN person_link l ON e.subject = 'person' AND l.system = e.system
                  AND l.source_record_id = e.subject_key
UNION ALL
SELECT l.person_id, e.event_id, e.system, e.event_type, e.event_date, e.known_date, e.attributes
FROM current_event e
JOIN (SELECT DISTINCT system, subject, subject_key, source_record_id FROM current_relation) r
  ON e.subject = r.subject AND e.system = r.system AND e.subject_key = r.subject_key
JOIN person_link l ON l.system = r.system AND l.source_record_id = r.source_record_id
"""


def create_person_event_view(con: duckdb.DuckDBPyConnection) -> None:
    """Define `person_event` over the warehouse's current events and the latest linkage."""
    con.execute(PERSON_EVENT_VIEW)
