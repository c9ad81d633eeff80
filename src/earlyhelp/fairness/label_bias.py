"""Label bias, measured where it can be: on the synthetic council, whose truth records every
child's harm, recorded or not. A model learns the recorded label (a protection plan followed),
so a group whose harm is recorded more often looks riskier to it than its harm warrants.

The same flags (the top of each list at the team's capacity) are audited twice, against the
recorded label and against true harm within the same window, and side by side per group:
how often true harm was recorded, the disparity of each base rate, and the disparity of the
flag rate beside the true-harm disparity. An ``amplification`` above 1 means the model flags a
group more, relative to the reference, than its true harm does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from earlyhelp.fairness.audit import AuditSpec, audit
from earlyhelp.fairness.flags import FlagRule
from earlyhelp.fairness.training_audit import audited_rows
from earlyhelp.modelling.against_oracle import true_units

# Outcomes whose true counterpart the synthetic truth holds: the outcome, the truth table.
TRUE_HARM = {"safeguarding": "harm.parquet"}
GROUPS = ("ethnicity", "sex", "age_band", "imd_decile", "disability (synthetic truth)")
BOOTSTRAP = 300


def true_harm_rows(
    con: duckdb.DuckDBPyConnection,
    truth: Path,
    outcome: str,
    unit: str,
    data: pd.DataFrame,
    scores: pd.DataFrame,
    window_months: int,
) -> pd.DataFrame:
    """The audited rows with ``true_harm`` (harm in the label window, recorded or not),
    ``harm_recorded`` (some of it recorded) and disability from the truth (rows the linkage
    cannot map to a true person are dropped: they have no truth to compare with)."""
    rows, _ = audited_rows(con, unit, data, scores)
    rows["true_id"] = true_units(con, truth, unit, rows).to_numpy()
    rows = rows.dropna(subset=["true_id"]).reset_index(drop=True)
    columns = ["person_id", "harm_date", "recorded"]
    harm = pd.read_parquet(truth / TRUE_HARM[outcome], columns=columns)
    con.register("harm_truth", harm)
    con.register("audited", rows[["true_id", "as_of"]].drop_duplicates())
    try:
        found = con.execute(
            f"""
            SELECT a.true_id, a.as_of, count(h.person_id) > 0 AS true_harm,
                   coalesce(bool_or(h.recorded), false) AS harm_recorded
            FROM audited a LEFT JOIN harm_truth h
              ON h.person_id = a.true_id AND h.harm_date >= a.as_of
             AND h.harm_date < a.as_of + INTERVAL {int(window_months)} MONTH
            GROUP BY a.true_id, a.as_of
            """
        ).df()
    finally:
        con.unregister("harm_truth")
        con.unregister("audited")
    found["as_of"] = pd.to_datetime(found["as_of"])
    rows["as_of"] = pd.to_datetime(rows["as_of"])
    rows["true_id"] = rows["true_id"].astype("int64")
    found["true_id"] = found["true_id"].astype("int64")
    rows = rows.merge(found, on=["true_id", "as_of"], how="left")
    people = pd.read_parquet(truth / "people.parquet", columns=["person_id", "disabled"])
    disabled = people.set_index("person_id")["disabled"].map({True: "disabled", False: "not"})
    rows["disability (synthetic truth)"] = rows["true_id"].map(disabled)
    return rows


def label_bias(
    con: duckdb.DuckDBPyConnection,
    truth: Path,
    outcome: str,
    unit: str,
    data: pd.DataFrame,
    scores: pd.DataFrame,
    capacity: int,
    window_months: int,
    seed: int = 1,
    bootstrap: int = BOOTSTRAP,
) -> dict[str, Any] | None:
    """The recorded-label and true-harm audits side by side (None for an outcome whose true
    counterpart the truth does not hold)."""
    if outcome not in TRUE_HARM or unit != "person":
        return None
    rows = true_harm_rows(con, truth, outcome, unit, data, scores, window_months)
    groups = [g for g in GROUPS if g in rows]
    audits = {}
    for label in ("label", "true_harm"):
        spec = AuditSpec(
            score="calibrated",
            rank_by="lightgbm",
            label=label,
            groups=groups,
            flag=FlagRule("top_k", capacity, per="as_of"),
            bootstrap=bootstrap,
            seed=seed,
        )
        audits[label] = audit(rows, spec, f"validation scores against {label}")
    return {
        "outcome": outcome,
        "rows": len(rows),
        "recorded_label": "the outcome as the council's records show it (the model's label)",
        "true_harm": f"harm to the child within {window_months} months, recorded or not",
        "table": side_by_side(rows, audits["label"], audits["true_harm"]),
        "audits": audits,
    }


def side_by_side(
    rows: pd.DataFrame, recorded: dict[str, Any], true: dict[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """Per group column, one entry per group: both base rates and their disparities, how
    often true harm was recorded, the flag rate's disparity and the amplification."""
    out: dict[str, list[dict[str, Any]]] = {}
    for key in recorded["metrics"]:
        entries = []
        harmed = rows[rows["true_harm"].astype(bool)]
        recorded_share = harmed.groupby(harmed[key].fillna("(missing)").astype(str))[
            "harm_recorded"
        ].mean()
        for value, measured in recorded["metrics"][key].items():
            ratio_recorded = recorded["disparities"][key][value]
            ratio_true = true["disparities"][key][value]
            pprev, harm_ratio = ratio_recorded["pprev"], ratio_true["base_rate"]
            entries.append(
                {
                    "group": value,
                    "n": measured["n"],
                    "recorded_rate": measured["base_rate"],
                    "true_harm_rate": true["metrics"][key][value]["base_rate"],
                    "harm_recorded_share": _number(recorded_share.get(value)),
                    "recorded_rate_disparity": ratio_recorded["base_rate"],
                    "true_harm_disparity": harm_ratio,
                    "flag_rate": measured["pprev"],
                    "flag_rate_disparity": pprev,
                    "amplification": (
                        pprev / harm_ratio if pprev is not None and harm_ratio else None
                    ),
                    "true_harm_tpr": true["metrics"][key][value]["tpr"],
                }
            )
        out[key] = entries
    return out


def _number(value: Any) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)
