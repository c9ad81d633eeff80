"""People and households: who lives where, and how a new household is composed.

Composition shares are approximate England figures (ONS Families and households 2021: one-person
30%, couples without dependent children about 26%, couples with dependent children about 20%,
lone parents about 10%, multi-generational and other about 14%).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from earlyhelp.synth import identifiers, latent, names
from earlyhelp.synth.store import ColumnStore

NEVER = np.iinfo(np.int32).max  # exit day of someone still here
DAYS_PER_YEAR = 365.25
LA_CODE = 899  # a local-authority number outside the range DfE issues

HOUSEHOLD_TYPES = (
    "single",
    "couple",
    "couple_children",
    "lone_parent",
    "multigenerational",
    "shared",
)
HOUSEHOLD_SHARES = np.array([0.30, 0.26, 0.20, 0.10, 0.06, 0.08])

ROLE_PARTNER, ROLE_CHILD, ROLE_OTHER = 0, 1, 2
EXIT_NONE, EXIT_DEATH, EXIT_MOVED_OUT = 0, 1, 2

PEOPLE_COLUMNS = {
    "dob": np.int32,
    "male": np.int8,
    "ethnicity": np.int8,
    "first_name": object,
    "middle_names": object,
    "birth_surname": object,
    "surname": object,
    "entry_surname": object,
    "disabled": np.bool_,
    "nhs_number": object,
    "ni_number": object,
    "upn": object,
    "entry_day": np.int32,
    "exit_day": np.int32,
    "exit_reason": np.int8,
    "role": np.int8,
    "household": np.int32,
    "harm_offset": np.float32,
    "conduct_offset": np.float32,
    "school_offset": np.float32,
    "sen": np.int8,
    "named_after": np.int32,
    "twin_of": np.int32,
}
HOUSEHOLD_COLUMNS = {
    "prop": np.int32,
    "tenure": np.int8,
    "decile": np.int8,
    "deprivation": np.float32,
    "created_day": np.int32,
    "ended_day": np.int32,
    "offset": (np.float32, 4),
    "z": (np.float32, 4),
    "ethnicity": np.int8,
}


@dataclass
class Member:
    """One person of a household being composed."""

    age: float
    male: bool
    role: int
    surname_slot: int  # people sharing a slot share a surname
    birth_slot: int  # the surname they were born with


@dataclass
class Population:
    """The people and households of the council, with logs of every change."""

    people: ColumnStore = field(default_factory=lambda: ColumnStore(PEOPLE_COLUMNS, 4096))
    households: ColumnStore = field(default_factory=lambda: ColumnStore(HOUSEHOLD_COLUMNS, 2048))
    members: list[set[int]] = field(default_factory=list)
    membership_log: list[tuple[int, int, int]] = field(default_factory=list)  # person, hh, day
    address_log: list[tuple[int, int, int]] = field(default_factory=list)  # hh, prop, day
    surname_log: list[tuple[int, int, str]] = field(default_factory=list)  # person, day, surname


def compose(kind: str, rng: np.random.Generator) -> list[Member]:
    """Members of a new household of a given kind, with ages, sexes and shared surnames."""
    u = rng.random
    if kind == "single":
        return [Member(float(rng.uniform(19, 92)), bool(u() < 0.5), ROLE_PARTNER, 0, 0)]
    if kind == "couple":
        age = float(rng.uniform(22, 88))
        woman_slot = 0 if u() < 0.6 else 1
        out = [
            Member(age + float(rng.normal(2, 3)), True, ROLE_PARTNER, 0, 0),
            Member(age, False, ROLE_PARTNER, woman_slot, 1),
        ]
        if 40 < age < 65 and u() < 0.3:  # a grown-up child still at home
            out.append(
                Member(
                    float(rng.uniform(18, min(30, age - 18))), bool(u() < 0.55), ROLE_CHILD, 0, 0
                )
            )
        return out
    if kind == "couple_children":
        mother = float(rng.uniform(22, 50))
        woman_slot = 0 if u() < 0.6 else 1
        out = [
            Member(mother + float(rng.normal(2, 3)), True, ROLE_PARTNER, 0, 0),
            Member(mother, False, ROLE_PARTNER, woman_slot, 1),
        ]
        return out + _children(mother, 0, rng)
    if kind == "lone_parent":
        parent = float(rng.uniform(18, 52))
        male = bool(u() < 0.1)
        child_slot = 0 if u() < 0.6 else 2
        return [Member(parent, male, ROLE_PARTNER, 0, 0), *_children(parent, child_slot, rng)]
    if kind == "multigenerational":
        grand = float(rng.uniform(55, 85))
        parent = float(rng.uniform(20, min(50, grand - 18)))
        out = [
            Member(grand, False, ROLE_OTHER, 1, 1),
            Member(parent, False, ROLE_PARTNER, 1, 1),
        ]
        return out + _children(parent, 1 if u() < 0.6 else 2, rng)
    sharers = int(rng.integers(2, 6))
    return [
        Member(float(rng.uniform(19, 40)), bool(u() < 0.5), ROLE_OTHER, slot, slot)
        for slot in range(sharers)
    ]


def _children(mother_age: float, slot: int, rng: np.random.Generator) -> list[Member]:
    count = 1 + rng.binomial(3, 0.2)
    oldest = min(17.99, mother_age - 17)
    return [
        Member(float(rng.uniform(0, oldest)), bool(rng.random() < 0.51), ROLE_CHILD, slot, slot)
        for _ in range(count)
    ]


class NameDrawer:
    """Draws first names and surnames for new people from the right ethnic pool."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        pools = [names.name_pools()[group] for group in names.ETHNIC_GROUPS]
        self.female = [names.SkewedDraw(p.female, rng) for p in pools]
        self.male = [names.SkewedDraw(p.male, rng) for p in pools]
        self.surname = [names.SkewedDraw(p.surnames, rng) for p in pools]

    def first(
        self, ethnicity: npt.NDArray[np.int8], male: npt.NDArray[np.int8]
    ) -> npt.NDArray[np.str_]:
        """First names for people of the given groups and sexes."""
        out = np.empty(len(male), dtype=object)
        for i, (group, sex) in enumerate(zip(ethnicity.tolist(), male.tolist(), strict=True)):
            out[i] = (self.male if sex else self.female)[group].one(self.rng)
        return out

    def surnames(self, ethnicity: npt.NDArray[np.int8]) -> npt.NDArray[np.str_]:
        """Surnames for people of the given groups."""
        return np.array([self.surname[g].one(self.rng) for g in ethnicity.tolist()], dtype=object)


