"""Linkage quality against a known truth: pairwise, B-cubed and over-merge.

Pairwise figures weight big clusters heavily (a cluster of n records holds n(n-1)/2 pairs);
B-cubed weights every record equally; over-merge counts the clusters that mix people, the
error a council can least afford. All are computed from cluster-by-person contingency counts,
never by listing pairs, so they stay cheap at a million records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class LinkageQuality:
    """Every figure is in [0, 1] except the counts."""

    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    over_merge_rate: float
    records: int
    predicted_clusters: int
    true_people: int
    cluster_sizes: dict[int, int] = field(default_factory=dict)  # size -> number of clusters


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def _key_columns(truth: pd.DataFrame) -> list[str]:
    return ["source", "source_record_id"] if "source" in truth.columns else ["source_record_id"]


def evaluate(clusters: pd.DataFrame, truth: pd.DataFrame) -> LinkageQuality:
    """Compare ``clusters`` (``[source,] source_record_id, cluster_id``) with ``truth``
    (``[source,] source_record_id, person_id``). Records are matched on source and id when the
    truth has a source column, on id alone otherwise; every clustered record needs a truth."""
    keys = _key_columns(truth)
    joined = clusters[[*keys, "cluster_id"]].merge(
        truth[[*keys, "person_id"]].drop_duplicates(keys), on=keys, how="left"
    )
    unknown = int(joined["person_id"].isna().sum())
    if unknown:
        raise ValueError(f"{unknown} clustered record(s) have no entry in the truth")

    cells = joined.groupby(["cluster_id", "person_id"]).size()
    pred_sizes = joined.groupby("cluster_id").size()
    true_sizes = joined.groupby("person_id").size()

    together = _pairs(cells)
    predicted, actual = _pairs(pred_sizes), _pairs(true_sizes)
    precision = together / predicted if predicted else 1.0
    recall = together / actual if actual else 1.0

    # B-cubed: each record's share of its cluster that is truly it, and of itself that is in it.
    # A cell of c records in a cluster of size p and a person of size t contributes c * c/p to
    # precision and c * c/t to recall.
    cell_frame = cells.rename("c").reset_index()
    c = cell_frame["c"]
    p = cell_frame["cluster_id"].map(pred_sizes)
    t = cell_frame["person_id"].map(true_sizes)
    n = len(joined)
    b_precision = float((c * c / p).sum() / n) if n else 1.0
    b_recall = float((c * c / t).sum() / n) if n else 1.0

    people_per_cluster = cell_frame.groupby("cluster_id").size()
    over_merge = float((people_per_cluster > 1).mean()) if len(people_per_cluster) else 0.0
    size_counts = pred_sizes.value_counts().sort_index()

    return LinkageQuality(
        pairwise_precision=precision,
        pairwise_recall=recall,
        pairwise_f1=_f1(precision, recall),
        bcubed_precision=b_precision,
        bcubed_recall=b_recall,
        bcubed_f1=_f1(b_precision, b_recall),
        over_merge_rate=over_merge,
        records=n,
        predicted_clusters=len(pred_sizes),
        true_people=len(true_sizes),
        cluster_sizes={int(str(k)): int(v) for k, v in size_counts.items()},
    )
