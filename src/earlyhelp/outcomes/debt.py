"""Debt: a council tax account open at the as-of date on which a liability order is made within
the window."""

from __future__ import annotations

from earlyhelp.outcomes.base import Outcome

DEBT = Outcome(
    name="debt",
    unit="account",
    description="council tax liability order within 12 months",
    query="""
    accounts AS (
        SELECT a.account_ref, x.as_of
        FROM current_ct_account a JOIN as_of x
          ON a.start_date < x.as_of AND (a.end_date IS NULL OR a.end_date >= x.as_of)
    )
    SELECT c.account_ref AS unit_id, c.as_of, NULL::VARCHAR AS household_id,
           EXISTS (SELECT 1 FROM current_event e
                   WHERE e.subject = 'account' AND e.subject_key = c.account_ref
                     AND e.event_type = 'revs.ct_liability_order'
                     AND e.event_date >= c.as_of
                     AND e.event_date < c.as_of + INTERVAL {window} MONTH) AS label
    FROM accounts c
    """,
)
