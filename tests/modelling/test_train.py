"""Temporal validation on data where the answer is known."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from earlyhelp.modelling.train import first_test_date, fit_final, training_set, validate_outcome

DATES = [dt.date(y, m, 1) for y in range(2020, 2025) for m in (1, 4, 7, 10)]


def dataset(seed: int = 3, units: int = 800) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for day in DATES:
        signal = rng.normal(size=units)
        noise = rng.normal(size=units)
        risk = 1 / (1 + np.exp(-(-3.5 + 1.5 * signal)))
        rows.append(
            pd.DataFrame(
                {
                    "unit_id": [f"U{i}" for i in range(units)],
                    "as_of": pd.Timestamp(day),
                    "household_id": [f"H{i // 2}" for i in range(units)],
                    "label": rng.random(units) < risk,
                    "signal": signal,
                    "noise": noise,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def test_only_later_dates_are_scored_and_the_signal_is_found() -> None:
    data = dataset()
    result = validate_outcome(data)
    first = first_test_date(data)
    assert first is not None and result.scores["as_of"].min() == pd.Timestamp(first)
    assert first >= dt.date(2021, 1, 1)  # a year of labels must close before anything is tested
    # The best possible AUC here is that of the true risk: the models come close to it.
    truth = data[data["as_of"] >= pd.Timestamp(first)]
    best = 1 / (1 + np.exp(-(-3.5 + 1.5 * truth["signal"])))
    ceiling = roc_auc_score(truth["label"], best)
    assert result.lightgbm.auc > 0.95 * ceiling
    assert result.logistic.auc > 0.97 * ceiling
    assert result.lightgbm.ece < 0.02
    assert 0 < result.lightgbm.precision_at_capacity <= 1


def test_calibration_is_measured_only_with_earlier_folds_and_the_final_model_follows_it() -> None:
    data = dataset()
    result = validate_outcome(data)
    first_fold = result.scores[result.scores["fold"] == 0]
    later = result.scores[result.scores["fold"] > 0]
    # The first test year has no earlier out-of-time scores to learn a calibration from.
    assert first_fold["calibrated"].isna().all() and later["calibrated"].notna().all()
    final = fit_final(data, result)
    risk = final.risk(data)
    assert ((risk >= 0) & (risk <= 1)).all()
    # Calibrated risks agree with what happens, on average and in the riskiest tenth.
    assert abs(risk.mean() - data["label"].mean()) < 0.01
    top = risk >= np.quantile(risk, 0.9)
    assert abs(risk[top].mean() - data["label"][top].mean()) < 0.03
    assert final.training["rows"] == len(data)
    assert final.training["first_as_of"] == str(DATES[0])


def test_a_small_training_set_is_used_whole() -> None:
    data = dataset(units=100)
    learned = training_set(data, seed=1)
    assert len(learned.rows) == len(data)
    assert (learned.weights == 1.0).all()
    assert learned.negatives_kept == 1.0


def test_a_large_training_set_keeps_every_positive_and_weights_the_sampled_negatives() -> None:
    data = dataset()  # 16,000 rows
    within = (data["as_of"] < pd.Timestamp(2023, 1, 1)).to_numpy()
    learned = training_set(data, seed=1, within=within, cap=4_000)
    labels = learned.rows["label"].to_numpy(dtype=bool)
    assert learned.rows["as_of"].max() < pd.Timestamp(2023, 1, 1)
    assert labels.sum() == (data["label"].to_numpy() & within).sum()
    assert abs(len(learned.rows) - 4_000) < 200
    negatives = (~data["label"].to_numpy() & within).sum()
    # The weighted negatives stand for all of them, so raw scores keep the real base rate.
    assert abs(learned.weights[~labels].sum() - negatives) < 0.05 * negatives
    assert 0.2 < learned.negatives_kept < 0.5


def test_a_common_outcome_keeps_as_many_negatives_as_positives_whatever_the_cap() -> None:
    data = dataset()
    positives = int(data["label"].sum())
    learned = training_set(data, seed=1, cap=positives // 2)
    labels = learned.rows["label"].to_numpy(dtype=bool)
    assert labels.sum() == positives
    assert abs((~labels).sum() - positives) < 0.1 * positives
    assert abs(learned.weights[~labels].sum() - (~data["label"]).sum()) < 0.1 * len(data)


def test_sampling_negatives_keeps_the_ranking() -> None:
    data = dataset()
    whole = validate_outcome(data)
    with_cap = validate_outcome(data, cap=3_000)
    assert with_cap.training_rows < 0.5 * whole.training_rows
    assert abs(with_cap.lightgbm.auc - whole.lightgbm.auc) < 0.02
