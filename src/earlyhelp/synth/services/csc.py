"""Children's social care: contacts, referrals, assessments, section 47 enquiries, children in
need, child protection plans and children looked after; and, in the truth, every harm incident
whether or not a service saw it.

Recording bias lives here: a harm incident becomes a referral only with the chance that a
service sees it (:func:`earlyhelp.synth.hazards.visibility`), which grows with deprivation,
hardship and school attendance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from earlyhelp.synth import hazards
from earlyhelp.synth.latent import sigmoid
from earlyhelp.synth.services.common import EventLog, Ints, after, days_in, draw_lag, month_view
from earlyhelp.synth.world import World

NONE, PLAN, CARE = 0, 1, 2
PLAN_ENDS_MONTHLY = 1 / 11  # plans last about 10 months (DfE: 40 on a plan per 45 starts)
CARE_ENDS_MONTHLY = 0.027  # care episodes last about 3 years at the median
CIN_ENDS_MONTHLY = 0.055
PLAN_TO_CARE = 0.1
P_CIN_AFTER_ASSESSMENT = 0.55
# Stocks at the start, per 10,000 children (DfE, 31 March): on a plan 40, looked after 70,
# in need otherwise about 230.
START_STOCK = {"care": 70e-4, "plan": 40e-4, "cin": 230e-4}


@dataclass
class CscResult:
    """Recorded social care events, and the truth about harm."""

    events: pd.DataFrame
    harm: pd.DataFrame


def simulate_csc(
    world: World, rng: np.random.Generator, police_contacts: pd.DataFrame
) -> CscResult:
    """Run children's social care over every month of the world."""
    log = EventLog(extra=("source", "outcome", "category"))
    harm_parts: list[pd.DataFrame] = []
    n = world.n_people
    status = np.zeros(n, dtype=np.int8)  # NONE, PLAN or CARE (pending chains count as open)
    opened = np.full(n, -99, dtype=np.int64)  # month the plan or care began (or will)
    in_need = np.zeros(n, dtype=bool)
    _starting_stock(world, rng, log, status, in_need)
    _police_contacts(log, police_contacts)

    for month in range(world.calendar.months):
        view = month_view(world, month)
        child = view.age < 18
        _close_episodes(world, month, rng, log, status, opened, in_need)
        people, households = view.person[child], view.household[child]
        k, age, z, dep = view.harm[child], view.age[child], view.z[child], view.deprivation[child]
        eligible = status[people] == NONE
        harmed = rng.random(len(people)) < hazards.harm(k, age)
        seen = harmed & eligible & (rng.random(len(people)) < hazards.visibility(z, dep, age))
        concern = ~seen & eligible & (rng.random(len(people)) < hazards.other_referral(z, k, dep))
        incident_day = days_in(world, np.full(int(harmed.sum()), month), rng)
        harm_parts.append(
            pd.DataFrame(
                {
                    "person_id": people[harmed],
                    "household_id": households[harmed],
                    "harm_date": incident_day,
                    "recorded": seen[harmed],
                }
            )
        )
        serious = np.where(
            seen,
            rng.random(len(people)) < hazards.serious(k),
            rng.random(len(people)) < hazards.P_OUTCOME_AFTER_OTHER_REFERRAL,
        ) & (seen | concern)
        referral_day = np.full(len(people), -1, dtype=np.int64)
        referral_day[harmed] = incident_day + rng.integers(0, 5, size=int(harmed.sum()))
        referral_day = np.where(
            harmed, referral_day, days_in(world, np.full(len(people), month), rng)
        )
        referral_day = np.minimum(referral_day, world.calendar.month_starts[month + 1] - 1)
        _referrals(
            world,
            rng,
            log,
            month,
            people[seen | concern],
            households[seen | concern],
            referral_day[seen | concern],
            seen[seen | concern],
            serious[seen | concern],
            k[seen | concern],
            status,
            opened,
            in_need,
        )
        nfa = (
            eligible
            & ~(seen | concern)
            & (rng.random(len(people)) < 1.2 * hazards.other_referral(z, k, dep))
        )
        log.add(
            "csc.contact",
            people[nfa],
            households[nfa],
            days_in(world, np.full(int(nfa.sum()), month), rng),
            source="other",
            outcome="NFA",
        )
    harm_frame = pd.concat(harm_parts, ignore_index=True)
    return CscResult(log.frame(), harm_frame)


