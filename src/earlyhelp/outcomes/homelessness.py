"""Homelessness: a household any of whose members is owed a homelessness prevention or relief
duty within the window."""

from __future__ import annotations

from earlyhelp.outcomes.base import Outcome, within_window

HOMELESSNESS = Outcome(
    name="homelessness",
    unit="household",
    description="owed a homelessness prevention or relief duty within 12 months",
    query=f"""
    households AS (SELECT DISTINCT household_id, as_of FROM resident)
    SELECT h.household_id AS unit_id, h.as_of, h.household_id,
           EXISTS (SELECT 1 FROM resident r JOIN person_event e ON e.person_id = r.person_id
                   WHERE r.household_id = h.household_id AND r.as_of = h.as_of
                     AND e.event_type IN ('housing.homeless_prevention_duty',
                                          'housing.homeless_relief_duty')
                     AND {within_window()}) AS label
    FROM households h
    """,
)
