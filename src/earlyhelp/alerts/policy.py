"""`config/policy.yaml`: which team each outcome's alerts go to, how many a month, and the gates
an alert must pass. Validated strictly, so that a typo names the file and the key before any
run, and hashed, so that each publication records the policy it was made under.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from earlyhelp.errors import PolicyError

BandName = Literal["low", "medium", "high"]
BAND_ORDER: dict[str, int] = {"low": 0, "medium": 1, "high": 2}
Counts = Literal["success", "not_success", "excluded"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Involvement(_Strict):
    """Alert only where a listed service already knows the unit: a risk among people already
    involved, never a trawl of everyone the data holds."""

    services: tuple[str, ...] = Field(min_length=1, description="systems, as in sources.yaml")
    months: int = Field(gt=0, le=120)


class StepDown(_Strict):
    """A review prompt for a case open to the team whose risk has stayed low."""

    below: float = Field(gt=0, lt=1, description="probability under which risk counts as low")
    months: int = Field(default=2, ge=1, le=12, description="consecutive months under it")
    max_share: float = Field(
        default=0.2, ge=0, le=1, description="most of the month's capacity prompts may take"
    )


class OutcomePolicy(_Strict):
    """How one outcome's scores become a team's alerts."""

    team: str
    capacity: int = Field(ge=0, description="most alerts of every kind a month; never exceeded")
    min_probability: float = Field(default=0.0, ge=0, lt=1)
    involvement: Involvement | None = None
    open_case: str | None = Field(
        default=None, description="the feature saying the unit is open to the team (1 = open)"
    )
    step_down: StepDown | None = None
    cool_down_months: int = Field(default=0, ge=0, le=36)
    group_by_household: bool = False

    @model_validator(mode="after")
    def _step_down_needs_cases(self) -> OutcomePolicy:
        if self.step_down is not None and self.open_case is None:
            raise ValueError("step_down needs open_case: only an open case can be stepped down")
        return self


class Bands(_Strict):
    """Words for ventiles (20 is the highest-scoring twentieth of the cohort)."""

    high: int = Field(default=20, ge=1, le=20, description="lowest ventile called high")
    medium: int = Field(default=17, ge=1, le=20, description="lowest ventile called medium")

    @model_validator(mode="after")
    def _ordered(self) -> Bands:
        if self.medium > self.high:
            raise ValueError("medium must start at or below high")
        return self

    def name(self, ventile: int) -> BandName:
        """The band's word for a ventile."""
        if ventile >= self.high:
            return "high"
        return "medium" if ventile >= self.medium else "low"


class Policy(_Strict):
    """The whole alert policy."""

    teams: dict[str, str] = Field(min_length=1, description="team id -> its name")
    bands: Bands = Bands()
    decisions: dict[str, str] = Field(min_length=1, description="decision id -> words")
    outcomes: dict[str, Counts] = Field(
        min_length=1, description="practitioner outcome -> whether it counts as a success"
    )
    alerts: dict[str, OutcomePolicy] = Field(min_length=1)
    sha256: str = Field(default="", description="filled from the file's bytes")

    @model_validator(mode="after")
    def _known_teams(self) -> Policy:
        for outcome, rule in self.alerts.items():
            if rule.team not in self.teams:
                raise ValueError(
                    f"alerts.{outcome}.team: {rule.team!r} is not one of teams "
                    f"({', '.join(sorted(self.teams))})"
                )
        if "data_wrong" not in self.outcomes:
            raise ValueError("outcomes must include data_wrong (it feeds the data-quality list)")
        return self

    def rule(self, outcome: str) -> OutcomePolicy:
        """The policy of one outcome, or a clear error."""
        if outcome not in self.alerts:
            raise PolicyError(
                f"policy has no alerts.{outcome}: add it to say which team gets its alerts"
            )
        return self.alerts[outcome]


def load_policy(path: Path) -> Policy:
    """Read and validate a policy file; every error names the file and the key."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PolicyError(f"cannot read the policy {path}: {error.strerror}") from error
    try:
        document = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        raise PolicyError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(document, dict):
        raise PolicyError(f"{path}: expected a mapping of teams, decisions, outcomes and alerts")
    try:
        return Policy(**document, sha256=hashlib.sha256(raw).hexdigest())
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in error.errors()
        )
        raise PolicyError(f"{path}: {problems}") from error
