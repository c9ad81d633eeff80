"""Score candidate pairs and group records into people (connected components).

The threshold of each run is chosen from the trained model (``threshold.py``), unless a setting
fixes it. Every pair down to a match weight of -10 is scored so that the model's estimates of
precision and recall can be read off them; only the pairs at or above the chosen threshold are
clustered or returned.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from splink import Linker
from splink.internals.splink_dataframe import SplinkDataFrame

from earlyhelp.linkage.model import IDENTIFIERS
from earlyhelp.linkage.threshold import (
    MAX_FALSE_LINK_SHARE,
    SCORE_FLOOR_MATCH_WEIGHT,
    ThresholdChoice,
    choose_threshold,
)

PAIR_COLUMNS = [
    "unique_id_l",
    "unique_id_r",
    "source_l",
    "source_record_id_l",
    "source_r",
    "source_record_id_r",
    "match_weight",
    "match_probability",
]


@dataclass(frozen=True)
class LinkResult:
    """Records with their cluster, and (when asked for) the scored pairs behind the clusters."""

    clusters: pd.DataFrame  # source, source_record_id, cluster_id, cluster_size
    threshold: ThresholdChoice
    pairs: pd.DataFrame | None = None


def predict_pairs(
    linker: Linker, threshold_match_weight: float = SCORE_FLOOR_MATCH_WEIGHT
) -> SplinkDataFrame:
    """Score every blocked pair, keeping those at or above ``threshold_match_weight``."""
    return linker.inference.predict(
        threshold_match_weight=threshold_match_weight, warning_mode="never"
    )


def cluster_pairs(
    linker: Linker, predictions: SplinkDataFrame, threshold_match_weight: float
) -> pd.DataFrame:
    """Connected components over links at or above the threshold, with each cluster's size."""
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_weight=threshold_match_weight
    )
    sql = f"""
        SELECT source, source_record_id, cluster_id,
               count(*) OVER (PARTITION BY cluster_id) AS cluster_size
        FROM {clustered.physical_name}
        ORDER BY cluster_id, source, source_record_id
    """
    frame = linker.misc.query_sql(sql, output_type="pandas")  # type: ignore[no-untyped-call]
    assert isinstance(frame, pd.DataFrame)
    frame["cluster_size"] = frame["cluster_size"].astype("int64")
    return frame


NAMELESS = (
    "first_name_l IS NULL AND surname_l IS NULL AND first_name_r IS NULL AND surname_r IS NULL"
)


def _named_or_identified(linker: Linker, predictions: SplinkDataFrame) -> SplinkDataFrame:
    """The pairs, less those where neither record has a name and no identifier agrees.

    Two blank names are not agreement: a date of birth and an address shared by two nameless
    records (a name in a script that was read as nothing, say) is what a family shares, not
    evidence of one person. Splink scores missing names as neutral, so the rule is kept here.
    """
    columns = {c.unquote().name for c in predictions.columns}
    agree = [f"{c}_l = {c}_r" for c in IDENTIFIERS if f"{c}_l" in columns]
    keep = f"NOT ({NAMELESS})" + "".join(f" OR {a}" for a in agree)
    sql = f"SELECT * FROM {predictions.physical_name} WHERE {keep}"
    return linker.misc.query_sql(sql, output_type="splink_df")  # type: ignore[no-untyped-call,no-any-return]


def link(
    linker: Linker,
    threshold_match_weight: float | None = None,
    return_pairs: bool = False,
    cluster: bool = True,
    max_false_link_share: float = MAX_FALSE_LINK_SHARE,
) -> LinkResult:
    """Predict, choose the threshold (or take ``threshold_match_weight``) and cluster: every
    input record appears once in ``clusters``.

    Without ``cluster`` only the scored pairs at or above the threshold are returned
    (``clusters`` is empty), for callers that cluster them their own way.
    """
    floor = SCORE_FLOOR_MATCH_WEIGHT
    if threshold_match_weight is not None:
        floor = min(floor, threshold_match_weight)
    predictions = _named_or_identified(linker, predict_pairs(linker, floor))
    choice = choose_threshold(linker, predictions, threshold_match_weight, max_false_link_share)
    clusters = (
        cluster_pairs(linker, predictions, choice.match_weight)
        if cluster
        else pd.DataFrame(columns=["source", "source_record_id", "cluster_id", "cluster_size"])
    )
    pairs = None
    if return_pairs:
        columns = ", ".join(
            c for c in PAIR_COLUMNS if c in {col.unquote().name for col in predictions.columns}
        )
        sql = (
            f"SELECT {columns} FROM {predictions.physical_name} "
            f"WHERE match_weight >= {choice.match_weight}"
        )
        pairs = linker.misc.query_sql(sql, output_type="pandas")  # type: ignore[no-untyped-call]
    return LinkResult(clusters=clusters, threshold=choice, pairs=pairs)
