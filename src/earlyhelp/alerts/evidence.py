"""What an alert can honestly say about its risk, learned from out-of-time validation.

Two tables are kept with each model (in its ``metrics.json``, key ``alert_evidence``):

* **ventiles**: of the units that were in each twentieth of their cohort's ranking in the test
  years, how many had the outcome, with a 95% interval: "of children in this band in the test
  years, 9% (6-13%) started a plan within 12 months";
* **calibration blocks**: the isotonic map from the model's score to an observed rate, with
  blocks merged until each rests on at least ``min_rows`` validation rows, and the rate of a
  block read as a Jeffreys posterior mean with its interval. Isotonic regression alone gives the
  top handful of units a probability of 1.000 from three rows; a practitioner must never be
  shown a certainty the evidence does not hold.

Ranking always uses the raw score: calibration steps tie hundreds of units.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.isotonic import IsotonicRegression

from earlyhelp.errors import RunError
from earlyhelp.modelling.metrics import proportion_interval

VENTILES = 20
MIN_BLOCK_ROWS = 100


def ventiles(scores: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Each score's twentieth of its cohort, 20 the highest; ties share the higher ventile."""
    values = pd.Series(np.asarray(scores, dtype=np.float64))
    if values.empty:
        return np.zeros(0, dtype=np.int64)
    share = values.rank(method="max", pct=True).to_numpy()
    return np.clip(np.ceil(share * VENTILES), 1, VENTILES).astype(np.int64)


def ventiles_by_list(scores: pd.Series, lists: pd.Series) -> npt.NDArray[np.int64]:
    """Ventiles within each list (one cohort per as-of date)."""
    out = np.zeros(len(scores), dtype=np.int64)
    for _, index in scores.groupby(lists.to_numpy()).groups.items():
        where = scores.index.get_indexer(index)
        out[where] = ventiles(scores.iloc[where])
    return out


def _rate(positives: int, rows: int) -> dict[str, float]:
    low, high = proportion_interval(positives, rows)
    return {"rate": (positives + 0.5) / (rows + 1), "low": low, "high": high}


def ventile_table(validation: pd.DataFrame, score: str = "lightgbm") -> list[dict[str, Any]]:
    """Per ventile of the test years' cohorts: rows, positives, observed precision, interval."""
    found = validation.assign(
        ventile=ventiles_by_list(validation[score].reset_index(drop=True), validation["as_of"])
    )
    out = []
    for ventile in range(1, VENTILES + 1):
        labels = found.loc[found["ventile"] == ventile, "label"].to_numpy(dtype=bool)
        rows, positives = len(labels), int(labels.sum())
        low, high = proportion_interval(positives, rows)
        out.append(
            {
                "ventile": ventile,
                "rows": rows,
                "positives": positives,
                "precision": positives / rows if rows else 0.0,
                "low": low,
                "high": high,
            }
        )
    return out


def calibration_blocks(
    validation: pd.DataFrame, score: str = "lightgbm", min_rows: int = MIN_BLOCK_ROWS
) -> list[dict[str, Any]]:
    """Isotonic blocks of the test years' scores, each on at least ``min_rows`` rows (adjacent
    blocks merged from the lowest up), as ``upper`` raw score, counts and rate with interval."""
    order = np.argsort(validation[score].to_numpy(dtype=np.float64), kind="stable")
    raw = validation[score].to_numpy(dtype=np.float64)[order]
    labels = validation["label"].to_numpy(dtype=bool)[order]
    fitted = IsotonicRegression(out_of_bounds="clip").fit_transform(raw, labels)
    starts = np.flatnonzero(np.r_[True, np.diff(fitted) != 0])
    blocks: list[list[int]] = []  # [first row, last row] of each merged block
    for first, nxt in zip(starts.tolist(), [*starts[1:].tolist(), len(raw)], strict=True):
        if blocks and blocks[-1][1] - blocks[-1][0] + 1 < min_rows:
            blocks[-1][1] = nxt - 1
        else:
            blocks.append([first, nxt - 1])
    if len(blocks) > 1 and blocks[-1][1] - blocks[-1][0] + 1 < min_rows:
        dropped = blocks.pop()
        blocks[-1][1] = dropped[1]
    out: list[dict[str, float]] = []
    for first, last in blocks:
        rows, positives = int(last - first + 1), int(labels[first : last + 1].sum())
        out.append(
            {"upper": float(raw[last]), "rows": rows, "positives": positives}
            | _rate(positives, rows)
        )
    # The posterior mean of a small block can dip below a larger one beneath it: keep the order.
    for name in ("rate", "low", "high"):
        kept = np.maximum.accumulate([b[name] for b in out])
        for block, value in zip(out, kept, strict=True):
            block[name] = float(value)
    return out


def alert_evidence(validation: pd.DataFrame) -> dict[str, Any]:
    """Both tables, as kept with the model."""
    return {
        "ventiles": ventile_table(validation),
        "calibration": calibration_blocks(validation),
        "min_block_rows": MIN_BLOCK_ROWS,
        "interval": "Jeffreys 95%",
    }


class Evidence:
    """A model's evidence, read back to give each scored unit its band and probability."""

    def __init__(self, evidence: dict[str, Any], what: str) -> None:
        try:
            self.ventiles = {int(v["ventile"]): v for v in evidence["ventiles"]}
            blocks = evidence["calibration"]
            self.uppers = np.array([b["upper"] for b in blocks], dtype=np.float64)
            self.rates = np.array([[b["rate"], b["low"], b["high"]] for b in blocks])
        except (KeyError, TypeError) as error:
            raise RunError(
                f"{what} has no alert evidence (band precision, calibration blocks): "
                "train it again with `earlyhelp train`"
            ) from error

    @classmethod
    def of(cls, metrics: dict[str, Any], what: str) -> Evidence:
        """The evidence in a model's metrics."""
        if "alert_evidence" not in metrics:
            raise RunError(
                f"{what} was trained before alerts kept their evidence: "
                "train it again with `earlyhelp train`, then promote it"
            )
        return cls(metrics["alert_evidence"], what)

    def probability(self, raw: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """``probability, low, high`` for each raw score (one row each)."""
        index = np.searchsorted(self.uppers, np.asarray(raw, dtype=np.float64), side="left")
        return np.asarray(self.rates[np.clip(index, 0, len(self.uppers) - 1)], dtype=np.float64)

    def band(self, ventile: int) -> dict[str, Any]:
        """The ventile's measured precision in the test years."""
        return dict(self.ventiles[ventile])
