"""Temporal validation of LightGBM and a regularised logistic baseline for one outcome.

Each fold trains on as-of dates whose label windows closed before its test year; the test
year's scores are pooled across folds, so every figure is out of time. Ranking measures come
from the model fitted on all training dates; calibration measures from probabilities mapped
(isotonic) on the training period's last year by a model that did not see it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from earlyhelp.modelling.metrics import Scorecard, scorecard
from earlyhelp.modelling.splits import add_months, temporal_folds

ID_COLUMNS = ("unit_id", "as_of", "household_id", "label")


@dataclass
class Validation:
    """Out-of-time scores for every tested row, and their measures."""

    scores: pd.DataFrame  # unit_id, as_of, label, lightgbm, logistic
    lightgbm: Scorecard
    logistic: Scorecard


def feature_columns(data: pd.DataFrame) -> list[str]:
    """Every column of a dataset that is a feature."""
    return [c for c in data.columns if c not in ID_COLUMNS]


def _proba(model: object, rows: pd.DataFrame) -> np.ndarray:
    """The chance of the outcome for each row (scikit-learn's second column)."""
    return np.asarray(model.predict_proba(rows))[:, 1]  # type: ignore[attr-defined]


def _lightgbm(train: pd.DataFrame, columns: list[str], seed: int) -> lgb.LGBMClassifier:
    model = lgb.LGBMClassifier(
        n_estimators=300,
        learning_rate=0.03,
        num_leaves=15,
        min_child_samples=50,
        subsample=0.8,
        subsample_freq=1,
        colsample_bytree=0.8,
        random_state=seed,
        verbose=-1,
    )
    model.fit(train[columns], train["label"])
    return model


def _logistic(train: pd.DataFrame, columns: list[str]) -> Pipeline:
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=500))
    model.fit(train[columns].fillna(-1), train["label"])
    return model


def validate_outcome(data: pd.DataFrame, capacity_share: float = 0.05, seed: int = 1) -> Validation:
    """Rolling temporal folds over a dataset from :func:`earlyhelp.modelling.dataset.assemble`."""
    columns = feature_columns(data)
    dates = sorted({d.date() if hasattr(d, "date") else d for d in data["as_of"]})
    day = data["as_of"].dt.date
    parts = []
    for fold in temporal_folds(dates):
        train = data[day.isin(fold.train)]
        test = data[day.isin(fold.test)]
        if train["label"].nunique() < 2 or test.empty:
            continue  # nothing to learn from (or test) in this period
        booster = _lightgbm(train, columns, seed)
        baseline = _logistic(train, columns)
        parts.append(
            pd.DataFrame(
                {
                    "unit_id": test["unit_id"].to_numpy(),
                    "as_of": test["as_of"].to_numpy(),
                    "label": test["label"].to_numpy(),
                    "lightgbm": _proba(booster, test[columns]),
                    "lightgbm_calibrated": _calibrated(data, day, fold.train, test, columns, seed),
                    "logistic": _proba(baseline, test[columns].fillna(-1)),
                }
            )
        )
    scores = pd.concat(parts, ignore_index=True)
    per_date = scores.groupby("as_of").size().mean()
    capacity = max(1, round(capacity_share * per_date * len(scores["as_of"].unique())))
    labels = scores["label"].to_numpy(dtype=bool)
    ranked = scorecard(labels, scores["lightgbm"].to_numpy(), capacity)
    calibrated = scorecard(labels, scores["lightgbm_calibrated"].to_numpy(), capacity)
    return Validation(
        scores,
        dataclasses.replace(ranked, brier=calibrated.brier, ece=calibrated.ece),
        scorecard(labels, scores["logistic"].to_numpy(), capacity),
    )


def _calibrated(
    data: pd.DataFrame,
    day: pd.Series,
    train_dates: tuple[dt.date, ...],
    test: pd.DataFrame,
    columns: list[str],
    seed: int,
) -> np.ndarray:
    """Probabilities for the test rows from a model fitted before the training period's last
    year and mapped (isotonic) onto that year's outcomes, which it has not seen.

    Ranking measures use the model fitted on all training dates; this one only says how often a
    given score comes true, so the last year can be spent on that.
    """
    held = train_dates[-4:]
    early = tuple(d for d in train_dates if add_months(d, 12) <= held[0])
    fit, hold = data[day.isin(early)], data[day.isin(held)]
    if fit["label"].nunique() < 2 or hold["label"].nunique() < 2:
        return _proba(_lightgbm(data[day.isin(train_dates)], columns, seed), test[columns])
    booster = _lightgbm(fit, columns, seed)
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    iso.fit(_proba(booster, hold[columns]), hold["label"])
    return np.asarray(iso.predict(_proba(booster, test[columns])))


def first_test_date(data: pd.DataFrame) -> dt.date | None:
    """The earliest as-of date any fold tests (None when there is too little history)."""
    dates = sorted(set(data["as_of"].dt.date))
    folds = temporal_folds(dates)
    return folds[0].test[0] if folds else None
