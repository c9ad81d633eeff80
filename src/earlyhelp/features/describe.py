"""Features in plain English, and whether a factor is present for a person at all.

Explanations name only factors that are actually present (a count above 0, a flag that is
set, a date or measure that is known), in words a practitioner can check against the record.
Features are looked up by name in ``FAMILIES`` and ``PROFILE_FEATURES``, so new families and
profile features are described without changes here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
import numpy.typing as npt

from earlyhelp.features.families import FAMILIES, Family
from earlyhelp.features.profile import PROFILE_FEATURES
from earlyhelp.features.states import STATE_FEATURES

Kind = Literal["count", "days_since", "flag", "measure", "other"]
"""How presence is judged: a count above 0, a days-since that is known, a flag equal to 1, a
measure that is known, or (profile features without their own wording) known and not 0."""

_FLAGS: dict[str, tuple[str, str]] = {  # wording when set, wording when not
    "male": ("recorded as male", "recorded as female"),
    "free_school_meals": (
        "eligible for free school meals",
        "not eligible for free school meals",
    ),
    "special_needs": ("has special educational needs", "no special educational needs recorded"),
    "open_early_help": ("an early help episode is open", "no early help episode is open"),
    "open_child_in_need": (
        "open to children's social care as a child in need",
        "not open to children's social care as a child in need",
    ),
    "in_temporary_accommodation": (
        "living in temporary accommodation",
        "not living in temporary accommodation",
    ),
}
# Current states that are open or not: their description is the wording when set.
_FLAGS.update(
    {
        name: (STATE_FEATURES[name], f"not: {STATE_FEATURES[name]}")
        for name in (
            "benefit_claim_open",
            "housing_benefit_open",
            "council_tenancy_open",
            "ct_reminder_outstanding",
            "ct_summons_outstanding",
            "household_ct_summons_outstanding",
            "s47_conference_outstanding",
            "homeless_case_outstanding",
        )
    }
)


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:.2f}"


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def _absence_trend(change: float) -> str:
    points = round(abs(change) * 100)
    if points == 0:
        return "absence from school last term about the same as the term before"
    movement = "rose" if change > 0 else "fell"
    unit = "point" if points == 1 else "points"
    return f"absence from school {movement} by {points} percentage {unit} last term"


_MEASURES: dict[str, Callable[[float], str]] = {
    "age": lambda years: f"aged {math.floor(years)}",
    "imd_decile": lambda decile: (
        f"lives in an area in deprivation decile {round(decile)} of 10 (1 is the most deprived)"
    ),
    "absence_last_term": lambda share: f"missed {_percent(share)} of school sessions last term",
    "absence_last_year": lambda share: (
        f"missed {_percent(share)} of school sessions over the last three terms"
    ),
    "unauthorised_last_year": lambda share: (
        f"missed {_percent(share)} of school sessions without authority over the last three terms"
    ),
    "absence_trend": _absence_trend,
}


@dataclass(frozen=True)
class _Feature:
    """What a feature name means: how to judge presence and how to say it."""

    kind: Kind
    words: Callable[[float], str]  # a known (non-missing) value in words
    missing: str  # the words when the value is missing


def _family_feature(family: Family, name: str) -> _Feature:
    where = " in the household" if family.scope == "household" else ""
    kind: Kind = "days_since" if name.endswith("_days_since") else "count"
    return _Feature(
        kind,
        lambda value: family.describe(name, value),
        f"no {family.plural}{where} on record",
    )


def _profile_feature(name: str, description: str) -> _Feature:
    missing = f"{description}: not recorded"
    if name in _FLAGS:
        yes, no = _FLAGS[name]
        return _Feature("flag", lambda value: yes if value == 1 else no, missing)
    if name in _MEASURES:
        return _Feature("measure", _MEASURES[name], missing)
    shown = _percent if description.startswith("share of") else _number
    return _Feature("other", lambda value: f"{description}: {shown(value)}", missing)


@cache
def _feature(name: str) -> _Feature:
    """The meaning of a feature name, looked up in the families and the profile features."""
    for family in FAMILIES:
        if name in family.feature_names():
            return _family_feature(family, name)
    if name in PROFILE_FEATURES:
        return _profile_feature(name, PROFILE_FEATURES[name])
    raise KeyError(
        f"unknown feature {name!r}: it is neither a feature of a family in FAMILIES "
        "nor a key of PROFILE_FEATURES"
    )


def describe_feature(name: str, value: float) -> str:
    """The feature and its value in words for a practitioner, e.g. 'aged 14' or '2 police
    domestic-abuse notifications in the household in the last 6 months'."""
    feature = _feature(name)
    if value is None or math.isnan(value):
        return feature.missing
    return feature.words(float(value))


def presence_kind(name: str) -> Kind:
    """How presence of the feature is judged (see :data:`Kind`)."""
    return _feature(name).kind


def present_mask(name: str, values: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Element-wise :func:`is_present` over many values of one feature (missing as NaN)."""
    numbers = np.asarray(values, dtype=np.float64)
    kind = presence_kind(name)
    known = ~np.isnan(numbers)
    if kind == "count":
        return known & np.greater(numbers, 0)
    if kind == "flag":
        return known & np.equal(numbers, 1)
    if kind == "other":
        return known & np.not_equal(numbers, 0)
    return known


def is_present(name: str, value: float) -> bool:
    """Whether the factor is there for the person: a count above 0, a flag of 1, or a
    days-since, age, decile or share that is known. Absent factors are never given as reasons."""
    value = math.nan if value is None else value
    return bool(present_mask(name, [value])[0])
