"""Why the platform refuses random splits, measured: the same model and rows, split at random.

A child appears at many as-of dates whose label windows overlap, and siblings share a household
and often an outcome; a split that puts some of those rows in training and others in testing
lets the model recognise what it has already been told, and the figures it reports are better
than any the council will see on next year's cases.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from earlyhelp.modelling.splits import grouped_split
from earlyhelp.modelling.train import feature_columns, fit_lightgbm, proba, training_set

TEST_SHARE = 0.3


def random_split_auc(data: pd.DataFrame, seed: int = 1) -> dict[str, Any]:
    """AUC on a random 30% of rows, split by row (as a naive analysis would) and by household."""
    rng = np.random.default_rng(seed)
    test_rows = rng.random(len(data)) < TEST_SHARE
    by_row = np.flatnonzero(~test_rows), np.flatnonzero(test_rows)
    # An account has no household of its own: it is its own group.
    groups = data["household_id"].fillna(data["unit_id"])
    by_household = grouped_split(groups, TEST_SHARE, seed)
    return {
        "random_row_split_auc": _auc(data, *by_row, seed),
        "random_household_split_auc": _auc(data, *by_household, seed),
    }


def _auc(data: pd.DataFrame, train: np.ndarray, test: np.ndarray, seed: int) -> float:
    columns = feature_columns(data)
    within = np.zeros(len(data), dtype=bool)
    within[train] = True
    model = fit_lightgbm(training_set(data, seed, within), columns, seed)
    rows = data.iloc[test]
    return float(roc_auc_score(rows["label"], proba(model, rows[columns])))
