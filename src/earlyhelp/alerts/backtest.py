"""`earlyhelp backtest`: the monthly run replayed over history, to measure what its alerts would
have found, honestly, beside the lists a council could have used instead.

Each month is scored by a model trained only on what was known then: refitted every
``refit_months`` (yearly by default) on the quarterly as-of dates whose label windows had closed,
validated and calibrated out of time exactly as `earlyhelp train` does. The policy is applied as
configured. Every list goes through the same gates (involvement, household grouping, cool-down,
capacity); only the model's list has a calibrated probability, so the minimum-probability gate
and step-down prompts apply to it alone.

Success is reported under three stated definitions, side by side:

* ``recorded``: the outcome happened within 12 months (the label the model learned);
* ``known``: someone in the alert was known to a listed service in the 12 months before, or came
  to its notice in the 12 months after. Alerts pass an involvement gate, so this is high for any
  list: it is how a figure like "80 percent success" is made, shown so that it can be seen;
* ``true_harm`` (synthetic council only, safeguarding): a child in the alert was truly harmed
  within 12 months, recorded or not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from earlyhelp.alerts.candidates import involved_units, known_units
from earlyhelp.alerts.evidence import Evidence, alert_evidence, ventiles
from earlyhelp.alerts.policy import OutcomePolicy, Policy
from earlyhelp.alerts.rules_list import rules_score
from earlyhelp.alerts.run import month_name, month_start
from earlyhelp.alerts.select import AlertDraft, select_alerts
from earlyhelp.errors import RunError
from earlyhelp.features.build import create_feature_matrix
from earlyhelp.modelling.against_oracle import attach_oracle, true_units
from earlyhelp.modelling.as_of import quarterly_as_of
from earlyhelp.modelling.dataset import assemble
from earlyhelp.modelling.metrics import proportion_interval
from earlyhelp.modelling.splits import add_months
from earlyhelp.modelling.train import (
    capacity_for,
    feature_columns,
    fit_final,
    fit_logistic,
    proba,
    training_set,
    validate_outcome,
)
from earlyhelp.outcomes.base import Outcome

LISTS = ("model", "logistic", "rules", "random", "oracle")
KINDS = ("all", "new", "additional_report", "step_down")
WINDOW = 12  # months over which every success definition looks ahead


@dataclass
class Refit:
    """A model as it would have been trained at one date."""

    at: dt.date
    dates: list[dt.date]
    features: list[str]
    booster: Any
    logistic: Any
    evidence: Evidence


@dataclass
class Tally:
    """Counts behind one row of the report."""

    alerts: int = 0
    recorded: int = 0
    known: int = 0
    harm: int = 0
    harm_judged: int = 0
    open: int = 0
    per_month: dict[str, list[int]] = field(default_factory=dict)  # month -> [alerts, recorded]


def months_between(first: str, last: str) -> list[dt.date]:
    """Every month's first day from ``first`` to ``last``, inclusive."""
    start, end = month_start(first), month_start(last)
    if end < start:
        raise RunError(f"--to {last} is before --from {first}")
    out = []
    while start <= end:
        out.append(start)
        start = add_months(start, 1)
    return out


def _judgeable_until(con: duckdb.DuckDBPyConnection) -> dt.date:
    row = con.execute("SELECT max(event_date) FROM current_event").fetchone()
    if row is None or row[0] is None:
        raise RunError("the warehouse holds no events: run `earlyhelp ingest` and `link` first")
    return add_months(dt.date(row[0].year, row[0].month, 1), 1 - WINDOW)


def _refit(history: pd.DataFrame, at: dt.date, seed: int) -> Refit:
    """Train, validate and calibrate on the dates whose labels had closed by ``at``."""
    closed = history[history["as_of"].dt.date.map(lambda d: add_months(d, WINDOW) <= at)]
    dates = sorted(set(closed["as_of"].dt.date))
    try:
        # One earlier date may be all a fold can learn from at the first refit: it is what
        # the council could have known then.
        validation = validate_outcome(
            closed, capacity=capacity_for(closed), seed=seed, min_train_dates=1
        )
    except ValueError as error:
        raise RunError(
            f"at {at} only {len(dates)} as-of dates had closed labels: too little history to "
            "train and validate a model; start the backtest later"
        ) from error
    final = fit_final(closed, validation, seed)
    columns = feature_columns(closed)
    logistic = fit_logistic(training_set(closed, seed), columns)
    evidence = Evidence(alert_evidence(validation.scores), f"the model of {at}")
    return Refit(at, dates, final.features, final.booster, logistic, evidence)


