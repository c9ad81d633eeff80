"""`earlyhelp run --month YYYY-MM`: every outcome scored with its promoted model at the month's
first day, the scores kept in the warehouse, and the alerts the policy allows published to the
store in one transaction.

Nothing is published unless every outcome could be scored, and a month already published with
the same models and policy is left as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from earlyhelp.alerts.candidates import (
    household_members,
    involved_units,
    low_months,
    unit_people,
)
from earlyhelp.alerts.evidence import Evidence, ventiles
from earlyhelp.alerts.policy import OutcomePolicy, Policy
from earlyhelp.alerts.select import RISK_FIELDS, AlertDraft, select_alerts
from earlyhelp.errors import PolicyError, RunError
from earlyhelp.features.build import create_feature_matrix
from earlyhelp.features.states import WEIGHTED_SIGNALS
from earlyhelp.modelling.dataset import assemble
from earlyhelp.modelling.explain import top_factors_frame
from earlyhelp.modelling.registry import LoadedModel, ModelRegistry, RegistryError
from earlyhelp.modelling.score import WHOSE, attributed
from earlyhelp.modelling.splits import add_months
from earlyhelp.outcomes.base import Outcome
from earlyhelp.outcomes.registry import OUTCOMES
from earlyhelp.store import alerts as store_alerts
from earlyhelp.store.db import Store
from earlyhelp.store.optouts import opted_out
from earlyhelp.warehouse.scores import write_scores

FACTORS_SHOWN = 5
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def month_start(month: str) -> dt.date:
    """The first day of a ``YYYY-MM`` month, or a clear error."""
    found = _MONTH.fullmatch(month)
    if not found:
        raise RunError(f"--month takes a month as YYYY-MM, not {month!r}")
    return dt.date(int(found[1]), int(found[2]), 1)


def month_name(day: dt.date) -> str:
    """``YYYY-MM`` of a date."""
    return f"{day.year:04d}-{day.month:02d}"


def latest_month(con: duckdb.DuckDBPyConnection) -> str:
    """The month after the latest date the council knew anything: the one to run next."""
    row = con.execute("SELECT max(known_date) FROM current_event").fetchone()
    if row is None or row[0] is None:
        raise RunError("the warehouse holds no events: run `earlyhelp ingest` and `link` first")
    return month_name(add_months(dt.date(row[0].year, row[0].month, 1), 1))


def promoted_models(registry: ModelRegistry, outcomes: Sequence[str]) -> dict[str, LoadedModel]:
    """Each outcome's promoted model, or an error naming the command that promotes one."""
    out = {}
    for name in outcomes:
        version = registry.promoted(name)
        if version is None:
            raise RunError(
                f"{name} has no promoted model: choose one with "
                f"`earlyhelp models promote {name} VERSION --by NAME --reason TEXT` "
                "(`earlyhelp models list` shows the versions and their evidence)"
            )
        try:
            out[name] = registry.get(name, version)
        except RegistryError as error:
            raise RunError(f"{name}'s promoted model cannot be loaded: {error}") from error
    return out


def readable_factors(
    factors: list[dict[str, Any]], shown: int = FACTORS_SHOWN
) -> list[dict[str, Any]]:
    """The factors a practitioner can check against the record, strongest first."""
    return [f for f in factors if f["feature"] not in WEIGHTED_SIGNALS][:shown]


