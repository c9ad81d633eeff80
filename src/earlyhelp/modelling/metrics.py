"""How good a risk score is, in the terms a team acts on, with intervals because council cohorts
are small.

A team works a list of fixed length, so precision and recall at a capacity (the top k) matter
more than any threshold; each as-of date is its own list, because a team never compares a child
scored this quarter with one scored two years ago. Calibration matters because a risk shown as
20% should come true about one time in five.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
TOP_SHARES = (0.01, 0.05, 0.10)


def precision_recall_at(labels: Bools, risk: Floats, k: int) -> tuple[float, float]:
    """Precision and recall of the k highest risks (ties broken by position, as a list would)."""
    if k <= 0 or labels.sum() == 0:
        return 0.0, 0.0
    top = np.argsort(-risk, kind="stable")[:k]
    hits = int(labels[top].sum())
    return hits / min(k, len(risk)), hits / int(labels.sum())


def precision_recall_per_list(
    labels: Bools, risk: Floats, lists: npt.NDArray[Any], k: int | None = None, share: float = 0.0
) -> tuple[float, float]:
    """Precision and recall over several lists, each of its top ``k`` (or top ``share``).

    Precision is all hits over all places taken; recall is all hits over all positives, so a
    large list weighs as much as the cases it holds.
    """
    hits = taken = 0
    for key in np.unique(lists):
        rows = lists == key
        size = k if k is not None else max(1, math.ceil(share * int(rows.sum())))
        top = np.argsort(-risk[rows], kind="stable")[:size]
        hits += int(labels[rows][top].sum())
        taken += len(top)
    positives = int(labels.sum())
    return (hits / taken if taken else 0.0), (hits / positives if positives else 0.0)


def expected_calibration_error(labels: Bools, risk: Floats, bins: int = 10) -> float:
    """Mean gap between predicted and observed rates over equal-count bins, weighted by size."""
    return sum(n * abs(p - o) for p, o, n in calibration_curve(labels, risk, bins)) / len(risk)


def calibration_curve(
    labels: Bools, risk: Floats, bins: int = 10
) -> list[tuple[float, float, int]]:
    """Mean predicted risk, observed rate and rows in each of ``bins`` equal-count bins."""
    order = np.argsort(risk, kind="stable")
    return [
        (float(risk[chunk].mean()), float(labels[chunk].mean()), len(chunk))
        for chunk in np.array_split(order, bins)
        if len(chunk)
    ]


def bootstrap_interval(
    labels: Bools,
    risk: Floats,
    statistic: str = "auc",
    draws: int = 200,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float]:
    """A percentile bootstrap interval for AUC or average precision."""
    rng = np.random.default_rng(seed)
    if statistic == "auc":
        values = _bootstrap_aucs(labels, risk, draws, rng)
    else:
        values = []
        for _ in range(draws):
            pick = rng.integers(0, len(risk), len(risk))
            if 0 < labels[pick].sum() < len(pick):
                values.append(average_precision_score(labels[pick], risk[pick]))
    low, high = np.percentile(values, [(1 - level) / 2 * 100, (1 + level) / 2 * 100])
    return float(low), float(high)


def _bootstrap_aucs(
    labels: Bools, risk: Floats, draws: int, rng: np.random.Generator
) -> list[float]:
    """AUCs of bootstrap resamples, each as a weighting of the distinct risks.

    Written out rather than calling roc_auc_score per resample: sorting once and counting each
    resample's weights is linear, which keeps intervals affordable on a whole council's cohort.
    A resample's AUC is the chance a positive outranks a negative, ties counting half.
    """
    _, level = np.unique(risk, return_inverse=True)
    positive = labels.astype(np.float64)
    out = []
    for _ in range(draws):
        weight = np.bincount(rng.integers(0, len(risk), len(risk)), minlength=len(risk))
        pos = np.bincount(level, weights=weight * positive)
        neg = np.bincount(level, weights=weight * (1 - positive))
        pairs = pos.sum() * neg.sum()
        if pairs:
            below = np.cumsum(neg) - neg
            out.append(float((pos * (below + 0.5 * neg)).sum() / pairs))
    return out


@dataclass(frozen=True)
class Scorecard:
    """The measures of one score on one set of rows.

    ``capacity`` is the length of each list (one per as-of date); ``top`` holds precision and
    recall at the top 1%, 5% and 10% of each list.
    """

    rows: int
    base_rate: float
    auc: float
    auc_ci: tuple[float, float] | None  # None where no interval was asked for
    average_precision: float
    capacity: int
    precision_at_capacity: float
    recall_at_capacity: float
    brier: float
    ece: float
    top: dict[str, tuple[float, float]] = field(default_factory=dict)
    calibration_curve: list[tuple[float, float, int]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain values, for metrics.json."""
        out = asdict(self)
        out["auc_ci"] = list(self.auc_ci) if self.auc_ci else None
        for share, (precision, recall) in self.top.items():
            out[f"precision_at_top_{share}"] = precision
            out[f"recall_at_top_{share}"] = recall
        del out["top"]
        out["calibration_curve"] = [
            {"mean_risk": p, "observed_rate": o, "rows": n} for p, o, n in self.calibration_curve
        ]
        return out


def scorecard(
    labels: Bools,
    risk: Floats,
    capacity: int,
    lists: npt.NDArray[Any] | None = None,
    interval: bool = True,
) -> Scorecard:
    """Every measure at once, for a team that can act on ``capacity`` cases from each list.

    The AUC's bootstrap interval is the slowest measure on a large council (200 resamples of
    every row); ``interval=False`` skips it where only the point figures are used."""
    labels = np.asarray(labels, dtype=bool)
    risk = np.asarray(risk, dtype=np.float64)
    if not 0 < labels.sum() < len(labels):
        raise ValueError(
            f"{len(labels)} rows with {int(labels.sum())} outcomes: a score can only be measured "
            "on rows where the outcome both happened and did not"
        )
    lists = np.zeros(len(risk)) if lists is None else np.asarray(lists)
    precision, recall = precision_recall_per_list(labels, risk, lists, k=capacity)
    return Scorecard(
        rows=len(risk),
        base_rate=float(labels.mean()),
        auc=float(roc_auc_score(labels, risk)),
        auc_ci=bootstrap_interval(labels, risk) if interval else None,
        average_precision=float(average_precision_score(labels, risk)),
        capacity=capacity,
        precision_at_capacity=precision,
        recall_at_capacity=recall,
        brier=float(brier_score_loss(labels, risk)),
        ece=expected_calibration_error(labels, risk),
        top={
            f"{round(s * 100)}pct": precision_recall_per_list(labels, risk, lists, share=s)
            for s in TOP_SHARES
        },
        calibration_curve=calibration_curve(labels, risk),
    )


def proportion_interval(successes: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """The Jeffreys interval of a proportion: sound for the small counts and rare events that
    council subgroups and alert bands give, where the normal approximation dips below 0."""
    from scipy.stats import beta

    if trials == 0:
        return (0.0, 1.0)
    tail = (1 - level) / 2
    low = (
        0.0 if successes == 0 else float(beta.ppf(tail, successes + 0.5, trials - successes + 0.5))
    )
    high = (
        1.0
        if successes == trials
        else float(beta.ppf(1 - tail, successes + 0.5, trials - successes + 0.5))
    )
    return (low, high)
