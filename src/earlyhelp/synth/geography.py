"""The council's places: LSOAs with an IMD decile, and properties with UPRN, postcode, address.

Postcodes use the area letters ``TH``, which no real UK postcode area uses, so a synthetic
address can never be mistaken for a real one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from faker import Faker

RESIDENTS_PER_LSOA = 1_600  # LSOAs hold 1,000 to 3,000 residents (ONS); 1,600 is typical
HOUSEHOLDS_PER_POSTCODE = 15  # a postcode unit averages about 15 addresses (Royal Mail)
TOWNS = ("Thornmere", "Eastwick Marsh", "Grays End", "Stanford Vale", "Tillingham")
_INWARD_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
# Tenure shares, England (Census 2021): owned 62.5%, private rented 20.3%, social rented 17.1%.
TENURES = ("owner", "private_rent", "social_rent")


@dataclass
class Geography:
    """LSOAs and properties; properties are fixed, households move between them."""

    lsoa_code: npt.NDArray[np.str_]
    lsoa_name: npt.NDArray[np.str_]
    imd_decile: npt.NDArray[np.int64]
    prop_uprn: npt.NDArray[np.int64]
    prop_lsoa: npt.NDArray[np.int64]
    prop_postcode: npt.NDArray[np.str_]
    prop_address: npt.NDArray[np.str_]
    prop_town: npt.NDArray[np.str_]
    prop_tenure: npt.NDArray[np.int64]

    @property
    def deprivation(self) -> npt.NDArray[np.float64]:
        """Per property: standardised deprivation, +1.57 in decile 1 (most deprived) to -1.57."""
        return np.asarray((5.5 - self.imd_decile[self.prop_lsoa]) / 2.87, dtype=np.float64)


def build_geography(households: int, rng: np.random.Generator, faker: Faker) -> Geography:
    """Enough LSOAs and properties (with spare ones for moves) for the given households."""
    n_lsoa = max(4, round(households * 2.35 / RESIDENTS_PER_LSOA))
    # Deciles spread evenly, then shuffled: a mixed unitary council with some of each.
    imd = (np.arange(n_lsoa) * 10 // n_lsoa + 1)[rng.permutation(n_lsoa)]
    codes = np.array([f"E0{1090000 + i:07d}" for i in range(n_lsoa)])
    town_of_lsoa = np.arange(n_lsoa) % len(TOWNS)
    names = np.array([f"{TOWNS[t]} {i // len(TOWNS) + 1:03d}" for i, t in enumerate(town_of_lsoa)])

    n_props = int(households * 1.12)
    lsoa = np.sort(rng.integers(0, n_lsoa, size=n_props))
    deprivation = (5.5 - imd[lsoa]) / 2.87
    # Deprived areas hold more social and private renting.
    social = 0.17 + 0.09 * deprivation
    private = 0.20 + 0.04 * deprivation
    u = rng.random(n_props)
    tenure = np.where(u < social, 2, np.where(u < social + private, 1, 0))

    postcode = _postcodes(lsoa, rng)
    streets = _street_names(max(60, n_props // 40), rng, faker)
    street = _streets_by_lsoa(lsoa, len(streets), rng)
    number = rng.integers(1, 180, size=n_props)
    flat = rng.random(n_props) < 0.15 + 0.1 * (tenure > 0)
    flat_no = rng.integers(1, 30, size=n_props)
    address = _unique_addresses(flat, flat_no, number, streets[street])
    town = np.array(TOWNS)[town_of_lsoa[lsoa]]
    uprn = 100_090_000_000 + rng.permutation(n_props * 4)[:n_props]
    return Geography(codes, names, imd, uprn, lsoa, postcode, address, town, tenure)


STREET_TYPES = (
    "Road",
    "Street",
    "Avenue",
    "Close",
    "Lane",
    "Drive",
    "Court",
    "Gardens",
    "Place",
    "Crescent",
    "Way",
    "Grove",
    "Walk",
    "Terrace",
    "Mews",
    "Rise",
    "View",
)


def _street_names(count: int, rng: np.random.Generator, faker: Faker) -> npt.NDArray[np.str_]:
    """English-looking street names: a surname or place-like stem and a common street type."""
    stems = sorted(
        {faker.last_name() for _ in range(count * 2)}
        | {faker.city_prefix() + faker.last_name().lower() for _ in range(count // 4)}
    )
    stem = rng.integers(len(stems), size=count * 2)
    kind = rng.integers(len(STREET_TYPES), size=count * 2)
    names = {f"{stems[s]} {STREET_TYPES[t]}" for s, t in zip(stem, kind, strict=True)}
    pool = np.array(sorted(names))
    return np.sort(pool[rng.permutation(len(pool))[:count]])


def _postcodes(lsoa: npt.NDArray[np.int64], rng: np.random.Generator) -> npt.NDArray[np.str_]:
    out = np.empty(len(lsoa), dtype=object)
    for code in np.unique(lsoa):
        idx = np.flatnonzero(lsoa == code)
        units = max(1, len(idx) // HOUSEHOLDS_PER_POSTCODE)
        district = code // 4 + 1
        sector = code % 4 + 1
        letters = _INWARD_LETTERS[rng.integers(0, len(_INWARD_LETTERS), size=(units, 2))]
        unit_names = np.array([f"TH{district} {sector}{a}{b}" for a, b in letters])
        out[idx] = unit_names[rng.integers(0, units, size=len(idx))]
    return out.astype(str)


def _streets_by_lsoa(
    lsoa: npt.NDArray[np.int64], n_streets: int, rng: np.random.Generator
) -> npt.NDArray[np.int64]:
    """Each LSOA gets its own handful of streets, as neighbourhoods do."""
    per_lsoa = max(3, n_streets // (lsoa.max() + 1))
    offsets = rng.integers(0, n_streets, size=lsoa.max() + 1)
    return np.asarray((offsets[lsoa] + rng.integers(0, per_lsoa, size=len(lsoa))) % n_streets)


def _unique_addresses(
    flat: npt.NDArray[np.bool_],
    flat_no: npt.NDArray[np.int64],
    number: npt.NDArray[np.int64],
    street: npt.NDArray[np.str_],
) -> npt.NDArray[np.str_]:
    """Address lines, unique as in a gazetteer: a repeated number gets a letter (12A, 12B)."""
    seen: set[str] = set()
    out = []
    for is_flat, f, n, s in zip(flat, flat_no, number, street, strict=True):
        for suffix in ("", *"ABCDEFGHJKLMNPQRSTUVWXYZ"):
            line = f"Flat {f} {n}{suffix} {s}" if is_flat else f"{n}{suffix} {s}"
            if line not in seen:
                break
        seen.add(line)
        out.append(line)
    return np.array(out)
