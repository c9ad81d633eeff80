import pytest
from pydantic import ValidationError

from earlyhelp.synth.params import MESS_PROFILES, MessLevel, SynthParams


def test_months_count_both_ends() -> None:
    assert SynthParams(start="2019-01", end="2025-12").months == 84


def test_a_malformed_month_is_refused_with_its_value() -> None:
    with pytest.raises(ValidationError, match="2019-13"):
        SynthParams(start="2019-13")


def test_a_period_too_short_for_an_outcome_window_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least 24"):
        SynthParams(start="2024-01", end="2024-12")


def test_mess_levels_are_ordered_for_every_error() -> None:
    clean, standard, hard = (MESS_PROFILES[m].model_dump() for m in MessLevel)
    for error in clean:
        assert clean[error] <= standard[error] <= hard[error], error
    assert sum(clean.values()) == 0
