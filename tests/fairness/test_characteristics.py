"""Characteristics read from every source's spelling, and features excluded by pattern."""

from __future__ import annotations

import pandas as pd
import pytest

from earlyhelp.errors import ConfigurationError
from earlyhelp.fairness.characteristics import age_band, broad_ethnicity, imd_decile
from earlyhelp.fairness.lifecycle import without_features


@pytest.mark.parametrize(
    ("recorded", "group"),
    [
        ("WBRI", "White"), ("w1", "White"), ("A", "White"), ("IC1", "White"),
        ("MWBC", "Mixed"), ("White and Black Caribbean", "Mixed"), ("D", "Mixed"),
        ("APKN", "Asian"), ("CHNE", "Asian"), ("O1", "Asian"), ("Indian", "Asian"),
        ("BAFR", "Black"), ("IC3", "Black"), ("Black British", "Black"),
        ("OOTH", "Other"), ("Arab", "Other"),
        ("REFU", None), ("NOBT", None), ("Not stated", None), ("Z", None), ("", None),
    ],
)  # fmt: skip
def test_every_spelling_reads_as_an_ons_broad_group(recorded: str, group: str | None) -> None:
    assert broad_ethnicity(recorded) == group


def test_age_bands_and_deciles_keep_missing_values_missing() -> None:
    bands = age_band(pd.Series([0.5, 4.99, 5.0, 15.9, 17.0, 70.0, None]))
    assert bands.tolist() == ["0-4", "0-4", "5-10", "11-15", "16-17", "65+", None]
    assert imd_decile(pd.Series([1.0, None, 10.0])).tolist() == ["1", None, "10"]


def test_features_are_excluded_by_pattern_and_a_pattern_must_match() -> None:
    data = pd.DataFrame(
        columns=["unit_id", "as_of", "household_id", "label", "age", "imd_decile", "male", "x"]
    )
    kept = without_features(data, ["imd_*", "age"])
    assert list(kept.columns) == ["unit_id", "as_of", "household_id", "label", "male", "x"]
    with pytest.raises(ConfigurationError, match="matches no feature"):
        without_features(data, ["deprivation"])
