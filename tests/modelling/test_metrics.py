import numpy as np
from sklearn.metrics import roc_auc_score

from earlyhelp.modelling.metrics import (
    _bootstrap_aucs,
    bootstrap_interval,
    expected_calibration_error,
    precision_recall_at,
    precision_recall_per_list,
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
    assert card.auc_ci is not None
    low, high = card.auc_ci
    assert low < card.auc < high
    small_low, small_high = bootstrap_interval(*small)
    assert (small_high - small_low) > 3 * (high - low)
    assert scorecard(*large, capacity=100, interval=False).auc_ci is None


def test_the_bootstrap_auc_of_a_resample_equals_scikit_learns() -> None:
    rng = np.random.default_rng(3)
    risk = np.round(rng.random(2_000), 2)  # ties, as isotonic scores have
    labels = rng.random(2_000) < risk

    # With every weight one (the resample that is the sample itself) the AUC is the usual one.
    class Identity:
        def integers(self, low: int, high: int, size: int) -> np.ndarray:
            return np.arange(size)

    (auc,) = _bootstrap_aucs(labels, risk, 1, Identity())  # type: ignore[arg-type]
    assert abs(auc - roc_auc_score(labels, risk)) < 1e-12


def test_precision_and_recall_per_list_take_the_top_of_each_list() -> None:
    labels = np.array([True, False, False, True, True, False])
    risk = np.array([0.9, 0.8, 0.1, 0.2, 0.7, 0.6])
    lists = np.array([1, 1, 1, 2, 2, 2])
    # Top one of each list: 0.9 (hit) and 0.7 (hit); the 0.8 in list 1 is not taken.
    assert precision_recall_per_list(labels, risk, lists, k=1) == (1.0, 2 / 3)
    # Top half (rounded up) of three is two: list 1 takes 0.9, 0.8; list 2 takes 0.7, 0.6.
    assert precision_recall_per_list(labels, risk, lists, share=0.5) == (0.5, 2 / 3)


def test_the_scorecard_reports_the_top_shares_and_a_calibration_curve() -> None:
    rng = np.random.default_rng(4)
    risk = rng.uniform(0, 0.3, 10_000)
    labels = rng.random(10_000) < risk
    card = scorecard(labels, risk, capacity=50, lists=np.repeat([1, 2], 5_000))
    plain = card.as_dict()
    for share in ("1pct", "5pct", "10pct"):
        assert 0 < plain[f"precision_at_top_{share}"] <= 1
    assert plain["precision_at_top_1pct"] > plain["precision_at_top_10pct"] > card.base_rate
    curve = plain["calibration_curve"]
    assert len(curve) == 10 and sum(b["rows"] for b in curve) == 10_000
    assert all(abs(b["mean_risk"] - b["observed_rate"]) < 0.05 for b in curve)
