"""Parameters of a synthetic council: its size, seed, period and how messy its records are."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator, model_validator

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class MessLevel(StrEnum):
    """How far the council's systems garble the identities they hold."""

    clean = "clean"
    standard = "standard"
    hard = "hard"


class MessProfile(BaseModel):
    """Probabilities of each identity error, per record (or per field where named)."""

    typo: float = Field(description="a one-character slip in a first name or surname")
    nickname: float = Field(description="a known short form instead of the given name")
    swap_day_month: float = Field(description="date of birth with day and month swapped")
    dob_typo: float = Field(description="date of birth off by a day or a year digit")
    missing_dob: float = Field(description="date of birth left blank")
    missing_postcode: float = Field(description="postcode left blank")
    postcode_format: float = Field(description="postcode without its space or in lower case")
    address_variant: float = Field(description="address written another way")
    stale_address: float = Field(description="a system that missed the latest move")
    stale_surname: float = Field(description="a system that missed a change of surname")
    duplicate_record: float = Field(description="a second record for the same person in one system")
    missing_identifier: float = Field(description="a system identifier (NHS, NI) not captured")


MESS_PROFILES: dict[MessLevel, MessProfile] = {
    MessLevel.clean: MessProfile(
        typo=0.0,
        nickname=0.0,
        swap_day_month=0.0,
        dob_typo=0.0,
        missing_dob=0.0,
        missing_postcode=0.0,
        postcode_format=0.0,
        address_variant=0.0,
        stale_address=0.0,
        stale_surname=0.0,
        duplicate_record=0.0,
        missing_identifier=0.0,
    ),
    MessLevel.standard: MessProfile(
        typo=0.03,
        nickname=0.04,
        swap_day_month=0.01,
        dob_typo=0.015,
        missing_dob=0.01,
        missing_postcode=0.03,
        postcode_format=0.10,
        address_variant=0.15,
        stale_address=0.25,
        stale_surname=0.3,
        duplicate_record=0.02,
        missing_identifier=0.10,
    ),
    MessLevel.hard: MessProfile(
        typo=0.10,
        nickname=0.12,
        swap_day_month=0.04,
        dob_typo=0.05,
        missing_dob=0.05,
        missing_postcode=0.10,
        postcode_format=0.30,
        address_variant=0.40,
        stale_address=0.50,
        stale_surname=0.6,
        duplicate_record=0.06,
        missing_identifier=0.30,
    ),
}


class SynthParams(BaseModel):
    """What `earlyhelp synth` is asked to build."""

    residents: int = Field(default=20_000, ge=500, description="residents at the start")
    seed: int = Field(default=1, ge=0)
    start: str = Field(default="2019-01", description="first simulated month, YYYY-MM")
    end: str = Field(default="2025-12", description="last simulated month, YYYY-MM")
    mess: MessLevel = MessLevel.standard
    oracle_samples: int = Field(
        default=16,
        ge=4,
        multiple_of=2,
        description="Monte Carlo futures per unit for the oracle risk (drawn in mirrored pairs)",
    )

    @field_validator("start", "end")
    @classmethod
    def _is_month(cls, value: str) -> str:
        if not _MONTH.match(value):
            raise ValueError(f"expected a month as YYYY-MM, got {value!r}")
        return value

    @model_validator(mode="after")
    def _long_enough(self) -> SynthParams:
        if self.months < 24:
            raise ValueError(
                f"the period {self.start} to {self.end} is {self.months} months; at least 24 are "
                "needed for a year of history before a 12-month outcome window"
            )
        return self

    @property
    def months(self) -> int:
        """Number of simulated months, both ends included."""
        sy, sm = map(int, self.start.split("-"))
        ey, em = map(int, self.end.split("-"))
        return (ey - sy) * 12 + (em - sm) + 1

    @property
    def mess_profile(self) -> MessProfile:
        """The identity-error rates for this mess level."""
        return MESS_PROFILES[self.mess]
