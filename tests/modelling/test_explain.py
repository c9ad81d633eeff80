"""Per-score explanations on data where the reasons are known."""

from __future__ import annotations

import json

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from earlyhelp.features.describe import is_present
from earlyhelp.modelling import explain as explain_module
from earlyhelp.modelling.explain import contributions, explain, top_factors_frame

DRIVER = "household_police_da_6m"  # present for some people, and it raises their risk
NONE_RAISES = "early_help_ever"  # having none raises the risk: its absence is never a reason
MISSING_RAISES = "suspensions_days_since"  # never having one raises the risk, likewise


def people(rows: int = 3000, seed: int = 5) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    features = pd.DataFrame(
        {
            DRIVER: rng.poisson(0.4, rows),
            NONE_RAISES: rng.poisson(0.8, rows),
            MISSING_RAISES: np.where(rng.random(rows) < 0.5, rng.integers(1, 900, rows), np.nan),
            "age": rng.uniform(0, 18, rows),
            "free_school_meals": rng.integers(0, 2, rows),
        }
    )
    logit = (
        -2.5
        + 1.6 * features[DRIVER]
        + 1.0 * (features[NONE_RAISES] == 0)
        + 1.0 * features[MISSING_RAISES].isna()
    )
    labels = rng.random(rows) < 1 / (1 + np.exp(-logit))
    return features, labels


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return people()[0]


@pytest.fixture(scope="module")
def model(data: pd.DataFrame) -> lgb.LGBMClassifier:
    fitted = lgb.LGBMClassifier(
        n_estimators=60,
        learning_rate=0.1,
        num_leaves=7,
        min_child_samples=20,
        n_jobs=1,  # a small fit: threads would only wait on each other
        verbose=-1,
    )
    fitted.fit(data, people()[1])
    return fitted


def test_the_known_driver_is_named_first_in_words(
    model: lgb.LGBMClassifier, data: pd.DataFrame
) -> None:
    heavy = data[data[DRIVER] >= 3]
    assert len(heavy) > 10
    for (_, row), factors in zip(heavy.iterrows(), explain(model, heavy), strict=True):
        count = int(row[DRIVER])
        assert factors[0].feature == DRIVER
        assert factors[0].value == count
        assert factors[0].text == (
            f"{count} police domestic-abuse notifications in the household in the last 6 months"
        )


def test_contributions_and_bias_add_up_to_the_raw_score(
    model: lgb.LGBMClassifier, data: pd.DataFrame
) -> None:
    contrib = contributions(model, data)
    raw = model.booster_.predict(data, raw_score=True)
    assert np.allclose(contrib.sum(axis=1), raw, atol=1e-9)
    assert np.allclose(contrib, model.booster_.predict(data, pred_contrib=True), atol=1e-12)


def test_values_on_thresholds_zero_or_missing_give_lightgbms_figures(
    model: lgb.LGBMClassifier, data: pd.DataFrame
) -> None:
    splits = model.booster_.trees_to_dataframe().dropna(subset=["split_feature"])
    edge = data.head(len(splits)).reset_index(drop=True).astype("float64")
    on_split = zip(splits["split_feature"], splits["threshold"], strict=True)
    for i, (feature, threshold) in enumerate(on_split):
        edge.at[i, feature] = threshold  # exactly on a split: goes left
    edge.iloc[::3, :] = 0.0
    edge.iloc[1::7, :] = np.nan
    expected = model.booster_.predict(edge, pred_contrib=True)
    assert np.allclose(contributions(model.booster_, edge), expected, atol=1e-12)


def test_only_present_factors_that_raise_the_risk_are_listed(
    model: lgb.LGBMClassifier, data: pd.DataFrame
) -> None:
    contrib = pd.DataFrame(contributions(model, data)[:, :-1], columns=data.columns)
    none = data[NONE_RAISES] == 0
    missing = data[MISSING_RAISES].isna()
    # The absences do raise these people's risk: listing them would be easy, and wrong.
    assert (contrib.loc[none, NONE_RAISES] > 0).mean() > 0.9
    assert (contrib.loc[missing, MISSING_RAISES] > 0).mean() > 0.9
    explained = explain(model, data, top=3)
    for i, factors in enumerate(explained):
        named = [f.feature for f in factors]
        assert len(factors) <= 3
        if none.iloc[i]:
            assert NONE_RAISES not in named
        if missing.iloc[i]:
            assert MISSING_RAISES not in named
        for factor in factors:
            assert is_present(factor.feature, factor.value)
            assert factor.contribution > 0
            assert factor.contribution == contrib.iloc[i][factor.feature]
        assert [f.contribution for f in factors] == sorted(
            (f.contribution for f in factors), reverse=True
        )
    assert any(len(factors) == 3 for factors in explained)


def test_the_frame_is_json_ready_and_matches(
    model: lgb.LGBMClassifier, data: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = data.iloc[100:1100].set_axis(range(5000, 6000))
    monkeypatch.setattr(explain_module, "CHUNK_ROWS", 300)  # several chunks, same answer
    frame = top_factors_frame(model.booster_, rows)
    assert list(frame.columns) == ["top_factors"]
    assert frame.index.equals(rows.index)
    monkeypatch.undo()
    expected = [[f.as_json() for f in factors] for factors in explain(model, rows)]
    assert frame["top_factors"].tolist() == expected
    assert json.loads(json.dumps(frame["top_factors"].tolist())) == expected


def test_rows_must_hold_the_models_columns(model: lgb.LGBMClassifier, data: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=MISSING_RAISES):
        explain(model, data.drop(columns=MISSING_RAISES))
    with pytest.raises(ValueError, match="unit_id"):
        explain(model, data.assign(unit_id=1))
    reordered = data.head(50)[list(reversed(data.columns))]
    assert explain(model, reordered) == explain(model, data.head(50))
    with pytest.raises(TypeError):
        explain(object(), data)  # type: ignore[arg-type]
