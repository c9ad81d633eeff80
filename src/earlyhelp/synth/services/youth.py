"""Anti-social behaviour cases (perpetrators and victims) and youth justice offences."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from earlyhelp.synth import hazards
from earlyhelp.synth.latent import MENTAL_HEALTH
from earlyhelp.synth.services.common import EventLog, after, days_in, month_view
from earlyhelp.synth.world import World

ASB_CATEGORIES = np.array(
    ["Rowdy behaviour", "Noise", "Intimidation", "Vandalism", "Drug related", "Neighbour dispute"]
)
OFFENCES = np.array(
    ["Theft", "Violence against the person", "Criminal damage", "Drugs", "Public order", "Motoring"]
)
FIRST_OUTCOMES = np.array(["Youth Caution", "Youth Conditional Caution", "Referral Order"])
LATER_OUTCOMES = np.array(
    ["Referral Order", "Youth Rehabilitation Order", "Youth Conditional Caution"]
)
VICTIM_SHARE = 0.7


def simulate_asb(world: World, rng: np.random.Generator) -> pd.DataFrame:
    """Anti-social behaviour cases: one perpetrator each, most with a neighbour as victim."""
    log = EventLog(extra=("ref", "role", "category"))
    case_no = 0
    for month in range(world.calendar.months):
        view = month_view(world, month)
        did = rng.random(len(view.person)) < hazards.asb_perpetrator(view.conduct, view.z, view.age)
        n = int(did.sum())
        if n == 0:
            continue
        refs = np.array([f"ASB/{case_no + i:06d}" for i in range(n)])
        case_no += n
        day = days_in(world, np.full(n, month), rng)
        category = ASB_CATEGORIES[rng.integers(0, len(ASB_CATEGORIES), n)]
        log.add(
            "asb.perpetrator",
            view.person[did],
            view.household[did],
            day,
            known_date=after(day, 0, 5, rng),
            ref=refs,
            role="perpetrator",
            category=category,
        )
        # Victims: adults elsewhere, more often the vulnerable and those in deprived places.
        adults = np.flatnonzero((view.age >= 16) & ~did)
        weight = np.exp(0.4 * view.deprivation[adults] + 0.3 * view.z[adults, MENTAL_HEALTH])
        has_victim = rng.random(n) < VICTIM_SHARE
        victims = adults[
            rng.choice(len(adults), size=int(has_victim.sum()), p=weight / weight.sum())
        ]
        log.add(
            "asb.victim",
            view.person[victims],
            view.household[victims],
            day[has_victim],
            known_date=after(day[has_victim], 0, 5, rng),
            ref=refs[has_victim],
            role="victim",
            category=category[has_victim],
        )
    return log.frame()


def simulate_youth_justice(world: World, rng: np.random.Generator) -> pd.DataFrame:
    """Offences by 10 to 17 year olds dealt with by the youth justice service."""
    log = EventLog(extra=("offence", "outcome", "first_offence"))
    offended = _offended_before(world, rng)
    for month in range(world.calendar.months):
        view = month_view(world, month)
        did = rng.random(len(view.person)) < hazards.youth_offence(view.conduct, view.age)
        people = view.person[did]
        n = len(people)
        if n == 0:
            continue
        day = days_in(world, np.full(n, month), rng)
        first = ~offended[people]
        outcome = np.where(
            first,
            FIRST_OUTCOMES[rng.choice(3, n, p=[0.5, 0.3, 0.2])],
            LATER_OUTCOMES[rng.choice(3, n, p=[0.5, 0.3, 0.2])],
        )
        log.add(
            "yjs.offence",
            people,
            view.household[did],
            day,
            known_date=after(day, 20, 90, rng),
            offence=OFFENCES[rng.integers(0, len(OFFENCES), n)],
            outcome=outcome,
            first_offence=first,
        )
        offended[people] = True
    return log.frame()


def _offended_before(world: World, rng: np.random.Generator) -> npt.NDArray[np.bool_]:
    """Who already has an offence on record when the period starts (so is no first-timer).

    History before the period is drawn from the same monthly chance, over each young person's
    months since their tenth birthday, at the conduct they show at the start.
    """
    view = month_view(world, 0)
    never = np.ones(len(view.person))
    for months_back in range(1, 12 * 9):
        age = view.age - months_back / 12
        never *= 1 - hazards.youth_offence(view.conduct, age)
    offended = np.zeros(world.n_people, dtype=bool)
    offended[view.person] = rng.random(len(view.person)) > never
    return offended
