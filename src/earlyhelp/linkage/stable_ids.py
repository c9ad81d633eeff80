"""Stable person ids: a new linkage run keeps the ids of the people it saw before.

Each new cluster inherits the old id that most of its records carried (largest overlaps are
settled first, so one old id goes to one cluster only). Clusters with no old records get new ids.
When an old person's records now fall in several clusters, the one keeping the id is noted and
the others are recorded as splits; when a cluster gathers records of several old people, the ids
it did not keep are recorded as merged into it. Anything that stored an old id can follow the
history to the current one.
"""

from __future__ import annotations

import pandas as pd

ID_PREFIX = "P"


def format_id(number: int) -> str:
    """A person id as shown to people: P and eight digits."""
    return f"{ID_PREFIX}{number:08d}"


def next_number(previous: pd.DataFrame | None) -> int:
    """The first number not yet used by any earlier id."""
    if previous is None or previous.empty:
        return 1
    return int(previous["person_id"].str.removeprefix(ID_PREFIX).astype(int).max()) + 1


def assign_stable_ids(
    clusters: pd.DataFrame, previous: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Person id for each record key, and the id history (merges and splits) of this run.

    ``clusters`` has ``key, cluster_id``; ``previous`` (the last run's result) ``key, person_id``.
    """
    counter = next_number(previous)
    if previous is None or previous.empty:
        ids = {
            c: format_id(counter + i) for i, c in enumerate(sorted(clusters["cluster_id"].unique()))
        }
        out = clusters.assign(person_id=clusters["cluster_id"].map(ids))[["key", "person_id"]]
        return out, _history_frame([])

    overlap = (
        clusters.merge(previous.rename(columns={"person_id": "old_id"}), on="key")
        .groupby(["cluster_id", "old_id"], as_index=False)
        .size()
        .sort_values(["size", "old_id"], ascending=[False, True], kind="stable")
    )
    kept: dict[object, str] = {}
    taken: set[str] = set()
    for cluster, old in zip(overlap["cluster_id"], overlap["old_id"], strict=True):
        if cluster not in kept and old not in taken:
            kept[cluster] = old
            taken.add(old)
    for cluster in sorted(set(clusters["cluster_id"]) - set(kept)):
        kept[cluster] = format_id(counter)
        counter += 1
    history = []
    for cluster, old in zip(overlap["cluster_id"], overlap["old_id"], strict=True):
        new = kept[cluster]
        if old == new:
            continue
        kind = "split" if old in taken else "merge"
        history.append((old, new, kind))
    out = clusters.assign(person_id=clusters["cluster_id"].map(kept))[["key", "person_id"]]
    return out, _history_frame(sorted(set(history)))


def _history_frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["old_person_id", "new_person_id", "kind"])
