"""Clustering that will not join two people whose records contradict each other.

Plain connected components let one record bridge two people: an anti-social behaviour record
with no date of birth matches the father and the son of the same name at the same address, and
joins them. Here links are taken strongest first, and a link that would put into one person two
different NHS numbers, NI numbers or UPNs, or dates of birth that no slip explains, is refused.
The pairwise model still decides what is a link; this only stops the chains it cannot see.

Written here rather than taken from Splink, whose clustering has no notion of such constraints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

IDENTIFIERS = ("nhs_number", "ni_number", "upn")


@dataclass
class _Person:
    """What a growing cluster is known to be: its identifiers and dates of birth."""

    ids: dict[str, set[str]] = field(default_factory=dict)
    dobs: set[dt.date] = field(default_factory=set)

    def absorb(self, other: _Person) -> None:
        for name, values in other.ids.items():
            self.ids.setdefault(name, set()).update(values)
        self.dobs |= other.dobs

    def contradicts(self, other: _Person) -> bool:
        for name, values in self.ids.items():
            theirs = other.ids.get(name)
            if values and theirs and not values & theirs:
                return True
        if self.dobs and other.dobs:
            return not any(dob_slip(a, b) for a in self.dobs for b in other.dobs)
        return False


def dob_slip(a: dt.date, b: dt.date) -> bool:
    """Whether two dates of birth could be one person's, allowing for the usual slips: a day or
    a year out, day and month swapped, or the same day and month a decade or so apart."""
    if abs((a - b).days) <= 1 or (a.month, a.day) == (b.month, b.day):
        return True
    return (a.year, a.month, a.day) == (b.year, b.day, b.month)


def constrained_clusters(records: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """``key, cluster_id`` for every record, from scored pairs (``key_l, key_r, match_weight``).

    ``records`` has ``key`` and, where known, ``dob`` and the identifier columns.
    """
    keys = records["key"].tolist()
    parent = {k: k for k in keys}
    state = {k: _person(row) for k, row in zip(keys, records.itertuples(index=False), strict=True)}

    def root(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    ordered = pairs.sort_values("match_weight", ascending=False, kind="stable")
    for left, right in zip(ordered["key_l"], ordered["key_r"], strict=True):
        a, b = root(left), root(right)
        if a == b or state[a].contradicts(state[b]):
            continue
        parent[b] = a
        state[a].absorb(state.pop(b))
    roots = [root(k) for k in keys]
    numbering = {r: i for i, r in enumerate(dict.fromkeys(roots))}
    return pd.DataFrame({"key": keys, "cluster_id": [numbering[r] for r in roots]})


def _person(row: object) -> _Person:
    person = _Person()
    for name in IDENTIFIERS:
        value = getattr(row, name, None)
        if isinstance(value, str) and value.strip():
            person.ids[name] = {value.strip().upper().replace(" ", "")}
    dob = getattr(row, "dob", None)
    if dob is not None and not pd.isna(dob):
        person.dobs.add(pd.Timestamp(dob).date())
    return person
