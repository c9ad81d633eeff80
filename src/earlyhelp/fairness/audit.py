"""The fairness audit of one scored table: per group of each group column (and each
intersection), every rate with a bootstrap interval, its disparity to a reference group with
an interval, and a judgement within a tolerance band.

The band is a convention (0.8 to 1.25: the "four-fifths" rule and its inverse), not a legal
test. A disparity whose interval is wider than the band (on the ratio scale: high / low greater
than 1.25 / 0.8) cannot be told from either edge, so the group is reported as too small to judge
rather than passed or failed, unless the whole interval lies outside the band; so is one whose
disparity is undefined, or whose rate rests on fewer than ``min_rows`` rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from earlyhelp.errors import FairnessInputError
from earlyhelp.fairness.bootstrap import GroupCounts, intervals, resample_rates
from earlyhelp.fairness.flags import FlagRule
from earlyhelp.fairness.group_metrics import point_estimates
from earlyhelp.fairness.rates import RATES
from earlyhelp.fairness.table import MISSING, group_values, prepare

BAND = (0.8, 1.25)
BAND_NOTE = (
    "a convention (the four-fifths rule and its inverse) for reading disparities, not a legal "
    "test of discrimination"
)
# The disparities that pass or fail a model: who is flagged, and the errors made about them
# (aequitas's set). The rest (precision, recall, calibration, ppr) are reported, not judged:
# ppr depends on how large a group is, and precision/tpr are fdr/fnr read the other way.
JUDGED = ("pprev", "fpr", "fnr", "fdr", "for")
# The rows each judged rate is a share of, as the confusion cells (tp, fp, fn, tn) summed.
DENOMINATOR_CELLS = {
    "pprev": (0, 1, 2, 3),
    "fpr": (1, 3),
    "fnr": (0, 2),
    "fdr": (0, 1),
    "for": (2, 3),
    "precision": (0, 1),
    "tpr": (0, 2),
    "tnr": (1, 3),
}
# Below this many rows in a rate's denominator a group is too small to judge whatever its
# interval says: a rate of 0 or 1 among a handful of rows resamples to itself, so the bootstrap
# shows no uncertainty where there is most.
MIN_ROWS = 10
JOIN = " & "  # between the columns of an intersection, and between their values


@dataclass(frozen=True)
class AuditSpec:
    """What to audit: the columns, the flag rule, the reference groups and the bootstrap."""

    score: str
    label: str
    groups: Sequence[str]
    flag: FlagRule
    intersections: Sequence[Sequence[str]] = ()
    reference: dict[str, str] = field(default_factory=dict)
    bootstrap: int = 1000
    seed: int = 0
    band: tuple[float, float] = BAND
    judged: Sequence[str] = JUDGED
    min_rows: int = MIN_ROWS
    rank_by: str | None = None  # flag by this column (default: the score)

    def keys(self) -> list[str]:
        """Every group column's name in the report, intersections named ``a & b``."""
        return [*self.groups, *(JOIN.join(parts) for parts in self.intersections)]


def audit(frame: pd.DataFrame, spec: AuditSpec, source: str = "the scored table") -> dict[str, Any]:
    """The audit report of ``frame`` (``source`` names it in errors), as plain JSON values."""
    if spec.bootstrap < 0:
        raise FairnessInputError(f"--bootstrap must be >= 0, not {spec.bootstrap}")
    low, high = spec.band
    if not 0 < low < 1 < high:
        raise FairnessInputError(f"the band must be low < 1 < high, not {spec.band}")
    data = prepare(frame, spec, source)
    score = data.score
    flagged = spec.flag.flags(data.rank, data.lists)
    lists = 1 if data.lists is None else int(data.lists.nunique(dropna=False))
    report: dict[str, Any] = {
        "source": source,
        "rows": len(score),
        "score": spec.score,
        "ranked_by": spec.rank_by or spec.score,
        "label": spec.label,
        "flag_rule": spec.flag.describe(int(flagged.sum()), len(score), lists),
        "groups": list(spec.groups),
        "intersections": [list(parts) for parts in spec.intersections],
        "missing_group_value": MISSING,
        "bootstrap": {
            "resamples": spec.bootstrap,
            "seed": spec.seed,
            "level": 0.95,
            "method": "percentile intervals of a row bootstrap, drawn as multinomial counts",
        },
        "band": list(spec.band),
        "band_note": BAND_NOTE,
        "judged": list(spec.judged),
        "metrics": {},
        "reference": {},
        "reference_chosen": {},
        "disparities": {},
        "failures": [],
        "too_small": [],
    }
    for index, key in enumerate(spec.keys()):
        values = group_values(data.frame, key.split(JOIN), JOIN)
        one = _audit_column(key, values, data.label, flagged, score, spec, index)
        for part in ("metrics", "reference", "reference_chosen", "disparities"):
            report[part][key] = one[part]
        report["failures"].extend(one["failures"])
        report["too_small"].extend(one["too_small"])
    report["passed"] = not report["failures"]
    plain: dict[str, Any] = _plain(report)
    return plain