def score_cohort(
    con: duckdb.DuckDBPyConnection,
    outcome: Outcome,
    model: LoadedModel,
    as_of: dt.date,
    policy: Policy,
) -> pd.DataFrame:
    """Every cohort unit's raw score, bounded probability, ventile, band and readable factors,
    with the features the policy reads (the feature matrix must hold ``as_of``)."""
    data = assemble(con, outcome, [as_of], reuse_features=True)
    evidence = Evidence.of(model.metrics, f"{outcome.name} {model.version}")
    rows = model.feature_frame(data)
    raw = model.predict_raw(rows) if len(data) else np.zeros(0)
    bounded = evidence.probability(raw) if len(data) else np.zeros((0, 3))
    frame = data[["unit_id", "household_id"]].copy()
    frame["unit_id"] = frame["unit_id"].astype(str)
    frame = frame.assign(
        outcome=outcome.name,
        unit_type=outcome.unit,
        as_of=as_of,
        model_version=model.version,
        score=raw,
        probability=bounded[:, 0],
        probability_low=bounded[:, 1],
        probability_high=bounded[:, 2],
        ventile=ventiles(raw),
    )
    frame["band"] = [policy.bands.name(int(v)) for v in frame["ventile"]]
    factors = (
        top_factors_frame(model.booster, rows, FACTORS_SHOWN + len(WEIGHTED_SIGNALS))[
            "top_factors"
        ].map(readable_factors)
        if len(data)
        else pd.Series([], dtype=object)
    )
    whose = WHOSE.get(outcome.unit)
    if whose:
        factors = factors.map(lambda listed: attributed(listed, whose))
    frame["factors"] = list(factors)
    rule = policy.rule(outcome.name)
    if rule.open_case is not None:
        if rule.open_case not in data.columns:
            raise PolicyError(
                f"alerts.{outcome.name}.open_case: {rule.open_case!r} is not a feature "
                "(see docs/models.md for the features)"
            )
        frame["open_case"] = data[rule.open_case].to_numpy() == 1
    else:
        frame["open_case"] = False
    return frame


def gate_columns(
    con: duckdb.DuckDBPyConnection,
    scored: pd.DataFrame,
    rule: OutcomePolicy,
    outcome: Outcome,
    as_of: dt.date,
    opted: set[str],
) -> pd.DataFrame:
    """The scored cohort with ``involved``, ``low_months`` and ``opted_out`` added."""
    units = scored["unit_id"].tolist()
    out = scored.copy()
    if rule.involvement is not None:
        known = involved_units(
            con, outcome.unit, units, as_of, rule.involvement.services, rule.involvement.months
        )
        out["involved"] = out["unit_id"].isin(known)
    else:
        out["involved"] = True
    if rule.step_down is not None:
        out["low_months"] = low_months(
            con,
            outcome.name,
            str(scored["model_version"].iloc[0]) if len(scored) else "",
            as_of,
            out.set_index("unit_id")["probability"],
            rule.step_down.below,
            rule.step_down.months,
        )
    else:
        out["low_months"] = 0
    if opted:
        people = unit_people(con, outcome.unit, units, as_of)
        blocked = set(people.loc[people["person_id"].isin(opted), "unit_id"].astype(str))
        out["opted_out"] = out["unit_id"].isin(blocked | opted)
    else:
        out["opted_out"] = False
    return out


def alert_fields(
    draft: AlertDraft,
    team: str,
    evidence: Evidence,
    members: dict[str, list[dict[str, object]]],
) -> dict[str, Any]:
    """What the store keeps of a draft: never a name, never a recommended action."""
    lead = draft.lead
    band = evidence.band(int(lead["ventile"]))
    return {
        "team": team,
        "kind": draft.kind,
        "unit_type": draft.unit_type,
        "unit_id": draft.unit_id,
        "household_id": draft.household_id,
        "assigned_to": None,  # extracts carry no allocation; the case's worker is found there
        **{name: lead[name] for name in RISK_FIELDS},  # the lead subject's, as selected
        "band_precision": float(band["precision"]),
        "band_precision_low": float(band["low"]),
        "band_precision_high": float(band["high"]),
        "band_rows": int(band["rows"]),
        "band_positives": int(band["positives"]),
        "subjects": draft.subjects,
        "factors": lead["factors"],
        "household_members": members.get(draft.household_id or "", []),
    }


