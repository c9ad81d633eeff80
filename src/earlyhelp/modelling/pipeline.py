"""`earlyhelp train` for one outcome: validate through time, measure beside the oracle where the
truth is known, fit the final model and keep it in the registry with its evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from earlyhelp.alerts.evidence import alert_evidence
from earlyhelp.fairness.lifecycle import model_reports, without_features
from earlyhelp.modelling.against_oracle import attach_oracle, compare
from earlyhelp.modelling.dataset import assemble
from earlyhelp.modelling.random_split import random_split_auc
from earlyhelp.modelling.registry import (
    Calibration,
    ModelRegistry,
    ModelVersion,
    TrainingWindow,
    frame_sha256,
)
from earlyhelp.modelling.train import (
    LIGHTGBM_SETTINGS,
    LOGISTIC_SETTINGS,
    Validation,
    capacity_for,
    fit_final,
    validate_outcome,
)
from earlyhelp.outcomes.base import Outcome


@dataclass
class Trained:
    """What training one outcome produced."""

    outcome: str
    validation: Validation
    metrics: dict[str, Any]
    version: ModelVersion


def train_outcome(
    con: duckdb.DuckDBPyConnection,
    outcome: Outcome,
    as_of: Sequence[dt.date],
    registry: ModelRegistry,
    truth: Path | None = None,
    capacity: int | None = None,
    seed: int = 1,
    exclude: Sequence[str] = (),
) -> Trained:
    """Validate, compare, fit and register one outcome's model (the feature matrix for
    ``as_of`` must be built: :func:`earlyhelp.features.build.create_feature_matrix`)."""
    full = assemble(con, outcome, as_of, reuse_features=True)
    data = without_features(full, exclude) if exclude else full  # features matching `exclude`
    capacity = capacity or capacity_for(data)
    validation = validate_outcome(data, capacity=capacity, seed=seed)
    metrics: dict[str, Any] = {
        **validation.lightgbm.as_dict(),
        "logistic": validation.logistic.as_dict(),
        "per_fold": validation.per_fold,
        **random_split_auc(data, seed),
        "alert_evidence": alert_evidence(validation.scores),
    }
    if truth is not None:
        beside = compare(
            attach_oracle(con, truth, outcome.name, outcome.unit, validation.scores), capacity
        )
        metrics.update(beside_oracle=beside, oracle_auc=beside["oracle_auc"])
        metrics["oracle_precision_at_capacity"] = beside["oracle_precision_at_capacity"]
    final = fit_final(data, validation, seed)
    version = registry.save(
        outcome.name,
        booster=final.booster,
        calibration=Calibration.from_arrays(final.calibration_x, final.calibration_y),
        features=final.features,
        training=TrainingWindow(**final.training, label_window_months=outcome.window_months),
        settings={
            "lightgbm": LIGHTGBM_SETTINGS,
            "logistic": LOGISTIC_SETTINGS,
            "seed": seed,
            "capacity_per_list": capacity,
            "outcome": outcome.description,
            "excluded_features": sorted(set(full.columns) - set(data.columns)),
        },
        data_hashes={
            "training_frame": frame_sha256(data),
            "loads": dict(con.execute("SELECT file, sha256 FROM current_load").fetchall()),
        },
        metrics=metrics,
        reports=model_reports(
            con, outcome, data, validation, capacity, seed, truth, full if exclude else None
        ),
    )
    return Trained(outcome.name, validation, metrics, version)
