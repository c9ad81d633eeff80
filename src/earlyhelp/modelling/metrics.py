"""How good a risk score is, in the terms a team acts on, with intervals because council cohorts
are small.

A team works a list of fixed length, so precision and recall at a capacity (the top k) matter
more than any threshold; calibration matters because a risk shown as 20% should come true about
one time in five.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

Floats = npt.NDArray[np.float64]


def precision_recall_at(labels: npt.NDArray[np.bool_], risk: Floats, k: int) -> tuple[float, float]:
    """Precision and recall of the k highest risks (ties broken by position, as a list would)."""
    if k <= 0 or labels.sum() == 0:
        return 0.0, 0.0
    top = np.argsort(-risk, kind="stable")[:k]
    hits = int(labels[top].sum())
    return hits / min(k, len(risk)), hits / int(labels.sum())


def expected_calibration_error(
    labels: npt.NDArray[np.bool_], risk: Floats, bins: int = 10
) -> float:
    """Mean gap between predicted and observed rates over equal-count bins, weighted by size."""
    order = np.argsort(risk, kind="stable")
    gaps = 0.0
    for chunk in np.array_split(order, bins):
        if len(chunk):
            gaps += len(chunk) * abs(risk[chunk].mean() - labels[chunk].mean())
    return gaps / len(risk)


def bootstrap_interval(
    labels: npt.NDArray[np.bool_],
    risk: Floats,
    statistic: str = "auc",
    draws: int = 200,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float]:
    """A percentile bootstrap interval for AUC or average precision."""
    rng = np.random.default_rng(seed)
    score = roc_auc_score if statistic == "auc" else average_precision_score
    values = []
    for _ in range(draws):
        pick = rng.integers(0, len(risk), len(risk))
        if 0 < labels[pick].sum() < len(pick):
            values.append(score(labels[pick], risk[pick]))
    low, high = np.percentile(values, [(1 - level) / 2 * 100, (1 + level) / 2 * 100])
    return float(low), float(high)


@dataclass(frozen=True)
class Scorecard:
    """The measures of one score on one set of rows."""

    rows: int
    base_rate: float
    auc: float
    auc_ci: tuple[float, float]
    average_precision: float
    capacity: int
    precision_at_capacity: float
    recall_at_capacity: float
    brier: float
    ece: float


def scorecard(labels: npt.NDArray[np.bool_], risk: Floats, capacity: int) -> Scorecard:
    """Every measure at once, for a team that can act on ``capacity`` cases."""
    labels = np.asarray(labels, dtype=bool)
    risk = np.asarray(risk, dtype=np.float64)
    precision, recall = precision_recall_at(labels, risk, capacity)
    return Scorecard(
        rows=len(risk),
        base_rate=float(labels.mean()),
        auc=float(roc_auc_score(labels, risk)),
        auc_ci=bootstrap_interval(labels, risk),
        average_precision=float(average_precision_score(labels, risk)),
        capacity=capacity,
        precision_at_capacity=precision,
        recall_at_capacity=recall,
        brier=float(brier_score_loss(labels, risk)),
        ece=expected_calibration_error(labels, risk),
    )
