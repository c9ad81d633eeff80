"""The group measures an audit reports, named as aequitas and fairlearn name them, each a
fraction computed from a group's four confusion counts (and its scores' sum for calibration).

Written once over arrays so that the same function gives a point estimate and every bootstrap
resample: a resample changes only the counts.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]

# In report order. base_rate and mean_score together are the calibration check (mean score
# against observed rate); calibration_gap is their difference.
RATES: tuple[str, ...] = (
    "base_rate",
    "pprev",
    "ppr",
    "precision",
    "fdr",
    "for",
    "fpr",
    "fnr",
    "tpr",
    "tnr",
    "mean_score",
    "calibration_gap",
)
DESCRIPTIONS: dict[str, str] = {
    "n": "rows in the group",
    "base_rate": "share of the group with the label (the observed rate)",
    "pprev": "share of the group flagged (predicted prevalence)",
    "ppr": "the group's share of everyone flagged (predicted positive rate)",
    "precision": "share of the group's flagged rows that had the label",
    "fdr": "false discovery rate: share of flagged rows without the label",
    "for": "false omission rate: share of unflagged rows with the label",
    "fpr": "false positive rate: share of rows without the label that were flagged",
    "fnr": "false negative rate: share of rows with the label that were not flagged",
    "tpr": "true positive rate (recall): share of rows with the label that were flagged",
    "tnr": "true negative rate: share of rows without the label not flagged",
    "mean_score": "mean score (for calibration, beside base_rate)",
    "calibration_gap": "mean score minus observed rate",
}


def _ratio(top: Floats, bottom: Floats) -> Floats:
    """top / bottom, NaN where bottom is 0 (a rate of nobody is undefined, not 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan)


def rates_from_counts(
    tp: npt.ArrayLike,
    fp: npt.ArrayLike,
    fn: npt.ArrayLike,
    tn: npt.ArrayLike,
    score_sum: npt.ArrayLike,
    flagged_total: npt.ArrayLike,
) -> dict[str, Floats]:
    """Every rate in :data:`RATES` for groups given by their counts (arrays broadcast)."""
    tp_, fp_, fn_, tn_ = (np.asarray(x, dtype=np.float64) for x in (tp, fp, fn, tn))
    n = tp_ + fp_ + fn_ + tn_
    flagged = tp_ + fp_
    positives = tp_ + fn_
    negatives = fp_ + tn_
    base_rate = _ratio(positives, n)
    mean_score = _ratio(np.asarray(score_sum, dtype=np.float64), n)
    return {
        "base_rate": base_rate,
        "pprev": _ratio(flagged, n),
        "ppr": _ratio(flagged, np.asarray(flagged_total, dtype=np.float64)),
        "precision": _ratio(tp_, flagged),
        "fdr": _ratio(fp_, flagged),
        "for": _ratio(fn_, fn_ + tn_),
        "fpr": _ratio(fp_, negatives),
        "fnr": _ratio(fn_, positives),
        "tpr": _ratio(tp_, positives),
        "tnr": _ratio(tn_, negatives),
        "mean_score": mean_score,
        "calibration_gap": mean_score - base_rate,
    }
