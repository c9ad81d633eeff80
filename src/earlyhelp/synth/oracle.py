"""The oracle: each unit's chance of its outcome in the 12 months after an as-of date, given the
world's full state at that date (latent adversities and propensities, ages, places, and chains
already under way).

Futures of the latent state are drawn by Monte Carlo with the simulation's own dynamics
(:mod:`earlyhelp.synth.latent`) and outcome chances (:mod:`earlyhelp.synth.hazards`); for each
drawn future the chance of the outcome is exact, so the only error is the Monte Carlo one, which
is reported per unit (``mc_se``). Leaving the area is integrated at its constant monthly rate;
the rarer ways a household ends (all its adults dying, a single adult moving in with a new
partner) are not modelled by the oracle, which slightly overstates risk for those households.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from earlyhelp.synth import hazards, latent
from earlyhelp.synth.demography import MOVE_OUT_MONTHLY, MOVE_WITHIN_MONTHLY
from earlyhelp.synth.episodes import open_on
from earlyhelp.synth.population import DAYS_PER_YEAR
from earlyhelp.synth.world import World, lead_adult

Arr = npt.NDArray[np.floating[Any]]  # float64 in the simulation, float32 in the oracle
Ints = npt.NDArray[np.int64]
WINDOW = 12
OUTCOMES = ("safeguarding", "homelessness", "youth_asb", "debt")
OUTCOME_EVENTS = {
    "safeguarding": ("csc.cp_plan_start", "csc.cla_start"),
    "homelessness": ("housing.homeless_prevention_duty", "housing.homeless_relief_duty"),
    "youth_asb": ("asb.perpetrator", "yjs.offence"),
    "debt": ("revs.ct_liability_order",),
}
UNIT = {
    "safeguarding": "person_id",
    "homelessness": "household_id",
    "youth_asb": "person_id",
    "debt": "account_id",
}


class Antithetic:
    """Normal draws in antithetic pairs: the second half of samples mirrors the first.

    Mirrored futures halve the random numbers drawn (the oracle's main cost) and, as outcome
    chances rise monotonically with the latent state, lower the Monte Carlo error as well.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def standard_normal(
        self, shape: tuple[int, ...] | int, dtype: type = np.float64
    ) -> npt.NDArray[np.floating]:
        """Draws of the given shape whose first axis is mirrored half to half."""
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        half = self.rng.standard_normal((shape[0] // 2, *shape[1:]), dtype=dtype)
        return np.concatenate([half, -half])


@dataclass
class Cohort:
    """Units at risk at one as-of month, with what the oracle needs about each."""

    name: str
    unit: npt.NDArray[np.generic]  # person, household or account ids
    household: Ints  # whose adversities drive the outcome
    person: Ints  # the person (or -1 for household and account outcomes)
    monthly: Callable[[Arr, Arr, Arr, int], Arr]  # (z, k, c, month ahead) -> chance of a chain
    lag: npt.NDArray[
        np.float64
    ]  # chance of each whole-month lag from a chain's start to the outcome
    stay: Arr  # monthly chance the unit stays in the area (and its account stays open)


def oracle_risks(
    world: World,
    events: pd.DataFrame,
    accounts: pd.DataFrame,
    as_of_months: list[int],
    samples: int,
    rng: np.random.Generator,
    progress: Callable[[int], None] = lambda _: None,
) -> dict[str, pd.DataFrame]:
    """Oracle risk and realised label for every unit of every outcome at every as-of month."""
    month_of = world.calendar.month_of(events["event_date"].to_numpy())
    frames: dict[str, list[pd.DataFrame]] = {o: [] for o in OUTCOMES}
    hh_mean = world.household_mean().astype(np.float32)
    for as_of in as_of_months:
        cohorts = _cohorts(world, events, accounts, as_of)
        risks = _integrate(world, hh_mean, cohorts, as_of, samples, rng)
        for outcome, cohort in cohorts.items():
            risk, se = risks[outcome]
            label, pending = _labels(events, month_of, outcome, cohort, as_of)
            frames[outcome].append(
                pd.DataFrame(
                    {
                        "as_of": np.datetime64(world.calendar.month_start(as_of), "D"),
                        UNIT[outcome]: cohort.unit,
                        "household_id": cohort.household,
                        "oracle_risk": np.where(pending, 1.0, risk),
                        "mc_se": np.where(pending, 0.0, se),
                        "pending": pending,
                        "label": label,
                    }
                )
            )
        progress(as_of)
    return {o: pd.concat(f, ignore_index=True) for o, f in frames.items()}


def _integrate(
    world: World,
    hh_mean: npt.NDArray[np.float32],
    cohorts: dict[str, Cohort],
    as_of: int,
    samples: int,
    rng: np.random.Generator,
) -> dict[str, tuple[Arr, Arr]]:
    """Draw futures month by month and accumulate each unit's chance of its outcome.

    Each future is stepped with the simulation's own dynamics; within a future the chance is
    exact (staying, not yet having had the outcome, then having it), so averaging over futures
    leaves only Monte Carlo error. Futures are not stored: memory stays at one month of them.
    """
    people = world.pop.people
    mirrored = Antithetic(rng)
    households = np.unique(np.concatenate([c.household for c in cohorts.values()]))
    persons = np.unique(
        np.concatenate([cohorts["safeguarding"].person, cohorts["youth_asb"].person])
    )
    person_hh = np.searchsorted(households, world.household_of[as_of - 1, persons])
    mean = hh_mean[households]
    z = np.repeat(world.z[as_of - 1, households][None], samples, axis=0)
    k = np.repeat(world.harm[as_of - 1, persons][None], samples, axis=0)
    c = np.repeat(world.conduct[as_of - 1, persons][None], samples, axis=0)
    k_off, c_off = people["harm_offset"][persons], people["conduct_offset"][persons]
    male = people["male"][persons].astype(np.float32)
    where = {
        name: np.searchsorted(households, cohort.household) for name, cohort in cohorts.items()
    }
    who = {
        name: np.searchsorted(persons, cohort.person)
        for name, cohort in cohorts.items()
        if name in ("safeguarding", "youth_asb")
    }
    clear = {
        name: np.ones((samples, len(c_.unit)), dtype=np.float32) for name, c_ in cohorts.items()
    }
    happened = {
        name: np.zeros((samples, len(c_.unit)), dtype=np.float32) for name, c_ in cohorts.items()
    }
    for j in range(WINDOW):
        z = latent.step_household(z, mean, mirrored)  # type: ignore[arg-type]
        z_person = np.take(z, person_hh, axis=1)
        k = latent.step_child(k, z_person, k_off, mirrored)  # type: ignore[arg-type]
        c = latent.step_conduct(c, z_person, k, c_off, male, mirrored)  # type: ignore[arg-type]
        for name, cohort in cohorts.items():
            zu = np.take(z, where[name], axis=1)
            ku = np.take(k, who[name], axis=1) if name in who else k[:, :0]
            cu = np.take(c, who[name], axis=1) if name in who else c[:, :0]
            in_window = np.float32(hazards.within(cohort.lag, WINDOW - 1 - j))
            p = cohort.monthly(zu, ku, cu, as_of + j) * in_window
            clear[name] *= cohort.stay
            happened[name] += clear[name] * p
            clear[name] *= 1 - p
    out = {}
    for name, h in happened.items():
        pairs = h.astype(np.float64).reshape(2, samples // 2, -1).mean(axis=0)
        out[name] = (pairs.mean(axis=0), pairs.std(axis=0) / np.sqrt(samples // 2))
    return out


def _cohorts(
    world: World, events: pd.DataFrame, accounts: pd.DataFrame, as_of: int
) -> dict[str, Cohort]:
    """Who is at risk of each outcome at the start of month ``as_of``."""
    cal = world.calendar
    people = world.pop.people
    hh = world.pop.households
    day = cal.month_start(as_of)
    hh_of = world.household_of[as_of - 1]
    resident = np.flatnonzero(hh_of >= 0)
    age_now = (day - people["dob"][resident]) / DAYS_PER_YEAR
    dep = hh["deprivation"].astype(np.float32)
    tenure = hh["tenure"].astype(np.int64)
    dob = people["dob"].astype(np.float64)

    def age_at(person: Ints, month: int) -> Arr:
        return np.asarray((cal.month_start(month) - dob[person]) / DAYS_PER_YEAR, dtype=np.float32)

    def person_stay(person: Ints) -> Arr:
        death = np.exp(-10.4 + 0.095 * age_at(person, as_of)) / 12
        return np.asarray((1 - MOVE_OUT_MONTHLY) * (1 - death), dtype=np.float32)

    on_plan = open_on(events, "csc.cp_plan_start", "csc.cp_plan_end", day - 1) | open_on(
        events, "csc.cla_start", "csc.cla_end", day - 1
    )
    on_plan_ids = np.fromiter(on_plan, dtype=np.int64, count=len(on_plan))
    children = resident[(age_now < 18) & ~np.isin(resident, on_plan_ids)]
    ch_hh = hh_of[children].astype(np.int64)
    safeguarding = Cohort(
        "safeguarding",
        children,
        ch_hh,
        children,
        lambda z, k, c, m: hazards.safeguarding_chain(z, k, dep[ch_hh], age_at(children, m)),
        hazards.SAFEGUARDING_LAG,
        person_stay(children),
    )
    young = resident[(age_now >= 10) & (age_now < 25)]
    yo_hh = hh_of[young].astype(np.int64)

    def youth(z: Arr, k: Arr, c: Arr, m: int) -> Arr:
        age = age_at(young, m)
        asb = hazards.asb_perpetrator(c, z, age)
        return np.asarray(1 - (1 - asb) * (1 - hazards.youth_offence(c, age)))

    youth_asb = Cohort("youth_asb", young, yo_hh, young, youth, np.array([1.0]), person_stay(young))
    households = np.unique(hh_of[resident])
    households = households[lead_adult(world, as_of - 1, households) >= 0].astype(np.int64)
    homelessness = Cohort(
        "homelessness",
        households,
        households,
        np.full(len(households), -1),
        lambda z, k, c, m: (
            hazards.homeless_approach(z, dep[households], tenure[households]) * hazards.P_DUTY_OWED
        ),
        hazards.HOMELESS_LAG,
        np.full(len(households), 1 - MOVE_OUT_MONTHLY, dtype=np.float32),
    )
    open_accounts = accounts[(accounts["start_day"] < day) & (accounts["end_day"] >= day)]
    acc_hh = open_accounts["household_id"].to_numpy().astype(np.int64)
    keep = lead_adult(world, as_of - 1, acc_hh) >= 0
    open_accounts, acc_hh = open_accounts[keep], acc_hh[keep]
    debt = Cohort(
        "debt",
        open_accounts["account_id"].to_numpy(),
        acc_hh,
        np.full(len(acc_hh), -1),
        lambda z, k, c, m: hazards.debt_chain(z, dep[acc_hh]),
        hazards.DEBT_LAG,
        ((1 - MOVE_OUT_MONTHLY) * (1 - MOVE_WITHIN_MONTHLY[tenure[acc_hh]])).astype(np.float32),
    )
    return {
        "safeguarding": safeguarding,
        "homelessness": homelessness,
        "youth_asb": youth_asb,
        "debt": debt,
    }


def _labels(
    events: pd.DataFrame, month_of: Ints, outcome: str, cohort: Cohort, as_of: int
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Realised outcome within the window, and whether it was already under way at the as-of."""
    rows = events["event_type"].isin(OUTCOME_EVENTS[outcome]).to_numpy() & (
        (month_of >= as_of) & (month_of < as_of + WINDOW)
    )
    if outcome == "safeguarding":
        rows &= (events["trigger_month"] >= 0).to_numpy()
    hits = events.loc[rows, [UNIT[outcome], "trigger_month"]]
    label = np.isin(cohort.unit, hits[UNIT[outcome]].to_numpy())
    under_way = hits[hits["trigger_month"].between(0, as_of - 1)][UNIT[outcome]].to_numpy()
    return label, np.isin(cohort.unit, under_way)
