"""Datasets put each unit's features beside its label; households take their members' strongest."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from earlyhelp.features.build import create_feature_matrix, record_build
from earlyhelp.modelling.dataset import assemble
from earlyhelp.outcomes.registry import OUTCOMES
from tests.outcomes.test_outcomes import AS_OF, warehouse  # noqa: F401  (a shared fixture)


def features(con: duckdb.DuckDBPyConnection) -> None:
    """A hand-made feature matrix in place of a built one."""
    matrix = pd.DataFrame(
        {
            "person_id": ["PC1", "PC2", "PA1"],
            "as_of": pd.Timestamp(AS_OF),
            "household_id": "H1",
            "referrals_3m": [1, 3, 0],
            "referrals_days_since": [10.0, 5.0, None],
        }
    )
    con.register("matrix", matrix)
    con.execute(
        "CREATE OR REPLACE TABLE feature_matrix AS "
        "SELECT * REPLACE (as_of::DATE AS as_of) FROM matrix"
    )
    con.unregister("matrix")
    record_build(con, [AS_OF])


def test_a_person_outcome_takes_the_persons_features_and_zero_where_none(
    warehouse: duckdb.DuckDBPyConnection,  # noqa: F811
) -> None:
    features(warehouse)
    data = assemble(warehouse, OUTCOMES["safeguarding"], [AS_OF], reuse_features=True)
    data = data.set_index("unit_id")
    assert data.loc["PC1", "referrals_3m"] == 1
    assert data.loc["PY1", "referrals_3m"] == 0
    assert data["referrals_days_since"].isna()["PY1"]
    assert bool(data.loc["PC1", "label"])


def test_a_household_takes_its_members_strongest_features(
    warehouse: duckdb.DuckDBPyConnection,  # noqa: F811
) -> None:
    features(warehouse)
    data = assemble(warehouse, OUTCOMES["homelessness"], [AS_OF], reuse_features=True)
    data = data.set_index("unit_id")
    assert data.loc["H1", "referrals_3m"] == 3
    assert data.loc["H1", "referrals_days_since"] == 5.0  # the most recent of them


def test_a_matrix_without_the_dates_is_refused(
    warehouse: duckdb.DuckDBPyConnection,  # noqa: F811
) -> None:
    features(warehouse)
    later = AS_OF.replace(year=AS_OF.year + 1)
    with pytest.raises(ValueError, match="lacks as-of dates"):
        assemble(warehouse, OUTCOMES["safeguarding"], [later], reuse_features=True)


def test_an_account_takes_the_strongest_of_the_people_liable_for_it(
    warehouse: duckdb.DuckDBPyConnection,  # noqa: F811
) -> None:
    features(warehouse)
    warehouse.execute(
        "INSERT INTO relation VALUES ('load', 'csc', 'account', 'CT1', 'C2'), "
        "('load', 'csc', 'account', 'CT1', 'A1')"
    )
    data = assemble(warehouse, OUTCOMES["debt"], [AS_OF], reuse_features=True)
    account = data.set_index("unit_id").loc["CT1"]
    assert account["referrals_3m"] == 3  # PC2's, the most of the two
    assert account["referrals_days_since"] == 5.0
    assert data["referrals_3m"].dtype == "float32"


def test_a_matrix_built_before_a_new_linkage_is_refused(
    warehouse: duckdb.DuckDBPyConnection,  # noqa: F811
) -> None:
    create_feature_matrix(warehouse, [AS_OF])
    assert len(assemble(warehouse, OUTCOMES["safeguarding"], [AS_OF], reuse_features=True)) == 3
    warehouse.execute("INSERT INTO link_run VALUES (2, now(), 5, 5, 1, 6.0, 'x')")
    with pytest.raises(ValueError, match="stale"):
        assemble(warehouse, OUTCOMES["safeguarding"], [AS_OF], reuse_features=True)
    # Building again (the default) makes it current.
    assert len(assemble(warehouse, OUTCOMES["safeguarding"], [AS_OF])) == 3
