"""The model registry: versions kept as text, listed in order, reloaded exactly, promoted on
the record, and never half-written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from sklearn.isotonic import IsotonicRegression

from earlyhelp.modelling import registry as registry_module
from earlyhelp.modelling.registry import (
    Calibration,
    ModelRegistry,
    RegistryError,
    TrainingWindow,
    frame_sha256,
)

FEATURES = ["referrals_12m", "absence_rate", "arrears"]
Trained = tuple[pd.DataFrame, lgb.Booster, IsotonicRegression]


def training_frame(seed: int = 0, rows: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({name: rng.normal(size=rows) for name in FEATURES})
    chance = 1 / (1 + np.exp(-(-1.5 + 1.2 * frame["referrals_12m"] - 0.6 * frame["arrears"])))
    frame["label"] = rng.random(rows) < chance
    return frame


def fit(frame: pd.DataFrame) -> tuple[lgb.Booster, IsotonicRegression]:
    params = {
        "objective": "binary",
        "num_leaves": 7,
        "min_data_in_leaf": 20,
        "num_threads": 1,  # a tiny model: threads only wait on each other
        "verbose": -1,
    }
    booster = lgb.train(params, lgb.Dataset(frame[FEATURES], frame["label"]), num_boost_round=15)
    isotonic = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    isotonic.fit(booster.predict(frame[FEATURES]), frame["label"])
    return booster, isotonic


def measures(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "auc": 0.71,
        "auc_ci": (0.66, 0.75),
        "average_precision": 0.3,
        "capacity": np.int64(20),
        "precision_at_capacity": np.float64(0.45),
        "recall_at_capacity": 0.2,
        "ece": 0.02,
        "brier": 0.15,
        "base_rate": 0.22,
        "precision_top_5pct": 0.5,
        "folds": [{"test_year": 2023, "auc": 0.7}, {"test_year": 2024, "auc": float("nan")}],
    }
    values.update(changes)
    return values


def save(
    registry: ModelRegistry,
    booster: lgb.Booster,
    isotonic: IsotonicRegression,
    frame: pd.DataFrame,
    outcome: str = "safeguarding",
    metrics: dict[str, Any] | None = None,
) -> registry_module.ModelVersion:
    return registry.save(
        outcome,
        booster=booster,
        calibration=Calibration.from_isotonic(isotonic),
        features=FEATURES,
        training=TrainingWindow(
            first_as_of=dt.date(2020, 1, 1),
            last_as_of=dt.date(2023, 10, 1),
            label_window_months=12,
            rows=len(frame),
            positives=int(frame["label"].sum()),
        ),
        settings={"num_leaves": 7, "num_boost_round": 15, "capacity_share": 0.05},
        data_hashes={"training_frame": frame_sha256(frame), "lineage": {"csc.csv": "ab" * 32}},
        metrics=measures() if metrics is None else metrics,
    )


@pytest.fixture(scope="module")
def trained() -> Trained:
    frame = training_frame()
    booster, isotonic = fit(frame)
    return frame, booster, isotonic


def test_versions_list_in_order_and_linkage_is_not_an_outcome(
    tmp_path: Path, trained: Trained
) -> None:
    frame, booster, isotonic = trained
    (tmp_path / "linkage").mkdir()
    (tmp_path / "linkage" / "settings.json").write_text("{}")
    registry = ModelRegistry(tmp_path)
    first = save(registry, booster, isotonic, frame)
    second = save(registry, booster, isotonic, frame, metrics=measures(auc=0.74))
    save(registry, booster, isotonic, frame, outcome="debt")

    listed = registry.versions("safeguarding")
    assert [v.version for v in listed] == ["v1", "v2"] == [first.version, second.version]
    assert [v.metrics.auc for v in listed] == [0.71, 0.74]
    assert listed[1].metrics.version == "v2" and listed[1].metrics.outcome == "safeguarding"
    assert dt.datetime.fromisoformat(listed[0].created).utcoffset() == dt.timedelta(0)
    assert registry.outcomes() == ["debt", "safeguarding"]
    assert sorted(p.name for p in listed[0].path.iterdir()) == sorted(
        [*registry_module.VERSION_FILES, "metrics.json", "version.json"]
    )
    with pytest.raises(RegistryError, match="linkage"):
        save(registry, booster, isotonic, frame, outcome="linkage")


def test_metrics_without_a_required_measure_are_refused_by_name(
    tmp_path: Path, trained: Trained
) -> None:
    frame, booster, isotonic = trained
    registry = ModelRegistry(tmp_path)
    incomplete = measures()
    del incomplete["ece"]
    with pytest.raises(RegistryError, match=r"missing required key\(s\) ece"):
        save(registry, booster, isotonic, frame, metrics=incomplete)
    with pytest.raises(RegistryError, match="auc"):
        save(registry, booster, isotonic, frame, metrics=measures(auc=1.7))
    assert not (tmp_path / "safeguarding").exists()


def test_a_reloaded_version_predicts_exactly_as_the_model_in_memory(
    tmp_path: Path, trained: Trained
) -> None:
    frame, booster, isotonic = trained
    registry = ModelRegistry(tmp_path)
    save(registry, booster, isotonic, frame)
    loaded = registry.get("safeguarding", "v1")

    fresh = training_frame(seed=5)
    shuffled = fresh[["arrears", "label", "referrals_12m", "absence_rate"]]  # other order, extra
    raw = booster.predict(fresh[FEATURES])
    np.testing.assert_array_equal(loaded.predict_raw(shuffled), raw)
    np.testing.assert_array_equal(loaded.predict(shuffled), loaded.calibrate(raw))
    assert loaded.features == tuple(FEATURES)
    assert loaded.metrics["folds"][1] == {"test_year": 2024, "auc": None}
    assert loaded.training.positives == int(frame["label"].sum())
    assert loaded.data_hashes["training_frame"] == frame_sha256(frame)
    assert (loaded.entry.path / "model.txt").read_text().startswith("tree\n")  # LightGBM's text
    with pytest.raises(RegistryError, match="absence_rate, arrears"):
        loaded.predict(fresh[["referrals_12m"]])


def test_the_stored_calibration_is_the_isotonic_regression(
    tmp_path: Path, trained: Trained
) -> None:
    frame, booster, isotonic = trained
    registry = ModelRegistry(tmp_path)
    save(registry, booster, isotonic, frame)
    loaded = registry.get("safeguarding", 1)
    raw = np.concatenate([[0.0, 1e-6, 0.999, 1.0], np.random.default_rng(2).random(500)])
    np.testing.assert_allclose(loaded.calibrate(raw), isotonic.predict(raw), rtol=0, atol=1e-12)
    stored = json.loads((loaded.entry.path / "calibration.json").read_text())
    assert stored["x"] == isotonic.X_thresholds_.tolist()


def test_promotion_records_who_when_why_and_keeps_the_history(
    tmp_path: Path, trained: Trained
) -> None:
    frame, booster, isotonic = trained
    registry = ModelRegistry(tmp_path)
    save(registry, booster, isotonic, frame)
    save(registry, booster, isotonic, frame)
    assert registry.promoted("safeguarding") is None

    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    registry.promote("safeguarding", "v1", by="a.analyst", reason="first validated model")
    record = registry.promote("safeguarding", "v2", by="b.manager", reason="better precision")
    after = dt.datetime.now(dt.UTC)

    assert registry.promoted("safeguarding") == "v2"
    assert registry.get("safeguarding").version == "v2"
    assert (record.by, record.reason, record.previous) == ("b.manager", "better precision", "v1")
    assert before <= dt.datetime.fromisoformat(record.at) <= after
    pointer = json.loads((tmp_path / "safeguarding" / "promoted.json").read_text())
    assert pointer["version"] == "v2" and pointer["by"] == "b.manager"
    history = registry.promotions("safeguarding")
    assert [(p.version, p.by, p.reason) for p in history] == [
        ("v1", "a.analyst", "first validated model"),
        ("v2", "b.manager", "better precision"),
    ]
    with pytest.raises(RegistryError, match="v7"):
        registry.promote("safeguarding", "v7", by="a.analyst", reason="typo")
    with pytest.raises(RegistryError, match="reason"):
        registry.promote("safeguarding", "v1", by="a.analyst", reason=" ")
    assert len(registry.promotions("safeguarding")) == 2


def test_the_promoted_model_cannot_be_loaded_before_a_promotion(
    tmp_path: Path, trained: Trained
) -> None:
    frame, booster, isotonic = trained
    registry = ModelRegistry(tmp_path)
    save(registry, booster, isotonic, frame)
    with pytest.raises(RegistryError, match=r"no version of 'safeguarding' has been promoted"):
        registry.get("safeguarding")
    with pytest.raises(RegistryError, match="no version v3"):
        registry.get("safeguarding", "v3")


def test_an_interrupted_save_leaves_no_version(
    tmp_path: Path, trained: Trained, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame, booster, isotonic = trained
    registry = ModelRegistry(tmp_path)
    save(registry, booster, isotonic, frame)
    write = registry_module._write_text

    def crash_at_metrics(path: Path, text: str) -> None:
        if path.name == "metrics.json":
            assert (path.parent / "model.txt").is_file()  # the save is part-way through
            raise KeyboardInterrupt
        write(path, text)

    with monkeypatch.context() as patch:
        patch.setattr(registry_module, "_write_text", crash_at_metrics)
        with pytest.raises(KeyboardInterrupt):
            save(registry, booster, isotonic, frame)
    assert [v.version for v in registry.versions("safeguarding")] == ["v1"]
    assert sorted(p.name for p in (tmp_path / "safeguarding").iterdir()) == ["v1"]

    # A harder crash leaves its hidden folder behind: it is never listed, nor is a stray folder.
    (tmp_path / "safeguarding" / ".partial-0123").mkdir()
    (tmp_path / "safeguarding" / ".partial-0123" / "model.txt").write_text("tree")
    (tmp_path / "safeguarding" / "v2").mkdir()
    (tmp_path / "safeguarding" / "v2" / "model.txt").write_text("tree")
    assert [v.version for v in registry.versions("safeguarding")] == ["v1"]
    assert save(registry, booster, isotonic, frame).version == "v3"


def test_a_version_changed_after_saving_is_refused(tmp_path: Path, trained: Trained) -> None:
    frame, booster, isotonic = trained
    registry = ModelRegistry(tmp_path)
    saved = save(registry, booster, isotonic, frame)
    model = saved.path / "model.txt"
    model.write_text(model.read_text() + "\n")
    with pytest.raises(RegistryError, match="changed since it was saved"):
        registry.get("safeguarding", "v1")


def test_features_that_are_not_the_models_are_refused(tmp_path: Path, trained: Trained) -> None:
    _, booster, isotonic = trained
    registry = ModelRegistry(tmp_path)
    with pytest.raises(RegistryError, match="differ from the model's"):
        registry.save(
            "safeguarding",
            booster=booster,
            calibration=Calibration.from_isotonic(isotonic),
            features=list(reversed(FEATURES)),
            training=TrainingWindow(
                first_as_of=dt.date(2020, 1, 1),
                last_as_of=dt.date(2023, 10, 1),
                label_window_months=12,
                rows=1,
                positives=0,
            ),
            settings={},
            data_hashes={},
            metrics=measures(),
        )
    assert not (tmp_path / "safeguarding").exists()  # refused before anything was written
