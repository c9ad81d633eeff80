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

import numpy as np
import numpy.typing as npt
import pandas as pd

from earlyhelp.synth import hazards, latent
from earlyhelp.synth.demography import MOVE_OUT_MONTHLY, MOVE_WITHIN_MONTHLY
from earlyhelp.synth.episodes import open_on
from earlyhelp.synth.population import DAYS_PER_YEAR
from earlyhelp.synth.world import World, lead_adult

Arr = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
WINDOW = 12
OUTCOMES = ("safeguarding", "homelessness", "youth_asb", "debt")
OUTCOME_EVENTS = {
    "safeguarding": ("csc.cp_plan_start", "csc.cla_start"),
    "homelessness": ("housing.homeless_prevention_duty", "housing.homeless_relief_duty"),
    "youth_asb": ("asb.perpetrator", "yjs.offence"),
    "debt": ("revs.ct_liability_order",),
}
UNIT = {"safeguarding": "person_id", "homelessness": "household_id", "youth_asb": "person_id",
        "debt": "account_id"}


@dataclass
class Cohort:
    """Units at risk at one as-of month, with what the oracle needs about each."""

    name: str
    unit: npt.NDArray[np.generic]  # person, household or account ids
    household: Ints  # whose adversities drive the outcome
    person: Ints  # the person (or -1 for household and account outcomes)
    monthly: Callable[[Arr, Arr, Arr, int], Arr]  # (z, k, c, month ahead) -> chance of a chain
    lag: Arr  # months from a chain's start to the outcome
    stay: Arr  # monthly chance the unit stays in the area (and its account stays open)


def oracle_risks(
    world: World, events: pd.DataFrame, accounts: pd.DataFrame, as_of_months: list[int],
    samples: int, rng: np.random.Generator, progress: Callable[[int], None] = lambda _: None,
) -> dict[str, pd.DataFrame]:
    """Oracle risk and realised label for every unit of every outcome at every as-of month."""
    month_of = world.calendar.month_of(events["event_date"].to_numpy())
    frames: dict[str, list[pd.DataFrame]] = {o: [] for o in OUTCOMES}
    hh_mean = world.household_mean()
    for as_of in as_of_months:
        cohorts = _cohorts(world, events, accounts, as_of)
        households = np.unique(np.concatenate([c.household for c in cohorts.values()]))
        futures = _futures(world, hh_mean, households, cohorts, as_of, samples, rng)
        for outcome, cohort in cohorts.items():
            risk, se = _integrate(world, cohort, futures, households, as_of)
            label, pending = _labels(events, month_of, outcome, cohort, as_of)
            risk = np.where(pending, 1.0, risk)
            se = np.where(pending, 0.0, se)
            frames[outcome].append(pd.DataFrame({
                "as_of": np.datetime64(world.calendar.month_start(as_of), "D"),
                UNIT[outcome]: cohort.unit, "household_id": cohort.household,
                "oracle_risk": risk, "mc_se": se, "pending": pending, "label": label,
            }))
        progress(as_of)
    return {o: pd.concat(f, ignore_index=True) for o, f in frames.items()}


@dataclass
class Futures:
    """Drawn futures: [sample, month ahead, unit] latent paths."""

    z: npt.NDArray[np.float32]  # [sample, month, household, 4]
    k: dict[str, npt.NDArray[np.float32]]  # per outcome, [sample, month, person]
    c: dict[str, npt.NDArray[np.float32]]


