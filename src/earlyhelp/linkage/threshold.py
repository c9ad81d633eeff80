"""The clustering threshold of each run, chosen from the trained model itself.

A threshold tuned on one data set (the synthetic council's match weight 6, say) loses a large
share of true matches on files spelled otherwise. Instead each run reads its own scored pairs:
Splink's match probability p of a pair is the model's own estimate that it is a match, so above
a threshold t the expected true links are the sum of p, the expected false links the sum of
1 - p, and the expected matches in all scored pairs the sum of p over them. From these follow
the model's estimated precision and recall at every t; the run takes the t of the highest
estimated F1 among those whose estimated share of false links is at most a stated bound
(``MAX_FALSE_LINK_SHARE`` for files, ``COUNCIL_MAX_FALSE_LINK_SHARE`` for the warehouse:
over-merging costs a council more than a missed link), and reports
what it chose and why. A fixed threshold can still be given; then it is reported the same way.

These are the model's estimates, not measurements: the clerical review sample measures them.
"""

from __future__ import annotations

from dataclasses import dataclass

from splink import Linker
from splink.internals.splink_dataframe import SplinkDataFrame

SCORE_FLOOR_MATCH_WEIGHT = -10.0  # pairs below this (p < 0.001) add nothing to the estimates
# The stated bound on the share of links expected false: 1 in 200 for a one-off file, 1 in
# 1,000 for the warehouse, whose links become the stable person ids every service and model
# sees (on the demo council the looser bound let over-merging reach 0.1%).
MAX_FALSE_LINK_SHARE = 0.005
COUNCIL_MAX_FALSE_LINK_SHARE = 0.001
LOWEST_MATCH_WEIGHT = 0.0  # never link a pair the model thinks more likely a non-match
STEP = 0.25  # thresholds are tried every quarter bit


@dataclass(frozen=True)
class ThresholdChoice:
    """The threshold of a run and the model's estimates there."""

    match_weight: float
    match_probability: float
    estimated_precision: float
    estimated_recall: float
    pairs_above: int
    bound: float  # the largest share of links expected false that the rule allowed
    rule: str  # "model" (chosen here), "fixed" (given by a setting), or why neither

    @property
    def estimated_f1(self) -> float:
        p, r = self.estimated_precision, self.estimated_recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def describe(self) -> str:
        """One sentence for a person: what was chosen and why."""
        if self.rule not in ("model", "fixed"):
            return f"linked by {self.rule}"
        how = (
            f"chosen from the model (highest estimated F1 with at most "
            f"{self.bound:.1%} of links expected false)"
            if self.rule == "model"
            else "fixed by a setting"
        )
        return (
            f"threshold match weight {self.match_weight:g} (probability "
            f"{self.match_probability:.4f}), {how}: estimated precision "
            f"{self.estimated_precision:.4f}, recall {self.estimated_recall:.4f}, "
            f"{self.pairs_above:,} links"
        )


def probability(match_weight: float) -> float:
    """The match probability of a match weight (Splink's log2 Bayes factor)."""
    return float(1.0 / (1.0 + 2.0 ** (-match_weight)))


def _curve(linker: Linker, predictions: SplinkDataFrame) -> list[tuple[float, int, float]]:
    """(t, links at or above t, expected true links at or above t) for every step t, from the
    highest weight down; summed in SQL so that a million records' pairs never reach Python."""
    sql = f"""
        WITH steps AS (
            SELECT floor(match_weight / {STEP}) * {STEP} AS t, count(*) AS n,
                   sum(match_probability) AS s
            FROM {predictions.physical_name} GROUP BY 1
        )
        SELECT t, sum(n) OVER w AS n_above, sum(s) OVER w AS s_above FROM steps
        WINDOW w AS (ORDER BY t DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        ORDER BY t DESC
    """
    frame = linker.misc.query_sql(sql, output_type="pandas")  # type: ignore[no-untyped-call]
    return [
        (float(t), int(n), float(s))
        for t, n, s in zip(frame["t"], frame["n_above"], frame["s_above"], strict=True)
    ]


def estimates_at(
    curve: list[tuple[float, int, float]], match_weight: float
) -> tuple[float, float, int]:
    """Estimated precision, recall and links at ``match_weight`` from the curve."""
    expected_matches = curve[-1][2] if curve else 0.0
    n, s = 0, 0.0
    for t, n_above, s_above in curve:
        if t < match_weight:
            break
        n, s = n_above, s_above
    precision = s / n if n else 1.0
    recall = s / expected_matches if expected_matches else 1.0
    return precision, recall, n


def choose_threshold(
    linker: Linker,
    predictions: SplinkDataFrame,
    fixed_match_weight: float | None = None,
    max_false_link_share: float = MAX_FALSE_LINK_SHARE,
) -> ThresholdChoice:
    """The run's threshold: ``fixed_match_weight`` if given, else the model's choice."""
    return pick(_curve(linker, predictions), fixed_match_weight, max_false_link_share)


def pick(
    curve: list[tuple[float, int, float]],
    fixed_match_weight: float | None = None,
    max_false_link_share: float = MAX_FALSE_LINK_SHARE,
) -> ThresholdChoice:
    """The rule itself, on a curve of (t, links at or above t, expected true links there)."""
    if fixed_match_weight is not None:
        p, r, n = estimates_at(curve, fixed_match_weight)
        return ThresholdChoice(
            fixed_match_weight,
            probability(fixed_match_weight),
            p,
            r,
            n,
            max_false_link_share,
            "fixed",
        )
    expected_matches = curve[-1][2] if curve else 0.0
    best: ThresholdChoice | None = None
    for t, n, s in curve:
        if t < LOWEST_MATCH_WEIGHT:
            break
        precision = s / n if n else 1.0
        recall = s / expected_matches if expected_matches else 1.0
        if 1 - precision > max_false_link_share:
            continue
        choice = ThresholdChoice(
            t, probability(t), precision, recall, n, max_false_link_share, "model"
        )
        if best is None or choice.estimated_f1 > best.estimated_f1 + 1e-12:
            best = choice
    if best is None:  # nothing scored, or no step precise enough: link only the surest
        t = curve[0][0] if curve else LOWEST_MATCH_WEIGHT
        p, r, n = estimates_at(curve, t)
        best = ThresholdChoice(t, probability(t), p, r, n, max_false_link_share, "model")
    return best