def _referrals(
    world: World,
    rng: np.random.Generator,
    log: EventLog,
    month: int,
    people: Ints,
    households: Ints,
    referral_day: Ints,
    for_harm: npt.NDArray[np.bool_],
    serious: npt.NDArray[np.bool_],
    k: npt.NDArray[np.float64],
    status: npt.NDArray[np.int8],
    opened: Ints,
    in_need: npt.NDArray[np.bool_],
) -> None:
    """Follow each referral: assessment, perhaps an enquiry, a plan, care or a child in need."""
    n = len(people)
    if n == 0:
        return
    starts = world.calendar.month_starts
    source = np.where(
        for_harm,
        rng.choice(["school", "police", "health"], size=n),
        rng.choice(["school", "health", "other", "individual"], size=n),
    )
    contact_day = np.maximum(referral_day - rng.integers(0, 3, size=n), starts[month])
    log.add("csc.contact", people, households, contact_day, source=source, outcome="referral")
    log.add("csc.referral", people, households, referral_day, trigger_month=month, source=source)

    lag = draw_lag(hazards.SAFEGUARDING_LAG, n, rng)
    outcome_month = month + lag
    outcome_day = days_in(world, outcome_month, rng)
    outcome_day = np.clip(outcome_day, referral_day + 2, starts[outcome_month + 1] - 1)
    enquiry_day = referral_day + ((outcome_day - referral_day) * rng.uniform(0.2, 0.6, n)).astype(
        np.int64
    )
    assessed = serious | (rng.random(n) < 0.9)
    assessment_day = np.where(
        serious,
        referral_day + ((enquiry_day - referral_day) * rng.random(n)).astype(np.int64),
        after(referral_day, 3, 40, rng),
    )
    enquiry = serious | (rng.random(n) < np.where(for_harm, 0.45, 0.08))
    enquiry_day = np.where(serious, enquiry_day, after(referral_day, 1, 12, rng))
    log.add(
        "csc.assessment",
        people[assessed],
        households[assessed],
        assessment_day[assessed],
        trigger_month=month,
    )
    log.add(
        "csc.s47_enquiry",
        people[enquiry],
        households[enquiry],
        enquiry_day[enquiry],
        trigger_month=month,
        outcome=np.where(serious[enquiry], "ICPC", "no further action"),
    )

    care = serious & (rng.random(n) < sigmoid(-1.1 + 0.3 * k))
    plan = serious & ~care
    for kind, chosen, event in ((PLAN, plan, "csc.cp_plan_start"), (CARE, care, "csc.cla_start")):
        log.add(
            event,
            people[chosen],
            households[chosen],
            outcome_day[chosen],
            trigger_month=month,
            category=rng.choice(
                ["neglect", "emotional abuse", "physical abuse", "sexual abuse"],
                size=int(chosen.sum()),
                p=[0.5, 0.38, 0.08, 0.04],
            ),
        )
        status[people[chosen]] = kind
        opened[people[chosen]] = outcome_month[chosen]

    cin = ~serious & assessed & ~in_need[people] & (rng.random(n) < P_CIN_AFTER_ASSESSMENT)
    log.add("csc.cin_start", people[cin], households[cin], assessment_day[cin], trigger_month=month)
    in_need[people[cin]] = True


def _close_episodes(
    world: World,
    month: int,
    rng: np.random.Generator,
    log: EventLog,
    status: npt.NDArray[np.int8],
    opened: Ints,
    in_need: npt.NDArray[np.bool_],
) -> None:
    """End plans, care and child-in-need episodes; some plans end with the child in care."""
    hh_of = world.household_of[month]
    starts = world.calendar.month_starts
    dob = world.pop.people["dob"]
    adult = (starts[month] - dob) >= 18 * 365.25
    gone = hh_of < 0
    active = opened < month
    u = rng.random(len(status))
    for kind, rate, end_event in (
        (PLAN, PLAN_ENDS_MONTHLY, "csc.cp_plan_end"),
        (CARE, CARE_ENDS_MONTHLY, "csc.cla_end"),
    ):
        ending = np.flatnonzero((status == kind) & active & ((u < rate) | gone | adult))
        day = np.where(
            gone[ending],
            world.pop.people["exit_day"][ending],
            days_in(world, np.full(len(ending), month), rng),
        )
        household = world.household_of[max(month - 1, 0), ending].astype(np.int64)
        log.add(end_event, ending, household, day)
        status[ending] = NONE
        if kind == PLAN:
            to_care = ending[
                (rng.random(len(ending)) < PLAN_TO_CARE) & ~gone[ending] & ~adult[ending]
            ]
            log.add(
                "csc.cla_start",
                to_care,
                world.household_of[month, to_care].astype(np.int64),
                after(day[np.isin(ending, to_care)], 0, 3, rng),
                trigger_month=month,
                category="plan escalated",
            )
            status[to_care] = CARE
            opened[to_care] = month
    closing = np.flatnonzero(
        in_need & ((rng.random(len(status)) < CIN_ENDS_MONTHLY) | gone | adult)
    )
    day = np.where(
        gone[closing],
        world.pop.people["exit_day"][closing],
        days_in(world, np.full(len(closing), month), rng),
    )
    log.add(
        "csc.cin_end", closing, world.household_of[max(month - 1, 0), closing].astype(np.int64), day
    )
    in_need[closing] = False


def _starting_stock(
    world: World,
    rng: np.random.Generator,
    log: EventLog,
    status: npt.NDArray[np.int8],
    in_need: npt.NDArray[np.bool_],
) -> None:
    """Children already on a plan, in care or in need when the period starts."""
    view = month_view(world, 0)
    child = view.age < 18
    people, households = view.person[child], view.household[child]
    weight = np.exp(1.2 * view.harm[child])
    start = world.calendar.month_start(0)
    taken = np.zeros(len(people), dtype=bool)
    for kind, share in START_STOCK.items():
        p = np.clip(share * len(people) * weight / weight[~taken].sum(), 0, 1)
        chosen = ~taken & (rng.random(len(people)) < p)
        taken |= chosen
        since = 365 * 4 if kind == "care" else 300
        day = start - rng.integers(10, since, size=int(chosen.sum()))
        event = {"care": "csc.cla_start", "plan": "csc.cp_plan_start", "cin": "csc.cin_start"}[kind]
        log.add(event, people[chosen], households[chosen], day, category="open at start")
        if kind == "cin":
            in_need[people[chosen]] = True
        else:
            status[people[chosen]] = CARE if kind == "care" else PLAN


def _police_contacts(log: EventLog, contacts: pd.DataFrame) -> None:
    """Police notifications of children at domestic-abuse incidents arrive as contacts."""
    if len(contacts):
        log.add(
            "csc.contact",
            contacts["person_id"].to_numpy(),
            contacts["household_id"].to_numpy(),
            contacts["event_date"].to_numpy(),
            source="police",
            outcome="NFA",
        )
