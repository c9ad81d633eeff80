"""Scoring: a registered model's calibrated risk for every unit of an outcome's cohort at one
as-of date, each with the factors present for that unit that raised it.

The factors are TreeSHAP contributions of that unit's own feature values (never global
importances), so a practitioner reads why this score is high for this child, in words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd

from earlyhelp.modelling.dataset import assemble
from earlyhelp.modelling.explain import top_factors_frame
from earlyhelp.modelling.registry import LoadedModel
from earlyhelp.outcomes.base import Outcome

SCORE_COLUMNS = (
    "unit_id",
    "as_of",
    "household_id",
    "outcome",
    "model_version",
    "score",
    "risk",
    "top_factors",
)
# A household's or an account's features are each taken from the member with the most
# (modelling/dataset.py), so a factor's words are about one member, and say so.
WHOSE = {"household": "a member of the household", "account": "a person liable for the account"}


def attributed(factors: list[dict[str, Any]], whose: str) -> list[dict[str, Any]]:
    """Factors whose words say whose they are (a household's member, an account's payer)."""
    return [{**factor, "text": f"{whose}: {factor['text']}"} for factor in factors]


def score_outcome(
    con: duckdb.DuckDBPyConnection,
    outcome: Outcome,
    model: LoadedModel,
    as_of: dt.date,
    top: int = 5,
) -> pd.DataFrame:
    """``unit_id, as_of, household_id, outcome, model_version, score, risk, top_factors``, the
    highest raw score first (calibration's steps tie many units; the raw score keeps their
    order). The cohort's labels are not used (at a recent date they are not yet known)."""
    if model.outcome != outcome.name:
        raise ValueError(f"model {model.outcome} {model.version} cannot score {outcome.name}")
    data = assemble(con, outcome, [as_of])
    if data.empty:  # nobody in the cohort at that date (before the records begin, say)
        return pd.DataFrame(columns=[*SCORE_COLUMNS])
    rows = model.feature_frame(data)
    raw = model.predict_raw(rows)
    scored = data[["unit_id", "as_of", "household_id"]].assign(
        outcome=outcome.name,
        model_version=model.version,
        score=raw,
        risk=model.calibrate(raw),
    )
    factors = top_factors_frame(model.booster, rows, top)["top_factors"]
    whose = WHOSE.get(outcome.unit)
    if whose:
        factors = factors.map(lambda listed: attributed(listed, whose))
    scored["top_factors"] = factors
    return scored.sort_values(
        ["score", "unit_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
