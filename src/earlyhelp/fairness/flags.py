"""Which rows an audit treats as flagged: a threshold, or the top K or top fraction of each
list. A team works a list of fixed length, so the top-K rule is the one that matches practice;
a threshold suits a file scored elsewhere."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from earlyhelp.errors import FairnessInputError

Rule = Literal["threshold", "top_k", "top_frac"]
TIES = (
    "equal scores are ranked by their order in the file (the earlier row first), so the same "
    "file always flags the same rows"
)


@dataclass(frozen=True)
class FlagRule:
    """A threshold (flag at or above it), or the top ``k`` / top ``fraction`` of each list
    (``per`` names the column whose values are separate lists, e.g. an as-of date)."""

    rule: Rule
    value: float
    per: str | None = None

    def __post_init__(self) -> None:
        if self.rule == "top_k" and (self.value < 0 or self.value != int(self.value)):
            raise FairnessInputError(f"--top-k must be a whole number >= 0, not {self.value}")
        if self.rule == "top_frac" and not 0 <= self.value <= 1:
            raise FairnessInputError(f"--top-frac must lie in [0, 1], not {self.value}")
        if self.rule == "threshold" and not math.isfinite(self.value):
            raise FairnessInputError(f"--threshold must be a finite number, not {self.value}")

    def flags(self, scores: npt.NDArray[np.float64], lists: pd.Series | None) -> npt.NDArray[Any]:
        """A boolean per row: flagged or not."""
        if self.rule == "threshold":
            return scores >= self.value
        groups = np.zeros(len(scores), dtype=np.int64) if lists is None else lists_codes(lists)
        # Rank within each list by score (highest first), then file order: one stable sort.
        order = np.lexsort((np.arange(len(scores)), -scores, groups))
        sorted_groups = groups[order]
        starts = np.searchsorted(sorted_groups, sorted_groups, side="left")
        rank = np.arange(len(scores)) - starts  # 0 for each list's highest score
        sizes = np.bincount(groups)[sorted_groups]
        if self.rule == "top_k":
            keep = rank < int(self.value)
        else:  # each list's top fraction, rounded half up (at least nothing, at most all)
            keep = rank < np.floor(self.value * sizes + 0.5)
        flagged = np.zeros(len(scores), dtype=bool)
        flagged[order] = keep
        return flagged

    def describe(self, flagged: int, rows: int, lists: int) -> dict[str, Any]:
        """The rule as the report records it."""
        described: dict[str, Any] = {"rule": self.rule, "value": self.value}
        if self.rule == "threshold":
            described["meaning"] = f"flagged when the score is at or above {self.value:g}"
        else:
            what = f"top {int(self.value)}" if self.rule == "top_k" else f"top {self.value:.2%}"
            where = f"of each value of {self.per!r}" if self.per else "of the file"
            described["meaning"] = f"flagged when among the {what} scores {where}"
            described["ties"] = TIES
            described["per"] = self.per
            described["lists"] = lists
        described.update(flagged=flagged, rows=rows)
        return described


def lists_codes(lists: pd.Series) -> npt.NDArray[np.int64]:
    """An integer per row naming its list (missing values form a list of their own)."""
    codes, _ = pd.factorize(lists, use_na_sentinel=False)
    return np.asarray(codes, dtype=np.int64)
