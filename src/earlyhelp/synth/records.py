"""How each council system holds a person: its own record ids, and the identity errors of
`--mess` (typos, nicknames, swapped dates, stale addresses and surnames, duplicates, missing
identifiers). The truth keeps the person behind every record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from earlyhelp.synth.identity import IdentityBook
from earlyhelp.synth.names import NICKNAMES
from earlyhelp.synth.params import MessProfile
from earlyhelp.synth.world import World

Ints = npt.NDArray[np.int64]
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_KEYBOARD = dict(zip("qwertyuiopasdfghjklzxcvbnm", "wqrtyuiopoadfghjklkxcvbnmn", strict=True))
_STREET_SHORT = {
    "Road": "Rd",
    "Street": "St",
    "Avenue": "Ave",
    "Close": "Cl",
    "Lane": "Ln",
    "Drive": "Dr",
    "Court": "Ct",
    "Gardens": "Gdns",
    "Place": "Pl",
    "Crescent": "Cres",
}


@dataclass(frozen=True)
class SystemProfile:
    """What a system captures about people and how it keeps it up to date."""

    name: str
    id_prefix: str
    nhs: float = 0.0  # share of records holding an NHS number
    ni: float = 0.0
    upn: float = 0.0
    updates_details: bool = True  # a system that refreshes name and address on each contact


def assign_records(
    events: pd.DataFrame,
    profile: SystemProfile,
    mess: MessProfile,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Give each event the system's record id for its person; some people get two records."""
    people = np.unique(events["person_id"].to_numpy())
    numbers = rng.permutation(len(people) * 3)[: len(people) * 2] + 10_000
    first_id = dict(zip(people.tolist(), numbers[: len(people)].tolist(), strict=True))
    second_id = dict(zip(people.tolist(), numbers[len(people) :].tolist(), strict=True))
    duplicated = set(people[rng.random(len(people)) < mess.duplicate_record].tolist())
    order = events.sort_values(["person_id", "event_date"], kind="stable")
    rank = order.groupby("person_id").cumcount().to_numpy()
    size = order.groupby("person_id")["event_date"].transform("size").to_numpy()
    person = order["person_id"].to_numpy()
    split = np.isin(person, np.array(sorted(duplicated), dtype=person.dtype)) & (
        rank >= (size + 1) // 2
    )
    ids = np.where(
        split, [second_id[p] for p in person.tolist()], [first_id[p] for p in person.tolist()]
    )
    out = events.copy()
    out.loc[order.index, "source_record_id"] = [f"{profile.id_prefix}{i:07d}" for i in ids.tolist()]
    return out


