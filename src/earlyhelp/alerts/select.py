"""The alert policy applied to one outcome's scored cohort for one month: pure, so that every
gate can be proven on a hand-built case and capacity by property-based tests.

Order of work: opted-out people leave first; open cases whose risk has stayed low become
step-down prompts (at most ``max_share`` of capacity, lowest risk first); the rest must be known
to a listed service and above the minimum probability; children of one household are grouped
into one alert; a unit alerted within the cool-down is skipped unless its band has risen; a unit
open to the team becomes an additional report to the case's worker; the highest raw scores fill
what capacity is left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from earlyhelp.alerts.policy import BAND_ORDER, OutcomePolicy

CANDIDATE_COLUMNS = (
    "unit_id",  # the scored unit (pseudonymous)
    "household_id",
    "score",  # raw model score: the ranking
    "probability",
    "probability_low",
    "probability_high",
    "ventile",
    "band",
    "factors",  # list of {feature, value, contribution, text}
    "involved",  # known to a listed service within the policy's months
    "open_case",  # open to the owning team
    "low_months",  # consecutive months, this one included, under the step-down level
    "opted_out",  # the unit, or a person in it, is on the opt-out register
)
STEP_DOWN = "step_down"
ALERT = "alert"  # new alerts and additional reports share one cool-down


@dataclass(frozen=True)
class AlertDraft:
    """An alert before it is published: what the store keeps, without names."""

    kind: str  # new | additional_report | step_down
    unit_type: str
    unit_id: str
    household_id: str | None
    lead: dict[str, Any]  # the qualifying subject with the highest score
    subjects: list[dict[str, Any]] = field(default_factory=list)

    @property
    def cool_down_keys(self) -> list[tuple[str, str]]:
        """What a repeat is judged by: the unit and everyone listed in it (so a child alerted
        within a household is not alerted again alone, nor the other way round), apart for
        prompts and alerts."""
        group = STEP_DOWN if self.kind == STEP_DOWN else ALERT
        ids = dict.fromkeys([self.unit_id, *(str(s["unit_id"]) for s in self.subjects)])
        return [(unit, group) for unit in ids]


def earlier_band(keys: list[tuple[str, str]], recent: dict[tuple[str, str], str]) -> str | None:
    """The highest band alerted within the cool-down under any of ``keys``."""
    found = [recent[key] for key in keys if key in recent]
    return max(found, key=lambda band: BAND_ORDER[band]) if found else None


# What an alert says of its risk, taken from its lead subject.
RISK_FIELDS: dict[str, type] = {
    "score": float,
    "probability": float,
    "probability_low": float,
    "probability_high": float,
    "ventile": int,
    "band": str,
}


def _subject(row: pd.Series) -> dict[str, Any]:
    return {
        "unit_id": str(row["unit_id"]),
        **{name: kind(row[name]) for name, kind in RISK_FIELDS.items()},
        "factors": list(row["factors"]),
    }


def _ranked(frame: pd.DataFrame, ascending: bool = False) -> pd.DataFrame:
    return frame.sort_values(
        ["score", "unit_id"], ascending=[ascending, True], kind="stable"
    ).reset_index(drop=True)


def _groups(frame: pd.DataFrame, unit_type: str, by_household: bool) -> list[AlertDraft]:
    """One draft per unit, or per household where children of one household qualify."""
    ranked = _ranked(frame)
    if not by_household:
        return [
            AlertDraft(
                "new",
                unit_type,
                str(row["unit_id"]),
                None if pd.isna(row["household_id"]) else str(row["household_id"]),
                _subject(row),
                [_subject(row)],
            )
            for _, row in ranked.iterrows()
        ]
    key = ranked["household_id"].astype("string").fillna("unit:" + ranked["unit_id"].astype(str))
    drafts = []
    for group, rows in ranked.groupby(key.to_numpy(), sort=False):
        subjects = [_subject(row) for _, row in rows.iterrows()]
        household = None if str(group).startswith("unit:") else str(group)
        several = household is not None and len(subjects) > 1  # else the one child is the unit
        drafts.append(
            AlertDraft(
                "new",
                "household" if several else unit_type,
                household if several and household else subjects[0]["unit_id"],
                household,
                subjects[0],
                subjects,
            )
        )
    return drafts


def _with_kind(draft: AlertDraft, kind: str) -> AlertDraft:
    return AlertDraft(
        kind, draft.unit_type, draft.unit_id, draft.household_id, draft.lead, draft.subjects
    )


def select_alerts(
    candidates: pd.DataFrame,
    rule: OutcomePolicy,
    unit_type: str,
    recent: dict[tuple[str, str], str] | None = None,
) -> list[AlertDraft]:
    """The month's alerts for one outcome; ``recent`` maps a cool-down key to the highest band
    alerted within the cool-down months."""
    recent = recent or {}
    missing = [c for c in CANDIDATE_COLUMNS if c not in candidates.columns]
    if missing:
        raise ValueError(f"candidates lack column(s): {', '.join(missing)}")
    pool = candidates[~candidates["opted_out"].astype(bool)]
    prompts: list[AlertDraft] = []
    if rule.step_down is not None:
        low = pool["open_case"].astype(bool) & (pool["low_months"] >= rule.step_down.months)
        room = int(rule.capacity * rule.step_down.max_share)
        lowest_first = reversed(_groups(pool[low], unit_type, by_household=False))
        for draft in lowest_first:
            if len(prompts) >= room:
                break
            prompt = _with_kind(draft, STEP_DOWN)
            if earlier_band(prompt.cool_down_keys, recent) is None:
                prompts.append(prompt)
        pool = pool[~low]
    eligible = pool[pool["probability"] >= rule.min_probability]
    if rule.involvement is not None:
        eligible = eligible[eligible["involved"].astype(bool)]
    open_units = set(eligible.loc[eligible["open_case"].astype(bool), "unit_id"].astype(str))
    chosen: list[AlertDraft] = []
    room = rule.capacity - len(prompts)
    for draft in _groups(eligible, unit_type, rule.group_by_household):
        if len(chosen) >= room:
            break
        earlier = earlier_band(draft.cool_down_keys, recent)
        if earlier is not None and BAND_ORDER[draft.lead["band"]] <= BAND_ORDER[earlier]:
            continue
        is_open = any(s["unit_id"] in open_units for s in draft.subjects)
        chosen.append(_with_kind(draft, "additional_report" if is_open else "new"))
    return prompts + chosen
