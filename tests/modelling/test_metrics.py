import numpy as np

from earlyhelp.modelling.metrics import (
    bootstrap_interval,
    expected_calibration_error,
    precision_recall_at,
    scorecard,
)


def test_precision_and_recall_at_capacity_count_the_top_of_the_list() -> None:
    labels = np.array([True, False, True, False, False, True])
    risk = np.array([0.9, 0.8, 0.7, 0.2, 0.1, 0.05])
    assert precision_recall_at(labels, risk, 2) == (0.5, 1 / 3)
    assert precision_recall_at(labels, risk, 3) == (2 / 3, 2 / 3)


def test_a_calibrated_score_has_a_small_ece_and_a_miscalibrated_one_a_large_one() -> None:
    rng = np.random.default_rng(1)
    risk = rng.uniform(0, 0.5, 50_000)
    labels = rng.random(50_000) < risk
    assert expected_calibration_error(labels, risk) < 0.01
    assert abs(expected_calibration_error(labels, risk * 1.6) - 0.6 * risk.mean()) < 0.01


def test_the_bootstrap_interval_holds_the_auc_and_narrows_with_more_rows() -> None:
    rng = np.random.default_rng(2)

    def sample(n: int) -> tuple[np.ndarray, np.ndarray]:
        risk = rng.random(n)
        return rng.random(n) < risk, risk

    small, large = sample(400), sample(20_000)
    card = scorecard(*large, capacity=100)
    low, high = card.auc_ci
    assert low < card.auc < high
    small_low, small_high = bootstrap_interval(*small)
    assert (small_high - small_low) > 3 * (high - low)
