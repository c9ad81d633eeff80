"""Episodes (plans, care, child in need) reconstructed from their start and end events."""

from __future__ import annotations

import numpy as np
import pandas as pd


def open_on(events: pd.DataFrame, start: str, end: str, day: int) -> set[int]:
    """People with an episode open at the end of a day: more starts than ends up to it."""
    upto = events[(events["event_date"] <= day) & events["event_type"].isin([start, end])]
    step = np.where(upto["event_type"] == start, 1, -1)
    balance = pd.Series(step, index=upto["person_id"].to_numpy()).groupby(level=0).sum()
    return set(balance[balance > 0].index.tolist())


def open_counts(
    events: pd.DataFrame, starts: tuple[str, ...], ends: tuple[str, ...], days: np.ndarray
) -> np.ndarray:
    """How many people have any of these episodes open at the end of each given day.

    One pass over the events: a person counts from the moment their balance of starts over ends
    turns positive until it returns to zero, so overlapping episodes count the person once.
    """
    rows = events[events["event_type"].isin(starts + ends)]
    rows = rows.sort_values("event_date", kind="stable")
    step = np.where(rows["event_type"].isin(starts), 1, -1)
    balance = pd.Series(step, index=rows.index).groupby(rows["person_id"].to_numpy()).cumsum()
    after = balance.to_numpy()
    before = after - step
    change = (after > 0).astype(np.int64) - (before > 0).astype(np.int64)
    open_now = np.cumsum(change)
    position = np.searchsorted(rows["event_date"].to_numpy(), days, side="right") - 1
    return np.where(position >= 0, open_now[np.maximum(position, 0)], 0)