def _futures(
    world: World, hh_mean: Arr, households: Ints, cohorts: dict[str, Cohort], as_of: int,
    samples: int, rng: np.random.Generator,
) -> Futures:
    people = world.pop.people
    z_now = np.broadcast_to(world.z[as_of - 1, households], (samples, len(households), 4))
    mean = hh_mean[households].astype(np.float32)
    z_path = np.empty((samples, WINDOW, len(households), 4), dtype=np.float32)
    z = z_now
    for j in range(WINDOW):
        z = latent.step_household(z, mean, rng)
        z_path[:, j] = z
    k_paths: dict[str, npt.NDArray[np.float32]] = {}
    c_paths: dict[str, npt.NDArray[np.float32]] = {}
    for outcome in ("safeguarding", "youth_asb"):
        person = cohorts[outcome].person
        where = np.searchsorted(households, cohorts[outcome].household)
        k = np.broadcast_to(world.harm[as_of - 1, person], (samples, len(person)))
        c = np.broadcast_to(world.conduct[as_of - 1, person], (samples, len(person)))
        k_off = people["harm_offset"][person]
        c_off = people["conduct_offset"][person]
        male = people["male"][person].astype(np.float32)
        k_path = np.empty((samples, WINDOW, len(person)), dtype=np.float32)
        c_path = np.empty_like(k_path)
        for j in range(WINDOW):
            zj = z_path[:, j][:, where]
            k = latent.step_child(k, zj, k_off, rng)
            c = latent.step_conduct(c, zj, k, c_off, male, rng)
            k_path[:, j], c_path[:, j] = k, c
        k_paths[outcome], c_paths[outcome] = k_path, c_path
    return Futures(z_path, k_paths, c_paths)


def _integrate(
    world: World, cohort: Cohort, futures: Futures, households: Ints, as_of: int
) -> tuple[Arr, Arr]:
    """Chance of the outcome within the window on each drawn future, averaged over futures."""
    where = np.searchsorted(households, cohort.household)
    samples = futures.z.shape[0]
    here_clear = np.ones((samples, len(cohort.unit)), dtype=np.float32)  # here, no outcome yet
    happened = np.zeros((samples, len(cohort.unit)), dtype=np.float32)
    key = cohort.name
    for j in range(WINDOW):
        z = futures.z[:, j][:, where]
        k = futures.k[key][:, j] if key in futures.k else np.zeros(0, dtype=np.float32)
        c = futures.c[key][:, j] if key in futures.c else np.zeros(0, dtype=np.float32)
        p = cohort.monthly(z, k, c, as_of + j) * np.float32(hazards.within(cohort.lag, WINDOW - 1 - j))
        here_clear *= cohort.stay.astype(np.float32)
        happened += here_clear * p
        here_clear *= 1 - p
    happened64 = happened.astype(np.float64)
    return happened64.mean(axis=0), happened64.std(axis=0) / np.sqrt(samples)


def _cohorts(world: World, events: pd.DataFrame, accounts: pd.DataFrame, as_of: int) -> dict[str, Cohort]:
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
        return np.asarray((1 - MOVE_OUT_MONTHLY) * (1 - death))

    on_plan = open_on(events, "csc.cp_plan_start", "csc.cp_plan_end", day - 1) | open_on(
        events, "csc.cla_start", "csc.cla_end", day - 1)
    on_plan_ids = np.fromiter(on_plan, dtype=np.int64, count=len(on_plan))
    children = resident[(age_now < 18) & ~np.isin(resident, on_plan_ids)]
    ch_hh = hh_of[children].astype(np.int64)
    safeguarding = Cohort(
        "safeguarding", children, ch_hh, children,
        lambda z, k, c, m: hazards.safeguarding_chain(z, k, dep[ch_hh], age_at(children, m)),
        hazards.SAFEGUARDING_LAG, person_stay(children),
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
        "homelessness", households, households, np.full(len(households), -1),
        lambda z, k, c, m: hazards.homeless_approach(z, dep[households], tenure[households]) * hazards.P_DUTY_OWED,
        hazards.HOMELESS_LAG, np.full(len(households), 1 - MOVE_OUT_MONTHLY),
    )
    open_accounts = accounts[(accounts["start_day"] < day) & (accounts["end_day"] >= day)]
    acc_hh = open_accounts["household_id"].to_numpy().astype(np.int64)
    keep = lead_adult(world, as_of - 1, acc_hh) >= 0
    open_accounts, acc_hh = open_accounts[keep], acc_hh[keep]
    debt = Cohort(
        "debt", open_accounts["account_id"].to_numpy(), acc_hh, np.full(len(acc_hh), -1),
        lambda z, k, c, m: hazards.debt_chain(z, dep[acc_hh]),
        hazards.DEBT_LAG, (1 - MOVE_OUT_MONTHLY) * (1 - MOVE_WITHIN_MONTHLY[tenure[acc_hh]]),
    )
    return {"safeguarding": safeguarding, "homelessness": homelessness, "youth_asb": youth_asb,
            "debt": debt}


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