def _recent(
    alerts: list[tuple[str, AlertDraft]], day: dt.date, months: int
) -> dict[tuple[str, str], str]:
    """Each list's own alerts within the cool-down, as :func:`select_alerts` reads them."""
    from earlyhelp.alerts.policy import BAND_ORDER

    window = {month_name(add_months(day, -k)) for k in range(1, months + 1)}
    out: dict[tuple[str, str], str] = {}
    for month, draft in alerts:
        if month in window:
            band = draft.lead["band"]
            for key in draft.cool_down_keys:
                if key not in out or BAND_ORDER[band] > BAND_ORDER[out[key]]:
                    out[key] = band
    return out


def backtest_outcome(
    con: duckdb.DuckDBPyConnection,
    outcome: Outcome,
    rule: OutcomePolicy,
    policy: Policy,
    months: Sequence[dt.date],
    training_dates: Sequence[dt.date],
    truth: Path | None,
    seed: int = 1,
    refit_months: int = 12,
) -> dict[str, Any]:
    """One outcome's replay: every list's alerts each month, and their tallies."""
    history = assemble(con, outcome, training_dates, reuse_features=True)
    monthly = assemble(con, outcome, months, reuse_features=True)
    monthly["unit_id"] = monthly["unit_id"].astype(str)
    refits: list[Refit] = []
    tallies = {name: {kind: Tally() for kind in KINDS} for name in LISTS}
    raised: dict[str, list[tuple[str, AlertDraft]]] = {name: [] for name in LISTS}
    cohort_positives = 0
    cohort_rows = 0
    # recall counts people (or households, accounts), not person-months: a unit with the
    # outcome in view for a year is one outcome to find, found if alerted while it was ahead
    positive_units: set[str] = set()
    oracle_positive_units: set[str] = set()
    alerted_units: dict[str, set[str]] = {name: set() for name in LISTS}
    oracle_months = 0
    previous_low: dict[str, int] = {}
    rng = np.random.default_rng(seed)
    services = rule.involvement.services if rule.involvement else ()
    all_services = sorted(
        {str(s) for (s,) in con.execute("SELECT DISTINCT system FROM current_event").fetchall()}
    )
    harm = _harm(truth) if truth is not None and outcome.name == "safeguarding" else None
    for day in months:
        if not refits or add_months(refits[-1].at, refit_months) <= day:
            refits.append(_refit(history, day, seed + len(refits)))
        model = refits[-1]
        rows = monthly[monthly["as_of"].dt.date == day].reset_index(drop=True)
        if rows.empty:
            continue
        labels = dict(zip(rows["unit_id"], rows["label"].astype(bool), strict=True))
        cohort_positives += int(rows["label"].sum())
        positive_units |= {u for u, hit in labels.items() if hit}
        cohort_rows += len(rows)
        raw = proba(model.booster, rows[model.features])
        bounded = model.evidence.probability(raw)
        base = rows[["unit_id", "household_id"]].assign(
            probability=bounded[:, 0],
            probability_low=bounded[:, 1],
            probability_high=bounded[:, 2],
            factors=[[] for _ in range(len(rows))],
            open_case=(rows[rule.open_case].to_numpy() == 1) if rule.open_case else False,
            opted_out=False,
        )
        units = base["unit_id"].tolist()
        base["involved"] = (
            base["unit_id"].isin(
                involved_units(con, outcome.unit, units, day, services, rule.involvement.months)
            )
            if rule.involvement
            else True
        )
        low_now = base["probability"].to_numpy() < (rule.step_down.below if rule.step_down else 0)
        run_of_low = [
            previous_low.get(u, 0) + 1 if low else 0 for u, low in zip(units, low_now, strict=True)
        ]
        previous_low = dict(zip(units, run_of_low, strict=True))
        known = known_units(
            con,
            outcome.unit,
            units,
            services or all_services,
            add_months(day, -WINDOW),
            add_months(day, WINDOW),
        )
        harmed = _harmed(con, truth, harm, rows, day) if harm is not None else None
        scores: dict[str, np.ndarray | None] = {
            "model": raw,
            "logistic": proba(model.logistic, rows[model.features].fillna(-1)),
            "rules": rules_score(rows).to_numpy(dtype=np.float64),
            "random": rng.random(len(rows)),
            "oracle": _oracle(con, truth, outcome, rows) if truth is not None else None,
        }
        if scores["oracle"] is not None:
            oracle_months += 1
            oracle_positive_units |= {u for u, hit in labels.items() if hit}
        for name, score in scores.items():
            if score is None:
                continue
            candidates = base.assign(score=score, ventile=ventiles(score))
            candidates["band"] = [policy.bands.name(int(v)) for v in candidates["ventile"]]
            if name == "model":
                candidates["low_months"] = run_of_low
                list_rule = rule
            else:  # no calibrated probability: no minimum-probability gate, no step-downs
                candidates["low_months"] = 0
                candidates["probability"] = 1.0
                list_rule = rule.model_copy(update={"min_probability": 0.0, "step_down": None})
            recent = _recent(raised[name], day, rule.cool_down_months)
            drafts = select_alerts(candidates, list_rule, outcome.unit, recent)
            raised[name] += [(month_name(day), d) for d in drafts]
            seen_positive: set[str] = set()
            for draft in drafts:
                ids = [s["unit_id"] for s in draft.subjects]
                hit = any(labels.get(i, False) for i in ids)
                if draft.kind != "step_down":
                    seen_positive |= {i for i in ids if labels.get(i, False)}
                # "all" is the alerts proper; step-down prompts are reported on their own
                for kind in ("all", draft.kind) if draft.kind != "step_down" else (draft.kind,):
                    tally = tallies[name][kind]
                    tally.alerts += 1
                    tally.recorded += hit
                    tally.known += any(i in known for i in ids)
                    tally.open += draft.kind == "additional_report"
                    if harmed is not None:
                        tally.harm_judged += 1
                        tally.harm += any(i in harmed for i in ids)
                    month = tally.per_month.setdefault(month_name(day), [0, 0])
                    month[0] += 1
                    month[1] += hit
            alerted_units[name] |= seen_positive
    return _report(
        outcome,
        rule,
        months,
        tallies,
        refits,
        cohort_rows,
        cohort_positives,
        {name: len(found) for name, found in alerted_units.items()},
        oracle_months,
        len(positive_units),
        len(oracle_positive_units),
        truth is not None,
        harm is not None,
    )


