"""What training keeps beside each model for its audit and card: the fairness report at the
team's capacity, the curves the card plots, the label-bias finding where the synthetic truth
allows it, and, when features were excluded, the model with them measured side by side."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from earlyhelp.errors import ConfigurationError
from earlyhelp.fairness.curves import model_curves
from earlyhelp.fairness.label_bias import label_bias
from earlyhelp.fairness.training_audit import training_audit
from earlyhelp.modelling.against_oracle import attach_oracle
from earlyhelp.modelling.train import ID_COLUMNS, Validation, feature_columns, validate_outcome
from earlyhelp.outcomes.base import Outcome


def excluded_features(data: pd.DataFrame, patterns: Sequence[str]) -> list[str]:
    """The feature columns matching any of ``patterns`` (shell-style: ``imd_*``, ``age``)."""
    names = feature_columns(data)
    chosen = [n for n in names if any(fnmatch.fnmatchcase(n, p) for p in patterns)]
    unmatched = [p for p in patterns if not any(fnmatch.fnmatchcase(n, p) for n in names)]
    if unmatched:
        raise ConfigurationError(
            f"--exclude-feature {', '.join(unmatched)} matches no feature (features: "
            + ", ".join(names)
            + ")"
        )
    return chosen


def without_features(data: pd.DataFrame, patterns: Sequence[str]) -> pd.DataFrame:
    """The dataset without the features matching ``patterns`` (identifiers always kept)."""
    drop = [c for c in excluded_features(data, patterns) if c not in ID_COLUMNS]
    return data.drop(columns=drop)


def model_reports(
    con: duckdb.DuckDBPyConnection,
    outcome: Outcome,
    data: pd.DataFrame,
    validation: Validation,
    capacity: int,
    seed: int,
    truth: Path | None = None,
    full: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The reports a version keeps, by file name (see ``REPORT_FILES`` in the registry).

    ``data`` is what the model learned from; ``full`` (given when features were excluded) is
    the dataset with every feature, validated the same way for the comparison."""
    scores = validation.scores
    people = data if full is None else full  # age, sex and IMD even if the model lacks them
    if truth is not None:
        scores = attach_oracle(con, truth, outcome.name, outcome.unit, scores)
    reports: dict[str, Any] = {
        "fairness.json": training_audit(
            con, outcome.unit, people, validation.scores, capacity, seed
        ),
        "curves.json": model_curves(scores, capacity),
    }
    if truth is not None:
        bias = label_bias(
            con, truth, outcome.name, outcome.unit, people, validation.scores, capacity,
            outcome.window_months, seed,
        )  # fmt: skip
        if bias is not None:
            reports["label_bias.json"] = bias
    if full is not None:
        reports["comparison.json"] = comparison(con, outcome, data, full, capacity, seed)
    return reports


def comparison(
    con: duckdb.DuckDBPyConnection,
    outcome: Outcome,
    data: pd.DataFrame,
    full: pd.DataFrame,
    capacity: int,
    seed: int,
) -> dict[str, Any]:
    """The model with every feature, validated and audited as the registered one was."""
    kept = set(feature_columns(data))
    excluded = [c for c in feature_columns(full) if c not in kept]
    with_all = validate_outcome(full, capacity=capacity, seed=seed)
    return {
        "excluded": excluded,
        "with_all_features": {
            "metrics": with_all.lightgbm.as_dict(),
            "fairness": training_audit(con, outcome.unit, full, with_all.scores, capacity, seed),
        },
    }
