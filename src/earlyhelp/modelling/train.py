"""Temporal validation of LightGBM and a regularised logistic baseline for one outcome, and the
final model that the registry keeps.

Each fold trains on as-of dates whose label windows closed before its test year; the test
years' scores are pooled, so every figure is out of time. Calibration is measured the way it is
used: a fold's scores are mapped (isotonic) by what the earlier folds' out-of-time scores came
to, and the final model, fitted on every date, is mapped by all the folds' out-of-time scores.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from earlyhelp.modelling.metrics import Scorecard, scorecard
from earlyhelp.modelling.splits import Fold, temporal_folds

ID_COLUMNS = ("unit_id", "as_of", "household_id", "label")
DEFAULT_CAPACITY_SHARE = 0.02  # a team's monthly list: 2% of the cohort unless told otherwise
# Small trees that need many rows per leaf, strong L2 and half the features per tree: with a few
# hundred positives a fold, the earlier settings (15 leaves, 50 rows a leaf) learned noise; on
# the demo council these raised out-of-time AUC by 0.02 to 0.06 (docs/models.md). 63 bins
# instead of 255 cost nothing measurable and speed training on a large council.
LIGHTGBM_SETTINGS: dict[str, Any] = {
    "n_estimators": 300,
    "learning_rate": 0.03,
    "num_leaves": 7,
    "min_child_samples": 200,
    "reg_lambda": 5.0,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.5,
    "max_bin": 63,
}
LOGISTIC_SETTINGS: dict[str, Any] = {"C": 0.1, "max_iter": 200, "tol": 1e-3}
# Above this many rows, a model learns from every positive and a random share of the negatives,
# weighted back to their number. Fitting time grows with rows; what the model learns grows with
# positives. On the 176,000-resident council, the last fold's AUC was 0.846 from all 412,000
# safeguarding rows and 0.845 from 150,000 (homelessness: 0.835 and 0.834), in a third of the
# time (docs/benchmarks.md). The demo council's training sets are about this size or smaller.
TRAINING_ROWS_CAP = 150_000


@dataclass
class TrainingSet:
    """The rows a model learns from, each weighted by how many rows it stands for."""

    rows: pd.DataFrame
    weights: np.ndarray

    @property
    def negatives_kept(self) -> float:
        """The share of negative rows kept (1.0 when none were dropped)."""
        negatives = self.weights[~self.rows["label"].to_numpy(dtype=bool)]
        return float(1 / negatives.max()) if len(negatives) else 1.0


def training_set(
    data: pd.DataFrame,
    seed: int,
    within: np.ndarray | None = None,
    cap: int = TRAINING_ROWS_CAP,
) -> TrainingSet:
    """The rows of ``data`` (those ``within`` a boolean mask, if given) to learn from: all of
    them up to ``cap``, else every positive and a random share of the negatives (at least as
    many as the positives)."""
    chosen = np.ones(len(data), dtype=bool) if within is None else within
    labels = data["label"].to_numpy(dtype=bool)
    positives = int((chosen & labels).sum())
    negatives = int((chosen & ~labels).sum())
    share = 1.0
    if positives + negatives > cap and negatives:
        # At least as many negatives as positives, even if that passes the cap: a common
        # outcome must not leave a handful of negatives, each weighted as thousands.
        share = min(1.0, max(cap - positives, positives, 1) / negatives)
        drawn = np.random.default_rng(seed).random(len(data)) < share
        chosen = chosen & (labels | drawn)
    rows = data[chosen]
    weights = np.where(rows["label"].to_numpy(dtype=bool), 1.0, 1.0 / share)
    return TrainingSet(rows, weights)


@dataclass
class Validation:
    """Out-of-time scores for every tested row, and their measures."""

    scores: (
        pd.DataFrame
    )  # unit_id, as_of, household_id, label, fold, lightgbm, calibrated, logistic
    lightgbm: Scorecard
    logistic: Scorecard
    folds: list[Fold]
    per_fold: list[dict[str, Any]] = field(default_factory=list)
    training_rows: int = 0  # rows the folds' models learned from, summed over folds


@dataclass
class FinalModel:
    """The model fitted on every date, with the calibration its scores are read through."""

    booster: lgb.LGBMClassifier
    features: list[str]
    calibration_x: np.ndarray
    calibration_y: np.ndarray
    training: dict[str, Any]

    def risk(self, rows: pd.DataFrame) -> np.ndarray:
        """Calibrated chance of the outcome for each row."""
        raw = proba(self.booster, rows[self.features])
        return np.asarray(np.interp(raw, self.calibration_x, self.calibration_y))


def feature_columns(data: pd.DataFrame) -> list[str]:
    """Every column of a dataset that is a feature."""
    return [c for c in data.columns if c not in ID_COLUMNS]


def proba(model: object, rows: pd.DataFrame) -> np.ndarray:
    """The chance of the outcome for each row (scikit-learn's second column)."""
    return np.asarray(model.predict_proba(rows))[:, 1]  # type: ignore[attr-defined]


def fit_lightgbm(train: TrainingSet, columns: list[str], seed: int) -> lgb.LGBMClassifier:
    """LightGBM with the platform's settings (shallow trees, many rows per leaf: council
    cohorts are small and outcomes rare, so the model must not learn individuals)."""
    model = lgb.LGBMClassifier(**LIGHTGBM_SETTINGS, random_state=seed, verbose=-1)
    model.fit(train.rows[columns], train.rows["label"], sample_weight=train.weights)
    return model


def fit_logistic(train: TrainingSet, columns: list[str]) -> Pipeline:
    """The logistic baseline: scaled features, L2-regularised (missing values as -1)."""
    model = make_pipeline(StandardScaler(), LogisticRegression(**LOGISTIC_SETTINGS))
    model.fit(
        train.rows[columns].fillna(-1),
        train.rows["label"],
        standardscaler__sample_weight=train.weights,
        logisticregression__sample_weight=train.weights,
    )
    return model


def capacity_for(data: pd.DataFrame, share: float = DEFAULT_CAPACITY_SHARE) -> int:
    """A list length per as-of date: ``share`` of the mean cohort at a date (at least one)."""
    return max(1, round(share * data.groupby("as_of").size().mean()))


def isotonic(raw: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The isotonic map from raw scores to observed rates, as the points numpy.interp reads."""
    fitted = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, labels)
    return np.asarray(fitted.X_thresholds_), np.asarray(fitted.y_thresholds_)


def validate_outcome(
    data: pd.DataFrame,
    capacity: int | None = None,
    seed: int = 1,
    cap: int = TRAINING_ROWS_CAP,
    min_train_dates: int = 2,
) -> Validation:
    """Rolling temporal folds over a dataset from :func:`earlyhelp.modelling.dataset.assemble`
    (``min_train_dates``: the fewest as-of dates a fold may learn from)."""
    columns = feature_columns(data)
    day = data["as_of"].dt.date
    folds = [
        f
        for f in temporal_folds(sorted(set(day)), min_train_dates=min_train_dates)
        if _learnable(data, day, f)
    ]
    parts = []
    fitted_rows = 0
    for number, fold in enumerate(folds):
        train = training_set(data, seed + number, day.isin(fold.train).to_numpy(), cap)
        fitted_rows += len(train.rows)
        test = data[day.isin(fold.test)]
        parts.append(
            pd.DataFrame(
                {
                    "unit_id": test["unit_id"].to_numpy(),
                    "as_of": test["as_of"].to_numpy(),
                    "household_id": test["household_id"].to_numpy(),
                    "label": test["label"].to_numpy(dtype=bool),
                    "fold": number,
                    "lightgbm": proba(fit_lightgbm(train, columns, seed), test[columns]),
                    "logistic": proba(fit_logistic(train, columns), test[columns].fillna(-1)),
                }
            )
        )
        earlier = pd.concat(parts[:-1]) if number else None
        if earlier is not None and earlier["label"].nunique() == 2:
            x, y = isotonic(earlier["lightgbm"].to_numpy(), earlier["label"].to_numpy())
            parts[-1]["calibrated"] = np.interp(parts[-1]["lightgbm"], x, y)
    if not parts:
        raise ValueError("too little history to test any period out of time")
    scores = pd.concat(parts, ignore_index=True)
    if "calibrated" not in scores:
        scores["calibrated"] = np.nan
    capacity = capacity or capacity_for(data)
    ranked = card(scores, "lightgbm", capacity)
    mapped = scores.dropna(subset=["calibrated"])
    if mapped["label"].nunique() == 2:
        calibrated = card(mapped, "calibrated", capacity, interval=False)
        ranked = dataclasses.replace(
            ranked,
            brier=calibrated.brier,
            ece=calibrated.ece,
            calibration_curve=calibrated.calibration_curve,
        )
    return Validation(
        scores,
        ranked,
        card(scores, "logistic", capacity, interval=False),
        folds,
        _per_fold(scores, capacity),
        fitted_rows,
    )


def card(scores: pd.DataFrame, column: str, capacity: int, interval: bool = True) -> Scorecard:
    """The measures of one score column, one list per as-of date."""
    return scorecard(
        scores["label"].to_numpy(dtype=bool),
        scores[column].to_numpy(dtype=np.float64),
        capacity,
        lists=scores["as_of"].to_numpy(),
        interval=interval,
    )


def _learnable(data: pd.DataFrame, day: pd.Series, fold: Fold) -> bool:
    """A fold can be used when its training period holds both outcomes."""
    return bool(data.loc[day.isin(fold.train), "label"].nunique() == 2)


def _per_fold(scores: pd.DataFrame, capacity: int) -> list[dict[str, Any]]:
    """Headline measures of each test period on its own."""
    out = []
    for number, rows in scores.groupby("fold"):
        labels = rows["label"].to_numpy(dtype=bool)
        if not 0 < labels.sum() < len(labels):
            continue
        measured = card(rows, "lightgbm", capacity)
        out.append(
            {
                "fold": int(str(number)),
                "test_from": str(rows["as_of"].min().date()),
                "test_to": str(rows["as_of"].max().date()),
                "rows": measured.rows,
                "positives": int(labels.sum()),
                "auc": measured.auc,
                "auc_ci": list(measured.auc_ci or ()),
                "precision_at_capacity": measured.precision_at_capacity,
            }
        )
    return out


def fit_final(data: pd.DataFrame, validation: Validation, seed: int = 1) -> FinalModel:
    """The model for scoring: fitted on every date, calibrated by the out-of-time scores."""
    columns = feature_columns(data)
    scores = validation.scores
    x, y = isotonic(scores["lightgbm"].to_numpy(), scores["label"].to_numpy())
    dates = sorted(set(data["as_of"].dt.date))
    learned_from = training_set(data, seed)
    training = {
        "first_as_of": str(dates[0]),
        "last_as_of": str(dates[-1]),
        "as_of_dates": len(dates),
        "rows": len(data),
        "positives": int(data["label"].sum()),
        "rows_fitted": len(learned_from.rows),
        "negatives_kept": learned_from.negatives_kept,
        "calibrated_on_rows": len(scores),
    }
    return FinalModel(fit_lightgbm(learned_from, columns, seed), columns, x, y, training)


def first_test_date(data: pd.DataFrame) -> dt.date | None:
    """The earliest as-of date any fold tests (None when there is too little history)."""
    dates = sorted(set(data["as_of"].dt.date))
    folds = temporal_folds(dates)
    return folds[0].test[0] if folds else None