def add_household(
    pop: Population,
    prop: int,
    tenure: int,
    decile: int,
    day: int,
    rng: np.random.Generator,
    offset: npt.NDArray[np.float64] | None = None,
    z: npt.NDArray[np.float64] | None = None,
    ethnicity: int | None = None,
) -> int:
    """Open a household at a property; fresh adversities unless inherited ones are given."""
    deprivation = (5.5 - decile) / 2.87
    if offset is None:
        offset = latent.SD_HOUSEHOLD_OFFSET * latent.correlated_normals(1, rng)[0]
    if z is None:
        mean = latent.household_mean(np.array([deprivation]), np.array([tenure]), offset[None, :])
        z = mean[0] + latent.SD_HOUSEHOLD_DRIFT * latent.correlated_normals(1, rng)[0]
    if ethnicity is None:
        ethnicity = int(rng.choice(len(names.ETHNIC_SHARES), p=names.ETHNIC_SHARES))
    hh = int(
        pop.households.append(
            prop=prop,
            tenure=tenure,
            decile=decile,
            deprivation=deprivation,
            created_day=day,
            ended_day=NEVER,
            offset=offset[None, :],
            z=z[None, :],
            ethnicity=ethnicity,
        )[0]
    )
    pop.members.append(set())
    pop.address_log.append((hh, prop, day))
    return hh


def add_people(
    pop: Population,
    drawer: NameDrawer,
    household: int,
    members: list[Member],
    day: int,
    rng: np.random.Generator,
) -> npt.NDArray[np.int64]:
    """Create people in a household; ages are as of ``day``."""
    n = len(members)
    ethnicity = np.full(n, pop.households["ethnicity"][household], dtype=np.int8)
    male = np.array([m.male for m in members], dtype=np.int8)
    ages = np.array([max(0.0, m.age) for m in members])
    dob = (day - ages * DAYS_PER_YEAR).astype(np.int32)
    slots = sorted({m.surname_slot for m in members} | {m.birth_slot for m in members})
    slot_names = dict(zip(slots, drawer.surnames(np.full(len(slots), ethnicity[0])), strict=True))
    surname = np.array([slot_names[m.surname_slot] for m in members], dtype=object)
    birth_surname = np.array([slot_names[m.birth_slot] for m in members], dtype=object)
    rows = pop.people.append(
        dob=dob,
        male=male,
        ethnicity=ethnicity,
        first_name=drawer.first(ethnicity, male),
        middle_names=_middle_names(drawer, ethnicity, male, rng),
        birth_surname=birth_surname,
        surname=surname,
        entry_surname=surname,
        disabled=rng.random(n) < np.where(ages < 18, 0.08, 0.17),
        entry_day=day,
        exit_day=NEVER,
        exit_reason=EXIT_NONE,
        role=np.array([m.role for m in members], dtype=np.int8),
        household=household,
        harm_offset=latent.SD_CHILD_OFFSET * rng.standard_normal(n),
        conduct_offset=latent.SD_CONDUCT_OFFSET * rng.standard_normal(n),
        school_offset=0.8 * rng.standard_normal(n) + 2.6 * (rng.random(n) < 0.05),
        sen=rng.choice(3, size=n, p=[0.827, 0.13, 0.043]),
        named_after=-1,
        twin_of=-1,
    )
    for person in rows.tolist():
        pop.members[household].add(person)
        pop.membership_log.append((person, household, day))
    return rows


def assign_identifiers(pop: Population, rng: np.random.Generator, start_day: int) -> None:
    """National identifiers for everyone, issued in one batch so that each is unique.

    Everyone has an NHS and an NI number (whether a system records them is a matter of the
    system); a UPN goes to anyone of school age at some point of the period.
    """
    people = pop.people
    n = len(people)
    people.set("nhs_number", slice(0, n), identifiers.nhs_numbers(n, rng).astype(object))
    people.set("ni_number", slice(0, n), identifiers.ni_numbers(n, rng).astype(object))
    young = np.flatnonzero(people["dob"] > start_day - 19 * DAYS_PER_YEAR)
    people.set("upn", young, identifiers.upns(len(young), LA_CODE, rng).astype(object))


def _middle_names(
    drawer: NameDrawer,
    ethnicity: npt.NDArray[np.int8],
    male: npt.NDArray[np.int8],
    rng: np.random.Generator,
) -> npt.NDArray[np.str_]:
    middle = drawer.first(ethnicity, male)
    return np.where(rng.random(len(male)) < 0.6, middle, "").astype(object)
