"""A plain Splink model, the yardstick earlyhelp's linkage must never fall below.

Splink's own library comparisons on whichever of the usual columns are present, its usual
training recipe, and connected components at match probability 0.5: what a competent analyst
would build in an afternoon from Splink's tutorials. Tests and benchmarks build it on the same
records as earlyhelp's linker, so the bar moves with Splink itself.
"""

from __future__ import annotations

import logging
from typing import Any

import duckdb
import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.exceptions import EMTrainingException

BASELINE_PROBABILITY = 0.5
IDENTIFIER_COLUMNS = ("nhs_number", "ni_number", "upn")


def _comparisons(columns: set[str]) -> list[ComparisonCreator]:
    out: list[ComparisonCreator] = [cl.NameComparison("first_name"), cl.NameComparison("surname")]
    if "dob" in columns:
        out.append(cl.DateOfBirthComparison("dob", input_is_string=True))
    if "address" in columns:
        out.append(cl.LevenshteinAtThresholds("address", [1, 3, 5]))
    if "postcode" in columns:
        out.append(cl.ExactMatch("postcode"))
    out.extend(cl.ExactMatch(c) for c in IDENTIFIER_COLUMNS if c in columns)
    return out


def _blocking(columns: set[str]) -> list[BlockingRuleCreator]:
    rules = [block_on("first_name", "surname")]
    rules += [block_on(c) for c in ("dob", "postcode") if c in columns]
    rules += [block_on(c) for c in IDENTIFIER_COLUMNS if c in columns]
    return rules


def baseline_clusters(
    records: pd.DataFrame, unique_id: str = "record_id", source_column: str | None = None
) -> pd.DataFrame:
    """``unique_id`` (and ``source_column``), ``cluster_id`` for every record.

    ``records`` holds text columns with canonical names (``first_name``, ``surname``, ``dob`` as
    ``YYYY-MM-DD``, ``address``, ``postcode``, identifiers); blanks are missing values. With a
    ``source_column`` the records are linked and deduplicated across its values.
    """
    frame = records.replace("", None)
    columns = set(frame.columns)
    if source_column is not None:
        frame = frame.assign(
            _uid=frame[source_column].astype(str) + "|" + frame[unique_id].astype(str)
        )
    else:
        frame = frame.assign(_uid=frame[unique_id].astype(str))
    con = duckdb.connect()
    try:
        db_api = DuckDBAPI(connection=con)
        settings = SettingsCreator(
            link_type="dedupe_only",
            unique_id_column_name="_uid",
            comparisons=list[ComparisonCreator | dict[str, Any]](_comparisons(columns)),
            blocking_rules_to_generate_predictions=list[BlockingRuleCreator | dict[str, Any]](
                _blocking(columns)
            ),
        )
        linker = Linker(db_api.register(frame), settings, log_level=logging.WARNING)
        strict: list[str | BlockingRuleCreator] = [
            block_on("first_name", "surname", "dob" if "dob" in columns else "postcode")
        ]
        linker.training.estimate_probability_two_random_records_match(strict, recall=0.7)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
        passes = [block_on("first_name", "surname")]
        passes += [block_on("dob")] if "dob" in columns else []
        for rule in passes:
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(rule)
            except (ValueError, EMTrainingException):
                continue
        predictions = linker.inference.predict(threshold_match_probability=BASELINE_PROBABILITY)
        clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=BASELINE_PROBABILITY
        )
        out = clustered.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    finally:
        con.close()
    keys = frame[[c for c in (source_column, unique_id) if c is not None] + ["_uid"]]
    joined = keys.merge(out[["_uid", "cluster_id"]], on="_uid", how="left")
    return joined.drop(columns="_uid")
