"""The curves a model card plots, computed once at training from the out-of-time validation
scores and kept with the version (a few hundred points each), so that a card can be drawn
again from the registry alone."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_curve, roc_curve

from earlyhelp.modelling.metrics import calibration_curve

POINTS = 200


def _thin(*columns: np.ndarray) -> list[list[float]]:
    """At most :data:`POINTS` evenly spaced points of parallel arrays (ends kept)."""
    keep = np.unique(np.linspace(0, len(columns[0]) - 1, min(POINTS, len(columns[0]))).round())
    return [np.asarray(c)[keep.astype(int)].astype(float).tolist() for c in columns]


def precision_at_k(scores: pd.DataFrame, column: str, ks: list[int]) -> list[float]:
    """Mean over as-of dates of the precision of each date's top k."""
    out = []
    ranked = scores.sort_values(["as_of", column], ascending=[True, False], kind="stable")
    position = ranked.groupby("as_of").cumcount().to_numpy()
    labels = ranked["label"].to_numpy(dtype=bool)
    lists = ranked["as_of"].to_numpy()
    for k in ks:
        top = position < k
        per_list = pd.Series(labels[top]).groupby(lists[top]).mean()
        out.append(float(per_list.mean()))
    return out


def model_curves(scores: pd.DataFrame, capacity: int) -> dict[str, Any]:
    """ROC, precision-recall, calibration and precision-at-k curves of the validation scores
    (and of the oracle's risk, where the synthetic truth gave one)."""
    labels = scores["label"].to_numpy(dtype=bool)
    raw = scores["lightgbm"].to_numpy(dtype=np.float64)
    fpr, tpr, _ = roc_curve(labels, raw)
    precision, recall, _ = precision_recall_curve(labels, raw)
    calibrated = scores.dropna(subset=["calibrated"])
    per_list = int(scores.groupby("as_of").size().min())
    ks = sorted({max(1, round(capacity * f)) for f in (0.25, 0.5, 1, 1.5, 2, 3, 4, 5)})
    ks = [k for k in ks if k <= per_list]
    out: dict[str, Any] = {
        "rows": len(scores),
        "base_rate": float(labels.mean()),
        "capacity": capacity,
        "roc": dict(zip(("fpr", "tpr"), _thin(fpr, tpr), strict=True)),
        "pr": dict(zip(("recall", "precision"), _thin(recall[::-1], precision[::-1]), strict=True)),
        "calibration": [
            {"mean_risk": p, "observed_rate": o, "rows": n}
            for p, o, n in calibration_curve(
                calibrated["label"].to_numpy(dtype=bool),
                calibrated["calibrated"].to_numpy(dtype=np.float64),
            )
        ],
        "precision_at_k": {"k": ks, "model": precision_at_k(scores, "lightgbm", ks)},
    }
    if "oracle_risk" in scores:
        matched = scores.dropna(subset=["oracle_risk"])
        out["precision_at_k"]["oracle"] = precision_at_k(matched, "oracle_risk", ks)
        out["precision_at_k"]["model_on_oracle_rows"] = precision_at_k(matched, "lightgbm", ks)
    return out