def _harm(truth: Path) -> pd.DataFrame:
    harm = pd.read_parquet(truth / "harm.parquet", columns=["person_id", "harm_date"])
    harm["harm_date"] = pd.to_datetime(harm["harm_date"])
    return harm


def _harmed(
    con: duckdb.DuckDBPyConnection,
    truth: Path | None,
    harm: pd.DataFrame,
    rows: pd.DataFrame,
    day: dt.date,
) -> set[str]:
    """Cohort units (children) truly harmed within the window, recorded or not."""
    assert truth is not None
    true_id = true_units(con, truth, "person", rows[["unit_id"]])
    start, end = pd.Timestamp(day), pd.Timestamp(add_months(day, WINDOW))
    hurt = set(harm.loc[(harm["harm_date"] >= start) & (harm["harm_date"] < end), "person_id"])
    return {u for u, t in zip(rows["unit_id"], true_id, strict=True) if pd.notna(t) and t in hurt}


def _oracle(
    con: duckdb.DuckDBPyConnection, truth: Path | None, outcome: Outcome, rows: pd.DataFrame
) -> np.ndarray | None:
    """The oracle's risk for each row, at the quarter starts where the truth holds it."""
    assert truth is not None
    found = attach_oracle(con, truth, outcome.name, outcome.unit, rows[["unit_id", "as_of"]])
    risk = found["oracle_risk"].to_numpy(dtype=np.float64)
    if np.isnan(risk).all():
        return None
    return np.asarray(np.nan_to_num(risk, nan=-1.0))  # a unit the truth cannot place: last


def _share(successes: int, trials: int) -> dict[str, float | int | None]:
    if trials == 0:
        return {"rate": None, "low": None, "high": None, "n": 0}
    low, high = proportion_interval(successes, trials)
    return {"rate": successes / trials, "low": low, "high": high, "n": trials}


