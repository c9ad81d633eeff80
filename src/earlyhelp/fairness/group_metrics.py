"""Each group's point estimates, from fairlearn's ``MetricFrame``.

``MetricFrame`` is given the table's four confusion cells per group, each weighted by the rows
it holds (and carrying their score sum), rather than the rows themselves: every rate is a
weighted share of those cells, so the answer is the same, and fairlearn's per-group stacking of
row values took about three microseconds a row per metric, minutes for a million-row file with
five group columns. tests/fairness check these figures against ``MetricFrame`` over the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from fairlearn.metrics import MetricFrame

from earlyhelp.fairness.bootstrap import GroupCounts

Metric = Callable[..., float]
# The cells in GroupCounts' order: (label, flagged) of tp, fp, fn, tn.
CELL_LABEL = np.array([True, False, True, False])
CELL_FLAG = np.array([True, True, False, False])


def _share(top: npt.NDArray[np.bool_], among: npt.NDArray[np.bool_], weight: Any) -> float:
    """The weighted share of ``among`` that is also ``top`` (NaN when ``among`` is empty)."""
    w = np.asarray(weight, dtype=np.float64)
    total = float(w[among].sum())
    return float(w[top & among].sum() / total) if total else float("nan")


def _metrics(flagged_total: float) -> dict[str, Metric]:
    """The rates of :data:`earlyhelp.fairness.rates.RATES` as fairlearn metrics of
    (label, flagged) with row counts as weights; ``mean_score`` also takes score sums."""

    def cells(y: Any, p: Any) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        return np.asarray(y, dtype=bool), np.asarray(p, dtype=bool)

    def everyone(y: Any) -> npt.NDArray[np.bool_]:
        return np.ones(len(y), dtype=bool)

    def n(y: Any, p: Any, weight: Any) -> float:
        return float(np.sum(weight))

    def base_rate(y: Any, p: Any, weight: Any) -> float:
        label, _ = cells(y, p)
        return _share(label, everyone(y), weight)

    def pprev(y: Any, p: Any, weight: Any) -> float:
        _, flag = cells(y, p)
        return _share(flag, everyone(y), weight)

    def ppr(y: Any, p: Any, weight: Any) -> float:
        _, flag = cells(y, p)
        chosen = float(np.asarray(weight, dtype=np.float64)[flag].sum())
        return chosen / flagged_total if flagged_total else float("nan")

    def ratio(top: str, among: str) -> Metric:
        def metric(y: Any, p: Any, weight: Any) -> float:
            label, flag = cells(y, p)
            named = {"label": label, "unlabelled": ~label, "flag": flag, "unflagged": ~flag}
            return _share(named[top], named[among], weight)

        return metric

    def mean_score(y: Any, p: Any, weight: Any, score_sum: Any) -> float:
        rows = float(np.sum(weight))
        return float(np.sum(score_sum)) / rows if rows else float("nan")

    return {
        "n": n,
        "base_rate": base_rate,
        "pprev": pprev,
        "ppr": ppr,
        "precision": ratio("label", "flag"),
        "fdr": ratio("unlabelled", "flag"),
        "for": ratio("label", "unflagged"),
        "fpr": ratio("flag", "unlabelled"),
        "fnr": ratio("unflagged", "label"),
        "tpr": ratio("flag", "label"),
        "tnr": ratio("unflagged", "unlabelled"),
        "mean_score": mean_score,
    }


def point_estimates(tally: GroupCounts, names: Sequence[str]) -> pd.DataFrame:
    """One row per group (in ``names`` order), one column per measure, from ``MetricFrame``."""
    groups = len(names)
    weight = tally.counts.reshape(-1).astype(np.float64)
    metrics = _metrics(float(weight[np.tile(CELL_FLAG, groups)].sum()))
    params: dict[str, dict[str, Any]] = {name: {"weight": weight} for name in metrics}
    params["mean_score"]["score_sum"] = tally.score_sum.reshape(-1)
    frame = MetricFrame(
        metrics=metrics,
        y_true=np.tile(CELL_LABEL, groups),
        y_pred=np.tile(CELL_FLAG, groups),
        sensitive_features=pd.Series(np.repeat(np.arange(groups), 4), name="group"),
        sample_params=params,
    )
    by_group: pd.DataFrame = frame.by_group.astype(np.float64).reindex(range(groups))
    by_group["calibration_gap"] = by_group["mean_score"] - by_group["base_rate"]
    by_group.index = pd.Index(list(names))
    return by_group
