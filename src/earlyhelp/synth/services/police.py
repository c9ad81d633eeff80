"""Police notifications to the council: domestic-abuse incidents (victim, perpetrator, children
present, DASH risk level) and missing-person episodes of children."""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlyhelp.synth.latent import CONDUCT_HARM, DOMESTIC_ABUSE, SUBSTANCE, sigmoid
from earlyhelp.synth.population import ROLE_PARTNER
from earlyhelp.synth.services.common import EventLog, after, days_in, month_view
from earlyhelp.synth.world import World

DA_INTERCEPT = -6.4
MISSING_INTERCEPT = -7.2
CHILD_PRESENT = 0.7
DASH_LEVELS = np.array(["standard", "medium", "high"])


def simulate_police(world: World, rng: np.random.Generator) -> pd.DataFrame:
    """Every notification, one row per person involved."""
    log = EventLog(extra=("ref", "role", "dash"))
    roles = world.pop.people["role"]
    incident_no = 0
    for month in range(world.calendar.months):
        view = month_view(world, month)
        adult = view.age >= 18
        # One draw per household, read off its first resident adult.
        first_adult = np.zeros(len(view.person), dtype=bool)
        order = np.flatnonzero(adult)
        _, first = np.unique(view.household[order], return_index=True)
        first_adult[order[first]] = True
        da = view.z[:, DOMESTIC_ABUSE]
        hit = first_adult & (
            rng.random(len(view.person))
            < sigmoid(DA_INTERCEPT + 1.3 * da + 0.3 * view.z[:, SUBSTANCE])
        )
        households = view.household[hit]
        if len(households):
            refs = np.array([f"DA{incident_no + i:07d}" for i in range(len(households))])
            incident_no += len(households)
            day = days_in(world, np.full(len(households), month), rng)
            level = rng.random(len(households))
            risk = sigmoid(-2.0 + 0.9 * da[hit])
            dash = DASH_LEVELS[np.where(level < risk, 2, np.where(level < risk + 0.35, 1, 0))]
            by_household = {h: i for i, h in enumerate(households.tolist())}
            involved = np.isin(view.household, households)
            idx = np.flatnonzero(involved)
            which = np.array(
                [by_household[h] for h in view.household[idx].tolist()], dtype=np.int64
            )
            role = _roles(view.male[idx], view.age[idx], roles[view.person[idx]], which, rng)
            keep = role != ""
            idx, which, role = idx[keep], which[keep], role[keep]
            log.add(
                "police.da_incident",
                view.person[idx],
                view.household[idx],
                day[which],
                known_date=after(day[which], 1, 14, rng),
                ref=refs[which],
                role=role,
                dash=dash[which],
            )
        young = (view.age >= 10) & (view.age < 18)
        missing = young & (
            rng.random(len(view.person))
            < sigmoid(MISSING_INTERCEPT + 1.0 * view.conduct + CONDUCT_HARM * 2 * view.harm)
        )
        day = days_in(world, np.full(int(missing.sum()), month), rng)
        log.add(
            "police.missing_episode",
            view.person[missing],
            view.household[missing],
            day,
            known_date=after(day, 0, 3, rng),
            role="missing person",
            dash="",
            ref=np.array([f"MP{month:03d}{i:05d}" for i in range(int(missing.sum()))]),
        )
    return log.frame()


def _roles(
    male: np.ndarray, age: np.ndarray, role: np.ndarray, which: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Victim (a woman partner if there is one), perpetrator (a man partner), children present."""
    out = np.full(len(male), "", dtype=object)
    partner = (role == ROLE_PARTNER) & (age >= 18)
    for incident in np.unique(which).tolist():
        rows = np.flatnonzero(which == incident)
        adults = rows[partner[rows]] if partner[rows].any() else rows[age[rows] >= 18]
        women = adults[male[adults] == 0]
        victim = women[0] if len(women) else adults[0]
        out[victim] = "victim"
        men = adults[(male[adults] == 1) & (adults != victim)]
        if len(men):
            out[men[0]] = "perpetrator"
        kids = rows[age[rows] < 18]
        out[kids[rng.random(len(kids)) < CHILD_PRESENT]] = "child present"
    return out