def _audit_column(
    key: str,
    values: pd.Series,
    label: np.ndarray,
    flagged: np.ndarray,
    score: np.ndarray,
    spec: AuditSpec,
    index: int,
) -> dict[str, Any]:
    """One group column's part of the report."""
    codes, uniques = pd.factorize(values, sort=True)
    names = [str(name) for name in uniques]
    tally = GroupCounts.tally(codes.astype(np.int64), len(names), flagged, label, score)
    points = point_estimates(tally, names)
    reference, chosen = _reference(key, points, spec.reference.get(key))
    resampled = resample_rates(tally, spec.bootstrap, [spec.seed, index]) if spec.bootstrap else {}
    ref = names.index(reference)
    metrics: dict[str, dict[str, Any]] = {}
    disparities: dict[str, dict[str, Any]] = {}
    failures: list[dict[str, Any]] = []
    too_small: list[dict[str, Any]] = []
    rate_cis = {name: intervals(resampled[name]) for name in RATES} if resampled else {}
    ratio_cis = {}
    if resampled:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio_cis = {
                name: intervals(resampled[name] / resampled[name][:, [ref]]) for name in RATES
            }
    table = {column: points[column].to_numpy(dtype=np.float64) for column in points.columns}
    for g, name in enumerate(names):
        measured: dict[str, Any] = {"n": int(table["n"][g])}
        ratios: dict[str, Any] = {}
        for rate in RATES:
            measured[rate] = float(table[rate][g])
            measured[f"{rate}_ci"] = rate_cis[rate][g] if rate_cis else None
            if rate == "calibration_gap":
                continue  # a difference, not a rate: its ratio means nothing
            base = float(table[rate][ref])
            ratio = float(table[rate][g]) / base if base else float("nan")
            ratios[rate] = ratio
            ratios[f"{rate}_ci"] = ratio_cis[rate][g] if ratio_cis else None
        metrics[name] = measured
        if name == reference:
            disparities[name] = ratios
            continue
        disparities[name] = ratios
        for rate in spec.judged:
            cells = list(DENOMINATOR_CELLS.get(rate, (0, 1, 2, 3)))
            fewest = int(min(tally.counts[g, cells].sum(), tally.counts[ref, cells].sum()))
            verdict = (
                f"only {fewest} rows in the rate's denominator here or in the reference "
                f"(fewer than {spec.min_rows})"
                if fewest < spec.min_rows
                else _judge(ratios[rate], ratios[f"{rate}_ci"], spec.band, bool(resampled))
            )
            entry = {
                "group": key,
                "value": name,
                "metric": rate,
                "disparity": ratios[rate],
                "ci": ratios[f"{rate}_ci"],
                "n": measured["n"],
            }
            if verdict == "fail":
                failures.append(entry)
            elif verdict != "pass":
                too_small.append({**entry, "reason": verdict})
    return {
        "metrics": metrics,
        "reference": reference,
        "reference_chosen": chosen,
        "disparities": disparities,
        "failures": failures,
        "too_small": too_small,
    }


def _reference(key: str, points: pd.DataFrame, given: str | None) -> tuple[str, str]:
    """The reference group: the one given, else the largest (the first in order of a tie)."""
    if given is not None:
        if given not in points.index:
            raise FairnessInputError(
                f"--reference {key}={given}: {key!r} has no group {given!r} "
                f"(its groups: {', '.join(points.index)})"
            )
        return given, "given"
    sizes = points["n"]
    return str(sizes.index[int(np.argmax(sizes.to_numpy()))]), "largest group"


def _judge(
    ratio: float, ci: tuple[float, float] | None, band: tuple[float, float], intervals: bool
) -> str:
    """pass, fail, or why the group is too small to judge (without a bootstrap, the point
    estimate alone is judged)."""
    low, high = band
    if not math.isfinite(ratio) or (intervals and ci is None):
        return "disparity undefined (no rows of the kind it is a rate of)"
    if ci is not None and (ci[1] < low or ci[0] > high):
        return "fail"  # wholly outside the band: conclusive however wide
    if ci is not None and (ci[0] <= 0 or ci[1] / ci[0] > high / low):
        return f"interval {ci[0]:.2f} to {ci[1]:.2f} is wider than the band"
    return "pass" if low <= ratio <= high else "fail"


def _plain(value: Any) -> Any:
    """JSON values: NaN and infinities as null, tuples as lists, numpy numbers as Python."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