@dataclass(frozen=True)
class OutcomeRun:
    """What the run did for one outcome."""

    outcome: str
    team: str
    model_version: str
    scored: int
    alerts: dict[str, int]  # kind -> count
    status: str  # published | unchanged | replaced


def run_month(
    con: duckdb.DuckDBPyConnection,
    store: Store,
    policy: Policy,
    registry: ModelRegistry,
    month: str,
    *,
    by: str,
    replace: bool = False,
    reason: str | None = None,
    outcomes: Sequence[str] | None = None,
) -> list[OutcomeRun]:
    """Score, gate and publish one month for every outcome (or those named)."""
    as_of = month_start(month)
    names = list(outcomes or OUTCOMES)
    unknown = sorted(set(names) - set(OUTCOMES))
    if unknown:
        raise RunError(f"unknown outcome(s) {unknown}; choose from {sorted(OUTCOMES)}")
    rules = {name: policy.rule(name) for name in names}
    models = promoted_models(registry, names)
    with store.session() as session:  # refuse before any work, not after
        existing = {
            name: store_alerts.check_publishable(
                session, month, name, models[name].version, policy.sha256, replace
            )
            for name in names
        }
        opted = opted_out(session)
    same = {
        n: e is not None
        and e.model_version == models[n].version
        and e.policy_sha256 == policy.sha256
        for n, e in existing.items()
    }
    # --replace replaces what changed; only when nothing has does it publish the month afresh
    todo = [n for n in names if not same[n]] or (names if replace else [])
    if any(existing[n] is not None for n in todo) and not (reason or "").strip():
        raise RunError("--replace needs --reason: why this month's alerts are replaced")
    unchanged = [
        OutcomeRun(n, rules[n].team, models[n].version, 0, {}, "unchanged")
        for n in names
        if n not in todo
    ]
    if not todo:
        return unchanged
    create_feature_matrix(con, [as_of])
    drafts: dict[str, list[dict[str, Any]]] = {}
    scored_counts: dict[str, int] = {}
    cool_down: dict[str, list[str]] = {
        n: [month_name(add_months(as_of, -k)) for k in range(1, rules[n].cool_down_months + 1)]
        for n in todo
    }
    with store.session() as session:
        recent = {n: store_alerts.recent_bands(session, n, cool_down[n]) for n in todo}
    for name in todo:
        outcome, model, rule = OUTCOMES[name], models[name], rules[name]
        scored = score_cohort(con, outcome, model, as_of, policy)
        write_scores(con, name, as_of, model.version, scored)
        candidates = gate_columns(con, scored, rule, outcome, as_of, opted)
        chosen = select_alerts(candidates, rule, outcome.unit, recent[name])
        households = [d.household_id for d in chosen if d.household_id]
        members = household_members(con, households, as_of) if households else {}
        shown = {  # an opted-out person is not listed, even as a member of someone's household
            h: [m for m in listed if m["person_id"] not in opted] for h, listed in members.items()
        }
        evidence = Evidence.of(model.metrics, f"{name} {model.version}")
        drafts[name] = [alert_fields(d, rule.team, evidence, shown) for d in chosen]
        scored_counts[name] = len(scored)
    results = []
    with store.session() as session:  # every outcome's alerts, all or nothing
        for name in todo:
            done = store_alerts.publish(
                session,
                month=month,
                outcome=name,
                model_version=models[name].version,
                as_of=as_of,
                policy_sha256=policy.sha256,
                by=by,
                alerts=drafts[name],
                replace=replace,
                reason=reason,
            )
            kinds: dict[str, int] = {}
            for fields in drafts[name]:
                kinds[fields["kind"]] = kinds.get(fields["kind"], 0) + 1
            results.append(
                OutcomeRun(
                    name,
                    rules[name].team,
                    models[name].version,
                    scored_counts[name],
                    kinds if done.status != "unchanged" else {},
                    done.status,
                )
            )
    return sorted(results + unchanged, key=lambda r: names.index(r.outcome))