def render(
    world: World,
    book: IdentityBook,
    person: Ints,
    day: Ints,
    profile: SystemProfile,
    mess: MessProfile,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """The identity a system wrote down for each (person, day), with the mess of its level."""
    people = world.pop.people
    geo = world.geo
    n = len(person)
    # Stale details: a system that missed a move or a change of surname holds older ones.
    stale_address = rng.random(n) < mess.stale_address
    stale_surname = rng.random(n) < mess.stale_surname
    address_day = np.where(stale_address, day - rng.integers(180, 1500, n), day)
    surname_day = np.where(stale_surname, day - rng.integers(180, 1500, n), day)
    prop = book.prop(person, address_day)
    surname = book.surname(person, surname_day).astype(object)
    first = people["first_name"][person].astype(object)
    middle = people["middle_names"][person].astype(object)
    dob = people["dob"][person].astype(np.int64)

    first = _garble(first, rng.random(n) < mess.nickname, _nickname, rng)
    first = _garble(first, rng.random(n) < mess.typo, typo, rng)
    surname = _garble(surname, rng.random(n) < mess.typo, typo, rng)
    dob_text = _dobs(dob, day, mess, rng)
    postcode = geo.prop_postcode[prop].astype(object)
    postcode = _garble(postcode, rng.random(n) < mess.postcode_format, _postcode_variant, rng)
    postcode = np.where(rng.random(n) < mess.missing_postcode, "", postcode)
    address = _garble(
        geo.prop_address[prop].astype(object),
        rng.random(n) < mess.address_variant,
        _address_variant,
        rng,
    )
    missing_id = mess.missing_identifier

    def held(column: str, share: float) -> npt.NDArray[np.object_]:
        keep = rng.random(n) < share * (1 - missing_id)
        return np.where(keep, people[column][person], "").astype(object)

    return pd.DataFrame(
        {
            "first_name": first,
            "middle_names": middle,
            "surname": surname,
            "dob": dob_text,
            "sex": np.where(people["male"][person] == 1, "M", "F"),
            "address": address,
            "postcode": postcode,
            "town": geo.prop_town[prop],
            "uprn": geo.prop_uprn[prop],
            "nhs_number": held("nhs_number", profile.nhs),
            "ni_number": held("ni_number", profile.ni),
            "upn": held("upn", profile.upn),
            "ethnicity": people["ethnicity"][person],
        }
    )


def _garble(
    values: npt.NDArray[np.object_],
    where: npt.NDArray[np.bool_],
    change: Callable[[str, np.random.Generator], str],
    rng: np.random.Generator,
) -> npt.NDArray[np.object_]:
    """A copy of the values with one kind of error applied where chosen."""
    out = values.copy()
    for i in np.flatnonzero(where).tolist():
        out[i] = change(str(values[i]), rng)
    return out


def typo(word: str, rng: np.random.Generator) -> str:
    """One slip of the keyboard: a neighbouring key, a dropped, doubled or swapped letter."""
    if len(word) < 3:
        return word
    i = int(rng.integers(1, len(word) - 1))
    kind = int(rng.integers(4))
    if kind == 0:
        c = word[i].lower()
        repl = _KEYBOARD.get(c, _LETTERS[int(rng.integers(26))])
        return word[:i] + repl + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _nickname(name: str, rng: np.random.Generator) -> str:
    """A known short form of a given name (the name itself when it has none)."""
    options = NICKNAMES.get(name)
    return options[int(rng.integers(len(options)))] if options else name


def _dobs(
    dob: Ints, day: Ints, mess: MessProfile, rng: np.random.Generator
) -> npt.NDArray[np.object_]:
    """Dates of birth as ISO text, some with day and month swapped, mistyped or missing.

    A slip never gives a birth after the day it was written down: systems refuse those.
    """
    n = len(dob)
    dates = dob.astype("datetime64[D]")
    text = np.datetime_as_string(dates).astype(object)
    day_of_month = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    swap = (rng.random(n) < mess.swap_day_month) & (day_of_month <= 12)
    text[swap] = [f"{t[:4]}-{t[8:10]}-{t[5:7]}" for t in text[swap].tolist()]
    shifted = rng.random(n) < mess.dob_typo
    delta = np.where(
        rng.random(n) < 0.5, rng.choice([-1, 1], n), rng.choice([-3652, 3652, -365, 365], n)
    )
    delta = np.where(dob + delta > day, -np.abs(delta), delta)
    text[shifted] = np.datetime_as_string(
        (dob[shifted] + delta[shifted]).astype("datetime64[D]")
    ).astype(object)
    text[rng.random(n) < mess.missing_dob] = ""
    return text


def _postcode_variant(code: str, rng: np.random.Generator) -> str:
    """The postcode without its space, in lower case, or with a double space."""
    return [code.replace(" ", ""), code.lower(), code.replace(" ", "  ")][int(rng.integers(3))]


def _address_variant(line: str, rng: np.random.Generator) -> str:
    """The address written another way: abbreviated street types, capitals, or commas."""
    kind = int(rng.integers(3))
    if kind == 0:
        for full, short in _STREET_SHORT.items():
            line = line.replace(f" {full}", f" {short}")
        return line
    if kind == 1:
        return line.upper()
    head, _, rest = line.partition(" ")
    return f"{head}, {rest}" if head[:1].isdigit() else line.replace(" ", ", ", 2)
