"""Current states and household-wide signals: what is open, outstanding or owed at the as-of date,
and how much adversity the whole household has shown lately.

Counts of past events say what happened; a risk often turns on what is still under way (a
council tax summons not yet followed by a liability order, a section 47 enquiry that called a
conference, a homelessness approach not yet decided, a benefit claim still open). The
household's recent record across every system, weighted towards the latest months, estimates
the difficulties behind all of these better than any one system's counts. Each state sees only
events known before the as-of date.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from earlyhelp.features.person_events import RESIDENT_CTES

DECAY_DAYS = 730  # an event's weight falls by e every two years (hardship lasts about that long)
OUTSTANDING_DAYS = 120  # a step still awaiting its sequel after this long has lapsed

STATE_FEATURES: dict[str, str] = {
    "benefit_claim_open": "a council tax reduction claim open in the household",
    "housing_benefit_open": "a housing benefit claim open in the household",
    "council_tenancy_open": "the household holds a council tenancy",
    "rent_arrears_balance": "rent arrears owed by the household at the latest quarter (pounds)",
    "rent_arrears_change": (
        "change in the household's rent arrears over the latest quarter (pounds)"
    ),
    "ct_reminder_outstanding": (
        "a council tax reminder in the last four months not yet followed by a summons"
    ),
    "ct_summons_outstanding": (
        "a council tax summons in the last four months not yet followed by a liability order"
    ),
    "household_ct_summons_outstanding": (
        "a council tax summons in the household in the last four months not yet followed by a "
        "liability order"
    ),
    "s47_conference_outstanding": (
        "a section 47 enquiry that called a child protection conference, not yet followed by a "
        "plan or care"
    ),
    "s47_conferences_ever": "section 47 enquiries that called a child protection conference",
    "homeless_case_outstanding": (
        "a homelessness approach in the household in the last four months not yet decided"
    ),
    "household_hardship_signals": (
        "council tax recovery, rent arrears, benefit claims and homelessness approaches in the "
        "household, weighted towards the latest"
    ),
    "household_abuse_signals": (
        "police domestic-abuse notifications in the household, weighted towards the latest"
    ),
    "household_care_signals": (
        "contacts, referrals, enquiries and early help for the household's children, weighted "
        "towards the latest"
    ),
    "household_conduct_signals": (
        "anti-social behaviour, suspensions, exclusions and missing episodes in the household, "
        "weighted towards the latest"
    ),
    "conduct_signals": (
        "anti-social behaviour, suspensions, exclusions and missing episodes, weighted towards the "
        "latest"
    ),
    "household_early_help_mental_health": (
        "early help for parental mental health in the household, weighted towards the latest"
    ),
    "household_early_help_substance": (
        "early help for parental substance misuse in the household, weighted towards the latest"
    ),
    "household_early_help_domestic_abuse": (
        "early help for domestic abuse in the household, weighted towards the latest"
    ),
    "household_early_help_hardship": (
        "early help for financial hardship in the household, weighted towards the latest"
    ),
    "household_systems_12m": "council systems that recorded the household in the last 12 months",
    "household_days_since_first_record": "days since any system first recorded the household",
}

HARDSHIP = (
    "revs.ct_reminder",
    "revs.ct_summons",
    "revs.ct_liability_order",
    "housing.rent_arrears",
    "revs.ctr_claim_start",
    "housing.homeless_approach",
)
ABUSE = ("police.da_incident",)
CARE = (
    "csc.contact",
    "csc.referral",
    "csc.s47_enquiry",
    "csc.cin_start",
    "eh.episode_start",
)
CONDUCT = (
    "asb.perpetrator",
    "edu.suspension",
    "edu.permanent_exclusion",
    "police.missing_episode",
)
DECISIONS = (
    "housing.homeless_prevention_duty",
    "housing.homeless_relief_duty",
    "housing.homeless_no_duty",
)
OTHER = (
    "revs.ctr_claim_end",
    "revs.hb_claim_start",
    "revs.hb_claim_end",
    "housing.tenancy_start",
    "housing.tenancy_end",
    "csc.cp_plan_start",
    "csc.cla_start",
    *DECISIONS,
)


def _in(types: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{t}'" for t in types) + ")"


def episode_open(start: str, end: str, alias: str = "") -> str:
    """SQL: more starts than ends of an episode (a claim, a tenancy, early help) among the seen
    events (columns of table ``alias``, if named)."""
    kind = f"{alias}.event_type" if alias else "event_type"
    return (
        f"coalesce(sum(CASE WHEN {kind} = '{start}' THEN 1 "
        f"WHEN {kind} = '{end}' THEN -1 END), 0) > 0"
    )


def _weighted(condition: str) -> str:
    """SQL: the seen events meeting ``condition``, each weighted by its recency."""
    return (
        f"coalesce(sum(exp(-date_diff('day', event_date, as_of) / {DECAY_DAYS}))"
        f" FILTER (WHERE {condition}), 0)"
    )


def _decayed(types: tuple[str, ...]) -> str:
    return _weighted(f"event_type IN {_in(types)}")


def _need(need: str) -> str:
    """SQL: early help episodes for one need, weighted by recency (the need names the family's
    main difficulty)."""
    return _weighted(f"event_type = 'eh.episode_start' AND outcome = '{need}'")


def _after(later: str, earlier: str) -> str:
    """SQL: the latest `earlier` step is recent and no `later` step has followed it."""
    return (
        f"coalesce({earlier} >= as_of - INTERVAL {OUTSTANDING_DAYS} DAY"
        f" AND {earlier} > coalesce({later}, DATE '1900-01-01'), false)"
    )


STATES_SQL = f"""
WITH {RESIDENT_CTES},
events AS (
    SELECT DISTINCT person_id, event_id, system, event_type, event_date, known_date,
           coalesce(json_extract_string(attributes, '$.outcome'),
                    json_extract_string(attributes, '$.need')) AS outcome,
           TRY_CAST(json_extract_string(attributes, '$.balance') AS DOUBLE) AS balance
    FROM person_event
    WHERE event_type <> 'edu.census'  -- termly for every pupil; attendance stands for schools
),
seen AS (
    SELECT r.person_id, r.household_id, r.as_of, e.event_id, e.system, e.event_type,
           e.event_date, e.outcome, e.balance
    FROM resident r JOIN events e ON e.person_id = r.person_id AND e.known_date < r.as_of
),
own AS (
    SELECT person_id, as_of, any_value(household_id) AS home_id,
           {episode_open("revs.ctr_claim_start", "revs.ctr_claim_end")} AS ctr_open,
           {episode_open("revs.hb_claim_start", "revs.hb_claim_end")} AS hb_open,
           {episode_open("housing.tenancy_start", "housing.tenancy_end")} AS tenancy_open,
           max(event_date) FILTER (WHERE event_type = 'revs.ct_reminder') AS last_reminder,
           max(event_date) FILTER (WHERE event_type = 'revs.ct_summons') AS last_summons,
           max(event_date) FILTER (WHERE event_type = 'revs.ct_liability_order') AS last_order,
           max(event_date) FILTER (WHERE event_type = 'csc.s47_enquiry' AND outcome = 'ICPC')
             AS last_conference,
           count(*) FILTER (WHERE event_type = 'csc.s47_enquiry' AND outcome = 'ICPC')
             AS conferences,
           max(event_date) FILTER (WHERE event_type IN ('csc.cp_plan_start', 'csc.cla_start'))
             AS last_protection,
           max(event_date) FILTER (WHERE event_type = 'housing.homeless_approach')
             AS last_approach,
           max(event_date) FILTER (WHERE event_type IN {_in(DECISIONS)}) AS last_decision,
           {_decayed(CONDUCT)} AS conduct_signals
    FROM seen GROUP BY person_id, as_of
),
arrears AS (  -- quarterly snapshots: a tenancy without one last quarter owes nothing
    SELECT household_id, as_of,
           sum(balance) FILTER (WHERE back = 1 AND event_date >= as_of - INTERVAL 100 DAY)
             AS latest,
           sum(balance) FILTER (WHERE back = 2 AND event_date >= as_of - INTERVAL 200 DAY)
             AS previous
    FROM (SELECT household_id, as_of, event_date, balance,
                 dense_rank() OVER (PARTITION BY household_id, as_of ORDER BY event_date DESC)
                   AS back
          FROM seen WHERE event_type = 'housing.rent_arrears')
    WHERE back <= 2 GROUP BY household_id, as_of
),
home AS (
    SELECT household_id, as_of,
           {_decayed(HARDSHIP)} AS household_hardship_signals,
           {_decayed(ABUSE)} AS household_abuse_signals,
           {_decayed(CARE)} AS household_care_signals,
           {_decayed(CONDUCT)} AS household_conduct_signals,
           {_need("Parental mental health")} AS household_early_help_mental_health,
           {_need("Parental substance misuse")} AS household_early_help_substance,
           {_need("Domestic abuse")} AS household_early_help_domestic_abuse,
           {_need("Financial hardship")} AS household_early_help_hardship,
           count(DISTINCT system) FILTER (WHERE event_date >= as_of - INTERVAL 12 MONTH)
             AS household_systems_12m,
           date_diff('day', min(event_date), as_of) AS household_days_since_first_record
    FROM seen GROUP BY household_id, as_of
),
home_states AS (
    SELECT home_id AS household_id, as_of,
           bool_or(ctr_open) AS benefit_claim_open,
           bool_or(hb_open) AS housing_benefit_open,
           bool_or(tenancy_open) AS council_tenancy_open,
           bool_or({_after("last_order", "last_summons")}) AS household_ct_summons_outstanding,
           bool_or({_after("last_decision", "last_approach")}) AS homeless_case_outstanding
    FROM own GROUP BY home_id, as_of
)
SELECT r.person_id, r.as_of,
       coalesce(hs.benefit_claim_open, false) AS benefit_claim_open,
       coalesce(hs.housing_benefit_open, false) AS housing_benefit_open,
       coalesce(hs.council_tenancy_open, false) AS council_tenancy_open,
       coalesce(a.latest, 0) AS rent_arrears_balance,
       coalesce(a.latest, 0) - coalesce(a.previous, 0) AS rent_arrears_change,
       coalesce({_after("o.last_summons", "o.last_reminder")}, false) AS ct_reminder_outstanding,
       coalesce({_after("o.last_order", "o.last_summons")}, false) AS ct_summons_outstanding,
       coalesce(hs.household_ct_summons_outstanding, false) AS household_ct_summons_outstanding,
       coalesce({_after("o.last_protection", "o.last_conference")}, false)
         AS s47_conference_outstanding,
       coalesce(o.conferences, 0) AS s47_conferences_ever,
       coalesce(hs.homeless_case_outstanding, false) AS homeless_case_outstanding,
       coalesce(h.household_hardship_signals, 0) AS household_hardship_signals,
       coalesce(h.household_abuse_signals, 0) AS household_abuse_signals,
       coalesce(h.household_care_signals, 0) AS household_care_signals,
       coalesce(h.household_conduct_signals, 0) AS household_conduct_signals,
       coalesce(o.conduct_signals, 0) AS conduct_signals,
       coalesce(h.household_early_help_mental_health, 0) AS household_early_help_mental_health,
       coalesce(h.household_early_help_substance, 0) AS household_early_help_substance,
       coalesce(h.household_early_help_domestic_abuse, 0) AS household_early_help_domestic_abuse,
       coalesce(h.household_early_help_hardship, 0) AS household_early_help_hardship,
       coalesce(h.household_systems_12m, 0) AS household_systems_12m,
       h.household_days_since_first_record
FROM resident r
LEFT JOIN own o USING (person_id, as_of)
LEFT JOIN home h USING (household_id, as_of)
LEFT JOIN home_states hs USING (household_id, as_of)
LEFT JOIN arrears a USING (household_id, as_of)
"""

FLAGS = [name for name in STATE_FEATURES if name.endswith(("_open", "_outstanding"))]
# Sums of events weighted by their recency: a model's summary of a record, not a fact a
# practitioner can check against it, so never offered as a reason for an alert.
WEIGHTED_SIGNALS = frozenset(
    {
        "household_hardship_signals",
        "household_abuse_signals",
        "household_care_signals",
        "household_conduct_signals",
        "conduct_signals",
        "household_early_help_mental_health",
        "household_early_help_substance",
        "household_early_help_domestic_abuse",
        "household_early_help_hardship",
    }
)


def state_features(con: duckdb.DuckDBPyConnection, as_of: list[object]) -> pd.DataFrame:
    """The states and household signals of every resident at every as-of date (flags as 0/1)."""
    frame = con.execute(STATES_SQL, {"as_of": as_of}).df()
    frame[FLAGS] = frame[FLAGS].astype("int64")
    return frame
