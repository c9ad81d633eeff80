"""Safeguarding: a child (0 to 17) not on a child protection plan or looked after at the as-of
date, who starts a plan or becomes looked after within the window."""

from __future__ import annotations

from earlyhelp.outcomes.base import Outcome, within_window

STARTS = "('csc.cp_plan_start', 'csc.cla_start')"
ENDS = "('csc.cp_plan_end', 'csc.cla_end')"

SAFEGUARDING = Outcome(
    name="safeguarding",
    unit="person",
    description="child protection plan start or becoming looked after within 12 months",
    query=f"""
    open_at AS (  -- on a plan or in care at the as-of date, as the council knew it
        SELECT r.person_id, r.as_of
        FROM resident r JOIN person_event e
          ON e.person_id = r.person_id AND e.event_date < r.as_of AND e.known_date < r.as_of
        WHERE e.event_type IN {STARTS} OR e.event_type IN {ENDS}
        GROUP BY r.person_id, r.as_of
        HAVING sum(CASE WHEN e.event_type IN {STARTS} THEN 1 ELSE -1 END) > 0
    )
    SELECT r.person_id AS unit_id, r.as_of, r.household_id,
           EXISTS (SELECT 1 FROM person_event e WHERE e.person_id = r.person_id
                   AND e.event_type IN {STARTS} AND {within_window()}) AS label
    FROM resident r
    WHERE r.age BETWEEN 0 AND 17
      AND NOT EXISTS (SELECT 1 FROM open_at o WHERE o.person_id = r.person_id
                      AND o.as_of = r.as_of)
    """,
)
