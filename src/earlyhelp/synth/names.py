"""Name pools by ethnic group, drawn from Faker's locale data, and common English nicknames.

Faker's lists are sampled with numpy rather than called per person, so that naming 176,000
people costs milliseconds.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# ONS Census 2021, England, broad ethnic group shares of usual residents (White 81.0%, Asian 9.6%,
# Black 4.2%, Mixed 3.0%, Other 2.2%): Ethnic group, England and Wales: Census 2021.
ETHNIC_GROUPS = ("White", "Asian", "Black", "Mixed", "Other")
ETHNIC_SHARES = np.array([0.810, 0.096, 0.042, 0.030, 0.022])

# Names that need Windows-1252 rather than ASCII, as council extracts carry them.
_ACCENTED_FEMALE = ("Zoë", "Chloé", "Renée", "Siobhán", "Aoife", "Léa", "Noémie")
_ACCENTED_MALE = ("Seán", "José", "Rónán", "Andrés", "Ciarán", "Jérôme")

NICKNAMES: dict[str, tuple[str, ...]] = {
    "William": ("Will", "Bill", "Billy"),
    "Elizabeth": ("Liz", "Beth", "Lizzie"),
    "Robert": ("Rob", "Bob", "Bobby"),
    "Margaret": ("Maggie", "Peggy"),
    "James": ("Jim", "Jimmy"),
    "Jennifer": ("Jenny", "Jen"),
    "Thomas": ("Tom", "Tommy"),
    "Katherine": ("Kate", "Katie"),
    "Catherine": ("Cathy", "Kate"),
    "Michael": ("Mike", "Mick"),
    "Rebecca": ("Becky", "Becca"),
    "Christopher": ("Chris",),
    "Samantha": ("Sam",),
    "Samuel": ("Sam",),
    "Daniel": ("Dan", "Danny"),
    "Jessica": ("Jess",),
    "Joseph": ("Joe",),
    "Victoria": ("Vicky", "Tori"),
    "Anthony": ("Tony",),
    "Alexander": ("Alex",),
    "Alexandra": ("Alex", "Lexi"),
    "Matthew": ("Matt",),
    "Susan": ("Sue",),
    "Andrew": ("Andy", "Drew"),
    "Deborah": ("Debbie", "Deb"),
    "Richard": ("Rich", "Dick"),
    "Patricia": ("Pat", "Trish"),
    "Edward": ("Ed", "Eddie", "Ted"),
    "Charlotte": ("Lottie",),
    "Benjamin": ("Ben",),
    "Abigail": ("Abbie", "Abby"),
    "Nicholas": ("Nick",),
    "Amanda": ("Mandy",),
    "Jonathan": ("Jon",),
    "Stephanie": ("Steph",),
    "Stephen": ("Steve",),
    "Steven": ("Steve",),
    "Kimberley": ("Kim",),
    "Timothy": ("Tim",),
    "Natalie": ("Nat",),
    "Gregory": ("Greg",),
    "Joshua": ("Josh",),
    "Eleanor": ("Ellie",),
    "Jacob": ("Jake",),
    "Isabella": ("Bella", "Izzy"),
    "Oliver": ("Ollie",),
    "Olivia": ("Liv",),
    "Harry": ("Haz",),
    "Harriet": ("Hattie",),
    "Frederick": ("Fred", "Freddie"),
    "Kenneth": ("Ken",),
    "Ronald": ("Ron", "Ronnie"),
    "Peter": ("Pete",),
    "David": ("Dave",),
    "Jacqueline": ("Jackie",),
    "Gemma": ("Gem",),
    "Nathan": ("Nate",),
    "Zachary": ("Zach",),
    "Raymond": ("Ray",),
    "Donald": ("Don",),
}


@dataclass(frozen=True)
class NamePool:
    """First names by sex and surnames for one ethnic group."""

    female: npt.NDArray[np.str_]
    male: npt.NDArray[np.str_]
    surnames: npt.NDArray[np.str_]


def _names(locale: str, attribute: str) -> list[str]:
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    return [str(n) for n in getattr(provider, attribute)]


def _pool(first_locales: tuple[str, ...], surname_locales: tuple[str, ...]) -> NamePool:
    female = sorted({n for loc in first_locales for n in _names(loc, "first_names_female")})
    male = sorted({n for loc in first_locales for n in _names(loc, "first_names_male")})
    surnames = sorted({n for loc in surname_locales for n in _names(loc, "last_names")})
    return NamePool(np.array(female), np.array(male), np.array(surnames))


def name_pools() -> dict[str, NamePool]:
    """One pool per broad ethnic group (the Other group borrows from several locales)."""
    white = _pool(("en_GB", "en_IE"), ("en_GB", "en_IE"))
    white = NamePool(
        np.concatenate([white.female, np.array(_ACCENTED_FEMALE)]),
        np.concatenate([white.male, np.array(_ACCENTED_MALE)]),
        white.surnames,
    )
    asian = _pool(("en_IN",), ("en_IN", "en_PK"))
    black = _pool(("yo_NG", "en_KE", "en_GB"), ("yo_NG", "en_KE", "en_NG"))
    mixed = _pool(("en_GB", "en_KE"), ("en_GB", "en_KE", "yo_NG", "en_IN"))
    other = _pool(("en_KE", "en_IN", "en_GB"), ("en_KE", "en_PK", "en_IN"))
    return {"White": white, "Asian": asian, "Black": black, "Mixed": mixed, "Other": other}


class SkewedDraw:
    """Draws names from a pool with a Zipf-like skew, so that some are common and some rare.

    The skew gives term-frequency adjustment in linkage something real to work on. The pool's
    order is shuffled once per council, so which names are common differs between seeds.
    """

    def __init__(self, pool: npt.NDArray[np.str_], rng: np.random.Generator) -> None:
        weights = 1.0 / np.arange(1, len(pool) + 1) ** 0.8
        self.pool = pool[rng.permutation(len(pool))].tolist()
        self.cumulative = np.cumsum(weights / weights.sum())

    def one(self, rng: np.random.Generator) -> str:
        """One name."""
        i = int(np.searchsorted(self.cumulative, rng.random(), side="right"))
        return str(self.pool[min(i, len(self.pool) - 1)])
