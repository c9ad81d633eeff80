"""Clustering that will not join two people whose records contradict each other.

Plain connected components let one record bridge two people: an anti-social behaviour record
with no date of birth matches the father and the son of the same name at the same address, and
joins them. Here links are taken strongest first, and a link that would put into one person two
different NHS numbers, NI numbers or UPNs, or dates of birth that no error explains
(``dob_rule``, the rule the model's levels use too), is refused.
The pairwise model still decides what is a link; this only stops the chains it cannot see.

Written here rather than taken from Splink, whose clustering has no notion of such constraints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from earlyhelp.linkage.dob_rule import explained

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
            return not any(explained(a, b) for a in self.dobs for b in other.dobs)
        return False


def constrained_clusters(records: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """``key, cluster_id`` for every record, from scored pairs (``key_l, key_r, match_weight``).

    ``records`` has ``key`` and, where known, ``dob`` and the identifier columns. Plain connected
    components come first (scipy, in C); only components whose records could contradict each
    other are rebuilt link by link, which keeps this fast at a million records.
    """
    keys = records["key"].to_numpy()
    index = pd.Series(np.arange(len(keys)), index=keys)
    left = index[pairs["key_l"]].to_numpy()
    right = index[pairs["key_r"]].to_numpy()
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(len(keys), len(keys)))
    _, component = connected_components(graph, directed=False)
    suspect = _could_contradict(records, component)
    chosen = np.isin(component, np.flatnonzero(suspect))
    cluster = component.astype(np.int64)
    if chosen.any():
        within = np.isin(left, np.flatnonzero(chosen))
        rebuilt = _greedy(records[chosen], pairs[within])
        cluster[chosen] = component.max() + 1 + rebuilt
    return pd.DataFrame({"key": keys, "cluster_id": cluster})


def _could_contradict(records: pd.DataFrame, component: np.ndarray) -> np.ndarray:
    """Per component: whether it holds two values of an identifier or two dates of birth."""
    frame = records.assign(_component=component)
    columns = [c for c in (*IDENTIFIERS, "dob") if c in frame.columns]
    counts = frame.groupby("_component")[columns].nunique()
    suspect = np.zeros(component.max() + 1, dtype=bool)
    suspect[counts.index.to_numpy()] = (counts > 1).any(axis=1).to_numpy()
    return suspect


def _greedy(records: pd.DataFrame, pairs: pd.DataFrame) -> np.ndarray:
    """Union the strongest links first, refusing any that would join contradicting records."""
    keys = records["key"].tolist()
    parent = {k: k for k in keys}
    state = _people(records)

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
    return np.array([numbering[r] for r in roots], dtype=np.int64)


def _people(records: pd.DataFrame) -> dict[str, _Person]:
    """What each record says about who it is: its identifiers and date of birth."""
    people = {key: _Person() for key in records["key"]}
    for name in IDENTIFIERS:
        if name not in records.columns:
            continue
        values = records[name].astype("string").str.upper().str.replace(" ", "", regex=False)
        held = values.notna() & (values != "")
        for key, value in zip(records["key"][held], values[held], strict=True):
            people[key].ids[name] = {value}
    if "dob" in records.columns:
        dobs = pd.to_datetime(records["dob"], errors="coerce")
        held = dobs.notna()
        for key, dob in zip(records["key"][held], dobs[held].dt.date, strict=True):
            people[key].dobs.add(dob)
    return people
