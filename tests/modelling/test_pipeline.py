"""Training every outcome on a small linked council: registry, evidence and the oracle."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from earlyhelp.features.build import create_feature_matrix
from earlyhelp.features.describe import is_present
from earlyhelp.modelling.as_of import quarterly_as_of
from earlyhelp.modelling.dataset import assemble
from earlyhelp.modelling.pipeline import train_outcome
from earlyhelp.modelling.registry import ModelRegistry
from earlyhelp.modelling.score import SCORE_COLUMNS, score_outcome
from earlyhelp.outcomes.registry import OUTCOMES
from earlyhelp.warehouse.schema import connect

REQUIRED = [
    "outcome",
    "version",
    "auc",
    "auc_ci",
    "average_precision",
    "capacity",
    "precision_at_capacity",
    "recall_at_capacity",
    "ece",
    "brier",
    "base_rate",
    "oracle_auc",
    "oracle_precision_at_capacity",
]


@pytest.fixture(scope="module")
def trained(
    linked_small_council: Path,
    small_councils: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[ModelRegistry, dict[str, dict[str, object]]]:
    folder = tmp_path_factory.mktemp("trained")
    shutil.copy(linked_small_council, folder / "warehouse.duckdb")
    con = connect(folder / "warehouse.duckdb")
    dates = quarterly_as_of(con)
    create_feature_matrix(con, dates)
    registry = ModelRegistry(folder / "models")
    truth = small_councils["a"] / "truth"
    metrics = {
        name: train_outcome(con, outcome, dates, registry, truth).metrics
        for name, outcome in OUTCOMES.items()
    }
    con.close()
    return registry, metrics


def test_every_outcome_is_registered_with_its_evidence(
    trained: tuple[ModelRegistry, dict[str, dict[str, object]]],
) -> None:
    registry, _ = trained
    assert registry.outcomes() == sorted(OUTCOMES)
    for name in OUTCOMES:
        (version,) = registry.versions(name)
        stored = json.loads((version.path / "metrics.json").read_text())
        assert set(REQUIRED) <= set(stored), name
        assert stored["version"] == "v1"
        model = registry.get(name, "v1")
        assert model.training.first_as_of < model.training.last_as_of
        assert model.data_hashes["loads"], "the loads the model learned from are recorded"


def test_the_oracle_is_measured_on_the_models_own_rows(
    trained: tuple[ModelRegistry, dict[str, dict[str, object]]],
) -> None:
    _, metrics = trained
    for name, measured in metrics.items():
        beside = measured["beside_oracle"]
        assert isinstance(beside, dict)
        # Nearly every scored row maps to a unit of the oracle's cohort at that date.
        assert beside["rows_matched"] >= 0.95 * beside["rows_scored"], name
        assert 0.5 < beside["oracle_auc"] <= 1, name


def test_the_models_rank_better_than_chance_out_of_time(
    trained: tuple[ModelRegistry, dict[str, dict[str, object]]],
) -> None:
    _, metrics = trained
    # Debt is the commonest outcome and the best recorded: even a small council learns it.
    assert metrics["debt"]["auc"] > 0.75  # type: ignore[operator]
    for name, measured in metrics.items():
        assert measured["auc"] > 0.55, name  # type: ignore[operator]


def test_scores_carry_calibrated_risks_and_only_factors_present(
    trained: tuple[ModelRegistry, dict[str, dict[str, object]]],
) -> None:
    registry, _ = trained
    with connect(registry.root.parent / "warehouse.duckdb") as con:
        scores = latest_scores(registry, "youth_asb", con)
        day = scores["as_of"].iloc[0].date()
        rows = assemble(con, OUTCOMES["youth_asb"], [day]).set_index("unit_id")
    assert len(scores) > 100
    assert scores["risk"].between(0, 1).all()
    assert scores["risk"].is_monotonic_decreasing
    explained = scores[scores["top_factors"].map(len) > 0]
    assert len(explained) > 0.5 * len(scores)
    for _, row in explained.head(50).iterrows():
        for factor in row["top_factors"]:
            value = rows.loc[row["unit_id"], factor["feature"]]
            assert is_present(factor["feature"], value), factor
            assert factor["contribution"] > 0 and factor["text"]


def test_a_households_factors_say_they_are_about_one_member(
    trained: tuple[ModelRegistry, dict[str, dict[str, object]]],
) -> None:
    registry, _ = trained
    with connect(registry.root.parent / "warehouse.duckdb") as con:
        scores = latest_scores(registry, "homelessness", con)
    texts = [factor["text"] for listed in scores["top_factors"] for factor in listed]
    assert texts
    assert all(text.startswith("a member of the household: ") for text in texts)


def test_a_date_with_nobody_in_the_cohort_scores_nobody(
    trained: tuple[ModelRegistry, dict[str, dict[str, object]]],
) -> None:
    registry, _ = trained
    model = registry.get("debt", "v1")
    with connect(registry.root.parent / "warehouse.duckdb") as con:
        scores = score_outcome(con, OUTCOMES["debt"], model, dt.date(1990, 1, 1))
    assert scores.empty
    assert list(scores.columns) == list(SCORE_COLUMNS)


def latest_scores(
    registry: ModelRegistry, outcome: str, con: duckdb.DuckDBPyConnection
) -> pd.DataFrame:
    """The registered v1 model's scores at the last date it learned from."""
    model = registry.get(outcome, "v1")
    return score_outcome(con, OUTCOMES[outcome], model, model.training.last_as_of)


def test_a_random_split_by_row_overstates_what_later_years_see(
    trained: tuple[ModelRegistry, dict[str, dict[str, object]]],
) -> None:
    _, metrics = trained
    gaps = {
        name: float(measured["random_row_split_auc"]) - float(measured["auc"])  # type: ignore[arg-type]
        for name, measured in metrics.items()
    }
    # The reason the platform refuses random splits: rows of one child at neighbouring dates
    # land on both sides, and the figure flatters the model.
    # Measured here: 0.18, 0.09, 0.15 and 0.03 (debt's records change least between quarters).
    assert sum(gap > 0 for gap in gaps.values()) >= 3, gaps
    assert sum(gaps.values()) / len(gaps) > 0.05, gaps
