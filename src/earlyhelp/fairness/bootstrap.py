"""Bootstrap intervals for every group rate and disparity of one group column.

Done by hand rather than with ``MetricFrame(n_boot=...)``: fairlearn's bootstrap redraws every
row and recomputes every metric of every group in pandas for each resample, which for a
million-row file, five group columns and 1,000 resamples takes far longer than the minute an
analyst should wait. Every rate here is a function of a group's four confusion counts, and
resampling N rows with replacement puts a multinomial number of draws into each (group, cell)
category, so drawing those counts directly is the same bootstrap, exact, at the cost of the
number of categories instead of the number of rows.

The one measure that is not a count, the mean score, needs the sum of the scores drawn in each
category: given ``k`` draws from a category whose scores have mean m and variance v, that sum is
taken as normal with mean k*m and variance k*v (its exact mean and variance). For the sizes at
which an interval is worth reading this is indistinguishable from redrawing rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from earlyhelp.fairness.rates import RATES, Floats, rates_from_counts

LEVEL = 0.95


@dataclass(frozen=True)
class GroupCounts:
    """Per group (rows) and confusion cell (columns: tp, fp, fn, tn): rows, score sums and
    sums of squared scores."""

    counts: npt.NDArray[np.int64]  # (groups, 4)
    score_sum: Floats  # (groups, 4)
    score_sq: Floats  # (groups, 4)

    @classmethod
    def tally(
        cls,
        codes: npt.NDArray[np.int64],
        groups: int,
        flagged: npt.NDArray[np.bool_],
        label: npt.NDArray[np.bool_],
        score: Floats,
    ) -> GroupCounts:
        """Count each group's rows into the four cells."""
        cell = np.where(flagged, np.where(label, 0, 1), np.where(label, 2, 3))
        key = codes * 4 + cell
        size = groups * 4
        counts = np.bincount(key, minlength=size).reshape(groups, 4)
        sums = np.bincount(key, weights=score, minlength=size).reshape(groups, 4)
        squares = np.bincount(key, weights=score * score, minlength=size).reshape(groups, 4)
        return cls(counts.astype(np.int64), sums.astype(np.float64), squares.astype(np.float64))

    def rates(self) -> dict[str, Floats]:
        """Each group's rates from its counts."""
        return _rates(self.counts.astype(np.float64), self.score_sum)


def _rates(counts: Floats, score_sum: Floats) -> dict[str, Floats]:
    """Rates from (..., groups, 4) counts and score sums."""
    flagged_total = (counts[..., 0] + counts[..., 1]).sum(axis=-1, keepdims=True)
    return rates_from_counts(
        counts[..., 0],
        counts[..., 1],
        counts[..., 2],
        counts[..., 3],
        score_sum.sum(axis=-1),
        flagged_total,
    )


def resample_rates(tally: GroupCounts, resamples: int, seed: int | list[int]) -> dict[str, Floats]:
    """Every rate of every group in each of ``resamples`` bootstrap resamples:
    arrays of shape (resamples, groups)."""
    rng = np.random.default_rng(seed)
    flat = tally.counts.reshape(-1)
    rows = int(flat.sum())
    drawn = rng.multinomial(rows, flat / rows, size=resamples).astype(np.float64)
    counts = drawn.reshape(resamples, *tally.counts.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        safe = np.where(tally.counts > 0, tally.counts, 1)
        mean = tally.score_sum / safe
        variance = np.maximum(tally.score_sq / safe - mean * mean, 0.0)
    noise = rng.standard_normal(counts.shape)
    sums = counts * mean + np.sqrt(counts * variance) * noise
    return _rates(counts, sums)


def intervals(values: Floats, level: float = LEVEL) -> list[tuple[float, float] | None]:
    """The percentile interval of each group (column) of a (resamples, groups) array; None
    where most resamples leave the value undefined (a precision of a group never flagged)."""
    tail = (1 - level) / 2
    values = np.where(np.isfinite(values), values, np.nan)  # a ratio to a reference of 0
    defined = np.isfinite(values).sum(axis=0) >= 0.5 * len(values)
    out: list[tuple[float, float] | None] = [None] * values.shape[1]
    if defined.any():
        with np.errstate(invalid="ignore"):
            bounds = np.nanquantile(values[:, defined], [tail, 1 - tail], axis=0)
        for slot, column in enumerate(np.flatnonzero(defined)):
            out[column] = (float(bounds[0, slot]), float(bounds[1, slot]))
    return out


__all__ = ["RATES", "GroupCounts", "intervals", "resample_rates"]
