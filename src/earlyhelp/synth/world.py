"""The simulated world month by month: demography, then the drift of every latent state.

The result is a set of monthly panels (who lives in which household, and every household's and
person's latent state) from which the services draw what they observe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from faker import Faker

from earlyhelp.synth import latent
from earlyhelp.synth.calendar import Calendar
from earlyhelp.synth.demography import Demography
from earlyhelp.synth.geography import Geography, build_geography
from earlyhelp.synth.population import (
    HOUSEHOLD_SHARES,
    HOUSEHOLD_TYPES,
    NEVER,
    NameDrawer,
    Population,
    add_household,
    add_people,
    assign_identifiers,
    compose,
)
from earlyhelp.synth.store import VacancyPool

MEAN_HOUSEHOLD_SIZE = 2.35


@dataclass
class World:
    """Everything the services observe, and the truth behind it."""

    calendar: Calendar
    geo: Geography
    pop: Population
    household_of: npt.NDArray[np.int32]  # [month, person] household, -1 when not resident
    z: npt.NDArray[np.float32]  # [month, household, adversity]
    harm: npt.NDArray[np.float32]  # [month, person]
    conduct: npt.NDArray[np.float32]  # [month, person]

    @property
    def n_people(self) -> int:
        return int(self.household_of.shape[1])

    @property
    def n_households(self) -> int:
        return int(self.z.shape[1])

    def household_mean(self) -> npt.NDArray[np.float64]:
        """Long-run adversity level of every household (fixed at its creation)."""
        hh = self.pop.households
        return np.asarray(
            latent.household_mean(
                hh["deprivation"].astype(np.float64),
                hh["tenure"].astype(np.int64),
                hh["offset"].astype(np.float64),
            ),
            dtype=np.float64,
        )


def simulate_world(
    calendar: Calendar,
    residents: int,
    rng: np.random.Generator,
    faker: Faker,
    progress: Callable[[int], None] = lambda _: None,
) -> World:
    """Build the council at the start, then live through every month."""
    households = round(residents / MEAN_HOUSEHOLD_SIZE)
    geo = build_geography(households, rng, faker)
    pop = Population()
    drawer = NameDrawer(rng)
    start_day = calendar.month_start(0)
    _populate(pop, geo, drawer, households, start_day, rng)
    occupied = np.zeros(len(geo.prop_uprn), dtype=bool)
    occupied[pop.households["prop"]] = True
    keys = geo.prop_tenure * 100 + geo.imd_decile[geo.prop_lsoa]
    demography = Demography(
        pop, geo, VacancyPool(keys, np.flatnonzero(~occupied)), drawer, rng, start_day
    )

    months = calendar.months
    starts = calendar.month_starts
    person_cap, hh_cap = int(residents * 1.9) + 1000, int(households * 2.2) + 500
    household_of = np.full((months, person_cap), -1, dtype=np.int32)
    z = np.zeros((months, hh_cap, 4), dtype=np.float32)
    harm = np.zeros((months, person_cap), dtype=np.float32)
    conduct = np.zeros((months, person_cap), dtype=np.float32)
    k_now = np.zeros(person_cap)
    c_now = np.zeros(person_cap)
    _initial_person_latents(pop, k_now, c_now, 0, len(pop.people))

    for month in range(months):
        before = len(pop.people)
        demography.step(int(starts[month]), int(starts[month + 1]))
        if len(pop.people) > person_cap or len(pop.households) > hh_cap:
            raise RuntimeError("population outgrew its panels; raise the capacity factors")
        _initial_person_latents(pop, k_now, c_now, before, len(pop.people))
        _step_latents(pop, k_now, c_now, rng)
        n_p, n_h = len(pop.people), len(pop.households)
        here = pop.people["exit_day"] == NEVER
        household_of[month, :n_p] = np.where(here, pop.people["household"], -1)
        z[month, :n_h] = pop.households["z"]
        harm[month, :n_p] = k_now[:n_p]
        conduct[month, :n_p] = c_now[:n_p]
        progress(month)

    assign_identifiers(pop, rng, start_day)
    n_p, n_h = len(pop.people), len(pop.households)
    return World(
        calendar,
        geo,
        pop,
        household_of[:, :n_p].copy(),
        z[:, :n_h].copy(),
        harm[:, :n_p].copy(),
        conduct[:, :n_p].copy(),
    )


def _populate(
    pop: Population,
    geo: Geography,
    drawer: NameDrawer,
    households: int,
    day: int,
    rng: np.random.Generator,
) -> None:
    """The council at the start: households placed in properties, people in households."""
    props = rng.permutation(len(geo.prop_uprn))[:households]
    kinds = rng.choice(len(HOUSEHOLD_TYPES), size=households, p=HOUSEHOLD_SHARES)
    for prop, kind in zip(props.tolist(), kinds.tolist(), strict=True):
        tenure = int(geo.prop_tenure[prop])
        decile = int(geo.imd_decile[geo.prop_lsoa[prop]])
        moved_in = day - int(rng.integers(30, 365 * 15))
        household = add_household(pop, prop, tenure, decile, moved_in, rng)
        members = compose(HOUSEHOLD_TYPES[kind], rng)
        add_people(pop, drawer, household, members, day, rng)
    # Those present at the start arrived before it: their residence begins when the household did.
    created = pop.households["created_day"][pop.people["household"]]
    born_here = np.maximum(pop.people["dob"], created)
    pop.people.set("entry_day", slice(0, len(pop.people)), born_here)
    pop.membership_log[:] = [(p, h, int(born_here[p])) for p, h, _ in pop.membership_log]


def _initial_person_latents(
    pop: Population, k: npt.NDArray[np.float64], c: npt.NDArray[np.float64], lo: int, hi: int
) -> None:
    """New people start at the level their household's adversities pull them to."""
    if hi <= lo:
        return
    people = pop.people
    z = pop.households["z"][people["household"][lo:hi]].astype(np.float64)
    k[lo:hi] = latent.harm_mean(z, people["harm_offset"][lo:hi])
    c[lo:hi] = latent.conduct_mean(
        z, k[lo:hi], people["conduct_offset"][lo:hi], people["male"][lo:hi].astype(np.float64)
    )


