"""Linkage for files too small to train a model on: exact agreement only.

A dozen records hold too few pairs for Splink to estimate anything (its training divides by
the count of pairs that agree, and with none it fails), yet identical records in them are
plainly one person. Below ``MIN_RECORDS_TO_TRAIN`` records, or when training finds nothing to
learn from, records are linked only when first name, surname and date of birth all agree
after standardisation; anything less is left for a person to judge.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from earlyhelp.linkage.threshold import ThresholdChoice

MIN_RECORDS_TO_TRAIN = 50


def exact_clusters(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """``source, source_record_id, cluster_id, cluster_size`` by exact agreement."""
    frame = con.execute(
        f"""
        SELECT source, source_record_id, cluster_id,
               count(*) OVER (PARTITION BY cluster_id) AS cluster_size
        FROM (
            SELECT source, source_record_id,
                   CASE WHEN first_name IS NOT NULL AND surname IS NOT NULL AND dob IS NOT NULL
                        THEN first_name || '|' || surname || '|' || dob
                        ELSE 'record|' || unique_id END AS cluster_id
            FROM {table}
        )
        ORDER BY cluster_id, source, source_record_id
        """
    ).df()
    frame["cluster_size"] = frame["cluster_size"].astype("int64")
    return frame


def exact_choice(records: int) -> ThresholdChoice:
    """How the run decided, stated like a model's threshold."""
    return ThresholdChoice(
        match_weight=float("inf"),
        match_probability=1.0,
        estimated_precision=float("nan"),
        estimated_recall=float("nan"),
        pairs_above=0,
        bound=0.0,
        rule=f"exact agreement only ({records} records: too few to train a model)",
    )
