"""Features in words, and whether a factor is present for a person."""

from __future__ import annotations

import math

import pytest

from earlyhelp.features import describe
from earlyhelp.features.describe import describe_feature, is_present
from earlyhelp.features.families import FAMILIES, Family
from earlyhelp.features.profile import PROFILE_FEATURES


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("police_da_3m", 1, "1 police domestic-abuse notification in the last 3 months"),
        (
            "household_police_da_6m",
            2,
            "2 police domestic-abuse notifications in the household in the last 6 months",
        ),
        ("csc_referrals_ever", 3, "3 referrals to children's social care ever"),
        ("youth_offences_12m", 0, "0 youth offences in the last 12 months"),
        ("s47_enquiries_days_since", 45, "45 days since the latest section 47 enquiry"),
        (
            "household_homeless_approaches_days_since",
            120,
            "120 days since the latest homelessness approach in the household",
        ),
        ("csc_referrals_days_since", math.nan, "no referrals to children's social care on record"),
    ],
)
def test_family_features_in_words(name: str, value: float, words: str) -> None:
    assert describe_feature(name, value) == words


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("age", 14.9, "aged 14"),
        ("absence_last_term", 0.234, "missed 23% of school sessions last term"),
        ("absence_last_year", 0.1, "missed 10% of school sessions over the last three terms"),
        ("absence_trend", 0.08, "absence from school rose by 8 percentage points last term"),
        ("absence_trend", -0.01, "absence from school fell by 1 percentage point last term"),
        ("free_school_meals", 1, "eligible for free school meals"),
        ("free_school_meals", 0, "not eligible for free school meals"),
        ("open_early_help", 1, "an early help episode is open"),
        ("in_temporary_accommodation", 1, "living in temporary accommodation"),
        ("male", 0, "recorded as female"),
        (
            "imd_decile",
            2,
            "lives in an area in deprivation decile 2 of 10 (1 is the most deprived)",
        ),
        ("age", math.nan, "age in years: not recorded"),
    ],
)
def test_profile_features_in_words(name: str, value: float, words: str) -> None:
    assert describe_feature(name, value) == words


def test_every_feature_that_is_built_can_be_described() -> None:
    names = [n for family in FAMILIES for n in family.feature_names()] + list(PROFILE_FEATURES)
    for name in names:
        assert describe_feature(name, 2.0)
        assert describe_feature(name, math.nan)
        if not name.endswith("_days_since") and name not in PROFILE_FEATURES:
            assert describe_feature(name, 2.0).startswith("2 ")


def test_features_added_later_are_found_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(PROFILE_FEATURES, "months_since_care", "months since leaving care")
    fire = Family("test_fire_callouts", ("fire.callout",), "fire callout", "fire callouts")
    monkeypatch.setattr(describe, "FAMILIES", (*FAMILIES, fire))
    monkeypatch.setitem(PROFILE_FEATURES, "sibling_absence", "share of sessions siblings missed")
    assert describe_feature("months_since_care", 7) == "months since leaving care: 7"
    assert describe_feature("months_since_care", 2.5) == "months since leaving care: 2.50"
    assert describe_feature("sibling_absence", 0.291) == "share of sessions siblings missed: 29%"
    assert is_present("months_since_care", 7) and not is_present("months_since_care", 0)
    assert describe_feature("test_fire_callouts_12m", 2) == "2 fire callouts in the last 12 months"
    assert is_present("test_fire_callouts_12m", 2)


@pytest.mark.parametrize(
    ("name", "value", "present"),
    [
        ("police_da_6m", 2, True),
        ("police_da_6m", 0, False),
        ("police_da_6m", math.nan, False),
        ("police_da_days_since", 0, True),
        ("police_da_days_since", math.nan, False),
        ("free_school_meals", 1, True),
        ("free_school_meals", 0, False),
        ("open_child_in_need", math.nan, False),
        ("age", 14, True),
        ("age", math.nan, False),
        ("imd_decile", 3, True),
        ("absence_last_term", 0.0, True),
        ("absence_last_term", math.nan, False),
    ],
)
def test_presence(name: str, value: float, present: bool) -> None:
    assert is_present(name, value) is present


def test_an_unknown_feature_is_named_in_the_error() -> None:
    with pytest.raises(KeyError, match="no_such_feature"):
        describe_feature("no_such_feature", 1)
    with pytest.raises(KeyError, match="police_da_7m"):
        is_present("police_da_7m", 1)