def _step_latents(
    pop: Population,
    k: npt.NDArray[np.float64],
    c: npt.NDArray[np.float64],
    rng: np.random.Generator,
) -> None:
    hh = pop.households
    mean = latent.household_mean(
        hh["deprivation"].astype(np.float64),
        hh["tenure"].astype(np.int64),
        hh["offset"].astype(np.float64),
    )
    hh.set("z", slice(0, len(hh)), latent.step_household(hh["z"].astype(np.float64), mean, rng))
    people = pop.people
    n = len(people)
    z = hh["z"][people["household"]].astype(np.float64)
    k[:n] = latent.step_child(k[:n], z, people["harm_offset"].astype(np.float64), rng)
    c[:n] = latent.step_conduct(
        c[:n],
        z,
        k[:n],
        people["conduct_offset"].astype(np.float64),
        people["male"].astype(np.float64),
        rng,
    )


def occupancies(world: World) -> pd.DataFrame:
    """Each household's spells at each property: the basis of tenancies and council tax accounts."""
    log = pd.DataFrame(world.pop.address_log, columns=["household_id", "prop", "from_day"])
    log = log.sort_values(["household_id", "from_day"], kind="stable").reset_index(drop=True)
    ended = world.pop.households["ended_day"][log["household_id"].to_numpy()]
    following = log.groupby("household_id")["from_day"].shift(-1)
    log["to_day"] = np.where(following.isna(), ended, following.fillna(0)).astype(np.int64)
    log["spell_id"] = np.arange(len(log))
    return log


def lead_adult(
    world: World, month: int, households: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """The first resident adult of each household in a month (the tenant, the liable party)."""
    hh_of = world.household_of[month]
    day = world.calendar.month_start(month)
    adult = (hh_of >= 0) & ((day - world.pop.people["dob"]) >= 18 * 365.25)
    people = np.flatnonzero(adult)
    order = np.argsort(hh_of[people], kind="stable")
    people = people[order]
    hh_sorted = hh_of[people]
    pos = np.searchsorted(hh_sorted, households)
    pos = np.minimum(pos, len(people) - 1)
    found = hh_sorted[pos] == households
    return np.where(found, people[pos], -1).astype(np.int64)