def _report(
    outcome: Outcome,
    rule: OutcomePolicy,
    months: Sequence[dt.date],
    tallies: dict[str, dict[str, Tally]],
    refits: list[Refit],
    cohort_rows: int,
    cohort_positives: int,
    alerted_positives: dict[str, int],
    oracle_months: int,
    positive_units: int,
    oracle_positive_units: int,
    synthetic: bool,
    harm_defined: bool,
) -> dict[str, Any]:
    base_rate = cohort_positives / cohort_rows if cohort_rows else 0.0
    lists: dict[str, Any] = {}
    monthly: dict[str, list[dict[str, Any]]] = {}
    for name, kinds in tallies.items():
        if name == "oracle" and not synthetic:
            continue
        if name == "oracle" and oracle_months == 0:
            continue
        months_scored = oracle_months if name == "oracle" else len(months)
        rows = {}
        for kind, t in kinds.items():
            if t.alerts == 0 and kind != "all":
                continue
            recorded = _share(t.recorded, t.alerts)
            rows[kind] = {
                "alerts": t.alerts,
                "alerts_per_month": t.alerts / months_scored if months_scored else 0.0,
                "recorded": recorded,
                "known": _share(t.known, t.alerts),
                "true_harm": _share(t.harm, t.harm_judged) if harm_defined else None,
                "lift": (recorded["rate"] / base_rate)
                if recorded["rate"] is not None and base_rate
                else None,
                "open_share": _share(t.open, t.alerts),
            }
        positives = oracle_positive_units if name == "oracle" else positive_units
        rows["all"]["recall"] = _share(alerted_positives[name], positives)
        lists[name] = rows
        monthly[name] = [
            {"month": m, "alerts": a, **_share(hit, a)}
            for m, (a, hit) in sorted(kinds["all"].per_month.items())
        ]
    watched = ", ".join(rule.involvement.services) if rule.involvement else "any service"
    notes = [
        "'all': new alerts and additional reports; step-down prompts are a row of their own",
        "comparison lists pass the same involvement gate, household grouping, cool-down and "
        "capacity as the model's; only the model's list has a minimum probability and "
        "step-down prompts",
        "recall: of the units with the outcome ahead in any month, the share alerted in such a "
        "month",
        "refits learn from labels whose 12 months had passed; an outcome recorded late (after "
        "the refit) still counts, as the council would see it when it trains",
        "intervals: Jeffreys 95%, alerts taken as independent (a unit alerted again after its "
        "cool-down counts again)",
    ]
    if synthetic:
        notes.append(
            f"oracle: scored at quarter starts only ({oracle_months} of {len(months)} months), "
            "where the synthetic council's truth holds its risk"
        )
    if not harm_defined:
        notes.append("true harm is defined for safeguarding on the synthetic council only")
    return {
        "outcome": outcome.name,
        "team": rule.team,
        "capacity": rule.capacity,
        "months": [month_name(m) for m in months],
        "cohort_rows": cohort_rows,
        "base_rate": _share(cohort_positives, cohort_rows),
        "refits": [
            {"at": str(r.at), "trained_on": f"{r.dates[0]} to {r.dates[-1]}", "dates": len(r.dates)}
            for r in refits
        ],
        "known_means": f"known to {watched} in the {WINDOW} months before or after the alert",
        "lists": lists,
        "monthly": monthly,
        "notes": notes,
    }


def backtest(
    con: duckdb.DuckDBPyConnection,
    policy: Policy,
    first: str,
    last: str,
    outcomes: dict[str, Outcome],
    truth: Path | None = None,
    seed: int = 1,
    refit_months: int = 12,
) -> dict[str, Any]:
    """Every named outcome's replay from month ``first`` to ``last``."""
    months = months_between(first, last)
    judged = _judgeable_until(con)
    if months[-1] > judged:
        raise RunError(
            f"--to {last}: outcomes are known only for months up to {month_name(judged)} "
            f"(each alert is judged over the {WINDOW} months after it)"
        )
    rules = {name: policy.rule(name) for name in outcomes}
    training = [d for d in quarterly_as_of(con) if d < months[-1]]
    create_feature_matrix(con, sorted(set(training) | set(months)))
    return {
        "from": first,
        "to": last,
        "refit_months": refit_months,
        "seed": seed,
        "policy_sha256": policy.sha256,
        "outcomes": {
            name: backtest_outcome(
                con, outcome, rules[name], policy, months, training, truth, seed, refit_months
            )
            for name, outcome in outcomes.items()
        },
    }
