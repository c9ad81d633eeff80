"""Temporal validation: train on the past, test on the future, never the other way round.

A fold trains on as-of dates whose label windows have closed before its test period begins, so
no outcome a model is tested on can have been seen in training. Random splits are offered only
grouped by household, for tuning inside a training period: siblings never straddle them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Fold:
    """One train/test split by time."""

    train: tuple[dt.date, ...]
    test: tuple[dt.date, ...]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month, ``months`` later (days past a month's end fall back to it)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: day 28 exists in every month


def temporal_folds(
    as_of: Sequence[dt.date],
    window_months: int = 12,
    test_months: int = 12,
    min_train_dates: int = 2,
) -> list[Fold]:
    """Rolling folds: each tests one period and trains on every date whose window has closed."""
    dates = sorted(set(as_of))
    folds = []
    start = dates[0]
    while start <= dates[-1]:
        end = add_months(start, test_months)
        test = tuple(d for d in dates if start <= d < end)
        train = tuple(d for d in dates if add_months(d, window_months) <= start)
        if test and len(train) >= min_train_dates:
            folds.append(Fold(train, test))
        start = end
    return folds


def grouped_split(groups: pd.Series, test_share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A random split of rows that keeps every group (a household) on one side."""
    unique = np.asarray(groups.fillna("__none__").unique())
    rng = np.random.default_rng(seed)
    chosen = set(rng.choice(unique, size=max(1, round(test_share * len(unique))), replace=False))
    test = groups.fillna("__none__").isin(chosen).to_numpy()
    return np.flatnonzero(~test), np.flatnonzero(test)
