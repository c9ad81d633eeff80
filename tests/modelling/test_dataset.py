"""Datasets put each unit's features beside its label; households take their members' strongest."""

from __future__ import annotations

import duckdb
import pandas as pd

from earlyhelp.modelling.dataset import assemble
from earlyhelp.outcomes.registry import OUTCOMES
from tests.outcomes.test_outcomes import AS_OF, warehouse  # noqa: F401  (a shared fixture)


def features() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_id": ["PC1", "PC2", "PA1"],
            "as_of": pd.Timestamp(AS_OF),
            "household_id": "H1",
            "referrals_3m": [1, 3, 0],
            "referrals_days_since": [10.0, 5.0, None],
        }
    )


def test_a_person_outcome_takes_the_persons_features_and_zero_where_none(
    warehouse: duckdb.DuckDBPyConnection,  # noqa: F811
) -> None:
    data = assemble(warehouse, OUTCOMES["safeguarding"], [AS_OF], features()).set_index("unit_id")
    assert data.loc["PC1", "referrals_3m"] == 1
    assert data.loc["PY1", "referrals_3m"] == 0
    assert data["referrals_days_since"].isna()["PY1"]
    assert bool(data.loc["PC1", "label"])


def test_a_household_takes_its_members_strongest_features(
    warehouse: duckdb.DuckDBPyConnection,  # noqa: F811
) -> None:
    data = assemble(warehouse, OUTCOMES["homelessness"], [AS_OF], features()).set_index("unit_id")
    assert data.loc["H1", "referrals_3m"] == 3
    assert data.loc["H1", "referrals_days_since"] == 5.0  # the most recent of them
