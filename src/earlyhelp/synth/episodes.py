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
