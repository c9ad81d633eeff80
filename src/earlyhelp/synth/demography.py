"""A month of life in the council: deaths, moves, partnerships, separations, births, arrivals.

Each kind of event is drawn for everyone at once with numpy; only the few hundred people it
happens to each month are then handled one by one, because each changes who lives with whom.
Children never change household except by leaving the area, which keeps the oracle exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from earlyhelp.synth import latent
from earlyhelp.synth.geography import Geography
from earlyhelp.synth.population import (
    DAYS_PER_YEAR,
    EXIT_DEATH,
    EXIT_MOVED_OUT,
    HOUSEHOLD_SHARES,
    HOUSEHOLD_TYPES,
    NEVER,
    ROLE_CHILD,
    ROLE_PARTNER,
    Member,
    NameDrawer,
    Population,
    add_household,
    add_people,
    compose,
)
from earlyhelp.synth.store import VacancyPool

# Annual rates (approximate England figures, ONS): households leaving the area 4.5%;
# moving within it by tenure (owner 5%, private renter 15%, social renter 5%).
MOVE_OUT_MONTHLY = 0.045 / 12
MOVE_WITHIN_MONTHLY = np.array([0.05, 0.15, 0.05]) / 12
PARTNERING_YEARLY = 0.035
SEPARATION_YEARLY = 0.012
LEAVING_HOME_YEARLY = 0.08
TWIN_SHARE = 0.016  # ONS: about 1.6% of maternities are multiple births
NAMED_AFTER_FATHER = 0.03


@dataclass
class Demography:
    """Mutable state for the monthly demographic step."""

    pop: Population
    geo: Geography
    vacancy: VacancyPool
    drawer: NameDrawer
    rng: np.random.Generator
    start_day: int

    def key(self, tenure: int, decile: int) -> int:
        """Vacancy bucket: moves stay within a tenure and a deprivation decile."""
        return tenure * 100 + decile

    # --- helpers -------------------------------------------------------------------------
    def ages(self, day: int) -> npt.NDArray[np.float64]:
        return np.asarray((day - self.pop.people["dob"]) / DAYS_PER_YEAR)

    def resident(self) -> npt.NDArray[np.bool_]:
        return np.asarray(self.pop.people["exit_day"] == NEVER)

    def move_person(self, person: int, household: int, day: int) -> None:
        old = int(self.pop.people["household"][person])
        self.pop.members[old].discard(person)
        self.pop.members[household].add(person)
        self.pop.people.set("household", person, household)
        self.pop.membership_log.append((person, household, day))
        if not self.pop.members[old]:
            self.end_household(old, day)

    def exit_person(self, person: int, day: int, reason: int) -> None:
        household = int(self.pop.people["household"][person])
        self.pop.people.set("exit_day", person, day)
        self.pop.people.set("exit_reason", person, reason)
        self.pop.members[household].discard(person)
        if not self.pop.members[household]:
            self.end_household(household, day)

    def end_household(self, household: int, day: int) -> None:
        if self.pop.households["ended_day"][household] != NEVER:
            return
        self.pop.households.set("ended_day", household, day)
        self.vacancy.give_back(int(self.pop.households["prop"][household]))

    def new_household_for(self, tenure: int, decile: int, day: int, **inherit: object) -> int:
        prop = -1
        for nearest in sorted(range(1, 11), key=lambda d: abs(d - decile)):
            prop = self.vacancy.take(self.key(tenure, nearest), self.rng)
            if prop >= 0:
                break
        if prop < 0:
            return -1
        decile = int(self.geo.imd_decile[self.geo.prop_lsoa[prop]])
        return add_household(self.pop, prop, tenure, decile, day, self.rng, **inherit)  # type: ignore[arg-type]

    def day(self, lo: int, hi: int) -> int:
        return int(self.rng.integers(lo, hi))

    # --- events --------------------------------------------------------------------------
    def step(self, lo: int, hi: int) -> None:
        """Apply one month of events to days in [lo, hi)."""
        self.deaths(lo, hi)
        self.moves_out(lo, hi)
        self.leaving_home(lo, hi)
        self.separations(lo, hi)
        self.partnerships(lo, hi)
        self.moves_within(lo, hi)
        self.births(lo, hi)
        self.arrivals(lo, hi)

    def deaths(self, lo: int, hi: int) -> None:
        ages = self.ages(lo)
        # Gompertz mortality close to England's life table (about 1 in 1,000 at 40, 6% at 80).
        hazard = np.exp(-10.4 + 0.095 * ages) / 12
        dying = np.flatnonzero(self.resident() & (self.rng.random(len(ages)) < hazard))
        for person in dying.tolist():
            household = int(self.pop.people["household"][person])
            day = self.day(lo, hi)
            self.exit_person(person, day, EXIT_DEATH)
            left = list(self.pop.members[household])
            if left and all(ages[p] < 18 for p in left):  # children go to family elsewhere
                for child in left:
                    self.exit_person(child, day, EXIT_MOVED_OUT)

    def active_households(self) -> npt.NDArray[np.int64]:
        return np.flatnonzero(self.pop.households["ended_day"] == NEVER)

    def moves_out(self, lo: int, hi: int) -> None:
        active = self.active_households()
        leaving = active[self.rng.random(len(active)) < MOVE_OUT_MONTHLY]
        for household in leaving.tolist():
            day = self.day(lo, hi)
            for person in list(self.pop.members[household]):
                self.exit_person(person, day, EXIT_MOVED_OUT)

    def leaving_home(self, lo: int, hi: int) -> None:
        people = self.pop.people
        ages = self.ages(lo)
        candidates = self.resident() & (people["role"] == ROLE_CHILD) & (ages >= 18) & (ages < 32)
        leavers = np.flatnonzero(
            candidates & (self.rng.random(len(ages)) < LEAVING_HOME_YEARLY / 12)
        )
        for person in leavers.tolist():
            old = int(people["household"][person])
            parent_offset = self.pop.households["offset"][old].astype(np.float64)
            offset = (
                0.5 * parent_offset
                + np.sqrt(0.75)
                * latent.SD_HOUSEHOLD_OFFSET
                * (latent.correlated_normals(1, self.rng)[0])
            )
            tenure = 1 if self.rng.random() < 0.75 else 2
            household = self.new_household_for(
                tenure,
                int(self.pop.households["decile"][old]),
                self.day(lo, hi),
                offset=offset,
                ethnicity=int(self.pop.households["ethnicity"][old]),
            )
            if household >= 0:
                people.set("role", person, ROLE_PARTNER)
                self.move_person(
                    person, household, int(self.pop.households["created_day"][household])
                )

    def partners_of(self, household: int) -> list[int]:
        roles = self.pop.people["role"]
        return [p for p in self.pop.members[household] if roles[p] == ROLE_PARTNER]

    def separations(self, lo: int, hi: int) -> None:
        active = self.active_households()
        da = self.pop.households["z"][active, latent.DOMESTIC_ABUSE]
        hazard = SEPARATION_YEARLY / 12 * np.exp(0.5 * da)
        for household in active[self.rng.random(len(active)) < hazard].tolist():
            partners = self.partners_of(household)
            if len(partners) < 2:
                continue
            male = [p for p in partners if self.pop.people["male"][p]]
            leaver = male[0] if male else partners[0]
            remaining = [p for p in partners if p != leaver]
            day = self.day(lo, hi)
            hh = self.pop.households
            new = self.new_household_for(
                1 if self.rng.random() < 0.7 else 2,
                int(hh["decile"][household]),
                day,
                offset=hh["offset"][household].astype(np.float64)
                + 0.3 * self.rng.standard_normal(4),
                z=hh["z"][household].astype(np.float64),
                ethnicity=int(hh["ethnicity"][household]),
            )
            if new < 0:
                self.exit_person(leaver, day, EXIT_MOVED_OUT)
            else:
                self.move_person(leaver, new, day)
            for person in remaining:  # some revert to the surname they were born with
                people = self.pop.people
                if (
                    people["surname"][person] != people["birth_surname"][person]
                    and self.rng.random() < 0.3
                ):
                    self.change_surname(person, day, str(people["birth_surname"][person]))

    def change_surname(self, person: int, day: int, surname: str) -> None:
        self.pop.people.set("surname", person, surname)
        self.pop.surname_log.append((person, day, surname))

    def partnerships(self, lo: int, hi: int) -> None:
        people = self.pop.people
        ages = self.ages(lo)
        partner_count = np.bincount(
            people["household"][self.resident() & (people["role"] == ROLE_PARTNER)],
            minlength=len(self.pop.households),
        )
        alone = (
            self.resident()
            & (people["role"] == ROLE_PARTNER)
            & (ages >= 20)
            & (ages < 55)
            & (partner_count[people["household"]] == 1)
        )
        chosen = np.flatnonzero(alone & (self.rng.random(len(ages)) < PARTNERING_YEARLY / 12))
        women = sorted((ages[p], p) for p in chosen if not people["male"][p])
        men = sorted((ages[p], p) for p in chosen if people["male"][p])
        for (age_w, woman), (age_m, man) in zip(women, men, strict=False):
            if abs(age_w - age_m) > 10:
                continue
            self.join(int(woman), int(man), self.day(lo, hi))

    def has_children(self, household: int, day: int) -> bool:
        dob = self.pop.people["dob"]
        return any(day - dob[p] < 18 * DAYS_PER_YEAR for p in self.pop.members[household])

    def join(self, woman: int, man: int, day: int) -> None:
        hh_w = int(self.pop.people["household"][woman])
        hh_m = int(self.pop.people["household"][man])
        kids_w, kids_m = self.has_children(hh_w, day), self.has_children(hh_m, day)
        if kids_w and kids_m:
            return  # children never change household (see module docstring)
        mover, target = (
            (man, hh_w) if kids_w or (not kids_m and self.rng.random() < 0.5) else (woman, hh_m)
        )
        self.move_person(mover, target, day)
        if self.rng.random() < 0.5:  # marriage, and she takes his surname
            self.change_surname(woman, day, str(self.pop.people["surname"][man]))

    def moves_within(self, lo: int, hi: int) -> None:
        hh = self.pop.households
        active = self.active_households()
        hazard = MOVE_WITHIN_MONTHLY[hh["tenure"][active]]
        for household in active[self.rng.random(len(active)) < hazard].tolist():
            prop = self.vacancy.take(
                self.key(int(hh["tenure"][household]), int(hh["decile"][household])), self.rng
            )
            if prop < 0:
                continue
            day = self.day(lo, hi)
            self.vacancy.give_back(int(hh["prop"][household]))
            hh.set("prop", household, prop)
            self.pop.address_log.append((household, prop, day))

    def births(self, lo: int, hi: int) -> None:
        people = self.pop.people
        ages = self.ages(lo)
        # Age-specific fertility peaking near 31, scaled to about 10.5 births per 1,000 residents.
        asfr = 0.15 * np.exp(-(((ages - 31.0) / 6.0) ** 2))
        mothers = np.flatnonzero(
            self.resident()
            & (people["male"] == 0)
            & (people["role"] == ROLE_PARTNER)
            & (ages >= 16)
            & (ages < 46)
            & (self.rng.random(len(ages)) < asfr / 12)
        )
        for mother in mothers.tolist():
            household = int(people["household"][mother])
            partners = [p for p in self.partners_of(household) if p != mother and people["male"][p]]
            father = partners[0] if partners else -1
            surname = (
                people["surname"][father]
                if father >= 0 and self.rng.random() < 0.8
                else people["surname"][mother]
            )
            day = self.day(lo, hi)
            twins = 2 if self.rng.random() < TWIN_SHARE else 1
            babies = add_people(
                self.pop,
                self.drawer,
                household,
                [
                    Member(0.0, bool(self.rng.random() < 0.51), ROLE_CHILD, 0, 0)
                    for _ in range(twins)
                ],
                day,
                self.rng,
            )
            people = self.pop.people
            people.set("surname", babies, surname)
            people.set("birth_surname", babies, surname)
            people.set("entry_surname", babies, surname)
            if twins == 2:
                people.set("twin_of", babies, babies[::-1])
            son = babies[0]
            if father >= 0 and people["male"][son] and self.rng.random() < NAMED_AFTER_FATHER:
                people.set("first_name", son, people["first_name"][father])
                people.set("named_after", son, father)

    def arrivals(self, lo: int, hi: int) -> None:
        expected = len(self.active_households()) * MOVE_OUT_MONTHLY * 1.12
        for _ in range(int(self.rng.poisson(expected))):
            kind = HOUSEHOLD_TYPES[int(self.rng.choice(len(HOUSEHOLD_TYPES), p=HOUSEHOLD_SHARES))]
            tenure = int(self.rng.choice(3, p=[0.45, 0.4, 0.15]))
            decile = int(self.rng.integers(1, 11))
            day = self.day(lo, hi)
            household = self.new_household_for(tenure, decile, day)
            if household >= 0:
                add_people(self.pop, self.drawer, household, compose(kind, self.rng), day, self.rng)
