"""Youth anti-social behaviour: a person aged 10 to 24 recorded as perpetrator of anti-social
behaviour, or with a youth offence, within the window."""

from __future__ import annotations

from earlyhelp.outcomes.base import Outcome, within_window

YOUTH_ASB = Outcome(
    name="youth_asb",
    unit="person",
    description="recorded anti-social behaviour perpetrator or youth offence within 12 months",
    query=f"""
    SELECT r.person_id AS unit_id, r.as_of, r.household_id,
           EXISTS (SELECT 1 FROM person_event e WHERE e.person_id = r.person_id
                   AND e.event_type IN ('asb.perpetrator', 'yjs.offence')
                   AND {within_window()}) AS label
    FROM resident r
    WHERE r.age BETWEEN 10 AND 24
    """,
)
