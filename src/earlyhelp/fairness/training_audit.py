"""The fairness report that `earlyhelp train` keeps beside each model's metrics.json: the
out-of-time validation scores audited at the team's capacity (the top ``capacity`` of each
as-of date's list), by ethnicity, sex, age band, disability and IMD decile, and ethnicity by
IMD decile.

Rows are the validation rows that carry a calibrated risk (every fold after the first, whose
scores are mapped by what earlier folds came to), so that the calibration check reads the risk
a practitioner would see. A characteristic the data cannot give is named in ``not_audited``
with the reason, never filled in.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from earlyhelp.fairness.audit import AuditSpec, audit
from earlyhelp.fairness.characteristics import (
    DISABILITY_MISSING,
    age_band,
    imd_decile,
    person_ethnicity,
    sex,
)
from earlyhelp.fairness.flags import FlagRule

PERSON_GROUPS = ("ethnicity", "sex", "age_band", "imd_decile")
UNIT_GROUPS = ("imd_decile",)
INTERSECTIONS = (("ethnicity", "imd_decile"),)
BOOTSTRAP = 1000


def audited_rows(
    con: duckdb.DuckDBPyConnection, unit: str, data: pd.DataFrame, scores: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The calibrated validation rows with each characteristic, and what could not be given."""
    rows = scores.dropna(subset=["calibrated"])[
        ["unit_id", "as_of", "label", "lightgbm", "calibrated"]
    ].copy()
    known = data[["unit_id", "as_of", *(c for c in ("age", "male", "imd_decile") if c in data)]]
    rows = rows.merge(known, on=["unit_id", "as_of"], how="left")
    missing: dict[str, str] = {"disability": DISABILITY_MISSING}
    rows["imd_decile"] = imd_decile(rows["imd_decile"])
    if unit == "person":
        ethnicity = person_ethnicity(con)
        rows["ethnicity"] = rows["unit_id"].map(ethnicity)
        rows["sex"] = sex(rows["male"])
        rows["age_band"] = age_band(rows["age"])
    else:
        why = (
            f"a {unit} has no single ethnicity, sex or age, and the audit does not attribute "
            "one member's to it"
        )
        missing.update(ethnicity=why, sex=why, age_band=why)
    return rows, missing


def training_audit(
    con: duckdb.DuckDBPyConnection,
    unit: str,
    data: pd.DataFrame,
    scores: pd.DataFrame,
    capacity: int,
    seed: int = 1,
    bootstrap: int = BOOTSTRAP,
) -> dict[str, Any]:
    """The fairness report of one model's validation scores at the team's capacity."""
    rows, missing = audited_rows(con, unit, data, scores)
    groups = PERSON_GROUPS if unit == "person" else UNIT_GROUPS
    spec = AuditSpec(
        score="calibrated",
        rank_by="lightgbm",
        label="label",
        groups=list(groups),
        intersections=[list(p) for p in INTERSECTIONS if set(p) <= set(groups)],
        flag=FlagRule("top_k", capacity, per="as_of"),
        bootstrap=bootstrap,
        seed=seed,
    )
    report = audit(rows, spec, "out-of-time validation scores")
    report["not_audited"] = missing
    report["scores"] = (
        "flagged: the top of each as-of date's list by the model's score; mean_score: the "
        "calibrated risk"
    )
    return report
