"""Score candidate pairs and group records into people (connected components).

Threshold. A pair is a link when its match weight is at least ``DEFAULT_MATCH_WEIGHT`` = 8
(a posterior match probability of about 0.996). Connected components is transitive, so one wrong
link merges two people's histories, which is worse for a council than a missed link; the
threshold is therefore chosen for the over-merge rate first and F1 second. It was set by sweeping
4-14 on synthetic councils against their truth (3,000 and 20,000 residents, standard mess):
below 8 the over-merge rate rises above 0.1% (twins and same-named relatives at one address);
above 8 recall falls faster than precision rises. Re-check it with ``evaluate`` on a labelled
sample before relying on it for another council.

For a council's own one-off files (``tools.py``) the default is 6: on FEBRL4 (two files of
5,000, one partner each) 8 leaves pairwise recall at 0.977 with precision 1.0, and 6 gives F1
0.991, at the cost of the synthetic councils' over-merge rate rising from ~0.10% to ~0.15%.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from splink import Linker
from splink.internals.splink_dataframe import SplinkDataFrame

DEFAULT_MATCH_WEIGHT = 8.0
FILE_MATCH_WEIGHT = 6.0  # tools.py: see the note on thresholds above
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
    pairs: pd.DataFrame | None = None


def predict_pairs(linker: Linker, threshold_match_weight: float) -> SplinkDataFrame:
    """Score every blocked pair, keeping those at or above the threshold."""
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


def link(
    linker: Linker,
    threshold_match_weight: float = DEFAULT_MATCH_WEIGHT,
    return_pairs: bool = False,
    cluster: bool = True,
) -> LinkResult:
    """Predict, threshold and cluster: every input record appears once in ``clusters``.

    Without ``cluster`` only the scored pairs are returned (``clusters`` is empty), for callers
    that cluster them their own way.
    """
    predictions = predict_pairs(linker, threshold_match_weight)
    clusters = (
        cluster_pairs(linker, predictions, threshold_match_weight)
        if cluster
        else pd.DataFrame(columns=["source", "source_record_id", "cluster_id", "cluster_size"])
    )
    pairs = None
    if return_pairs:
        pairs = predictions.as_pandas_dataframe()  # type: ignore[no-untyped-call]
        pairs = pairs[[c for c in PAIR_COLUMNS if c in pairs.columns]]
    return LinkResult(clusters=clusters, pairs=pairs)
