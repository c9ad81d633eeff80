"""Alerts in the store: publishing a month in one transaction, their lifecycle, and the live
success rate from what practitioners recorded.

Publishing is all or nothing: a run that fails or is killed leaves the previous month's alerts
exactly as they were. The same month published again with the same model and policy changes
nothing; with another model or policy it is refused unless replaced, and replaced alerts stay,
marked superseded, with their history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from earlyhelp.alerts.policy import BAND_ORDER, Policy
from earlyhelp.errors import AlertError, RunError
from earlyhelp.modelling.metrics import proportion_interval
from earlyhelp.store.db import utcnow
from earlyhelp.store.models import Alert, AlertEvent, DataQualityReport, Publication

NEW, IN_REVIEW, DECIDED, OUTCOME = "new", "in_review", "decided", "outcome_recorded"
STATUSES = (NEW, IN_REVIEW, DECIDED, OUTCOME)
# action -> (the status it starts from, the status it leads to)
TRANSITIONS: dict[str, tuple[str, str]] = {
    "review": (NEW, IN_REVIEW),
    "decide": (IN_REVIEW, DECIDED),
    "outcome": (DECIDED, OUTCOME),
}
BATCH = 500  # alerts flushed at a time while publishing


@dataclass(frozen=True)
class Published:
    """What publishing a month did."""

    status: str  # published | unchanged | replaced
    publication_id: int
    alerts: int


def current_publication(session: Session, month: str, outcome: str) -> Publication | None:
    """The publication in force for an outcome's month."""
    return session.scalars(
        select(Publication).where(
            Publication.month == month,
            Publication.outcome == outcome,
            Publication.replaced_at.is_(None),
        )
    ).first()


def check_publishable(
    session: Session,
    month: str,
    outcome: str,
    model_version: str,
    policy_sha256: str,
    replace: bool,
) -> Publication | None:
    """The publication a run would replace, or an error if it may not; None when nothing is
    published yet. The same model and policy again is not an error: see :func:`publish`."""
    existing = current_publication(session, month, outcome)
    if existing is None or replace:
        return existing
    same = existing.model_version == model_version and existing.policy_sha256 == policy_sha256
    if not same:
        what = (
            f"model {existing.model_version}"
            if existing.model_version != model_version
            else "another policy file"
        )
        raise RunError(
            f"{outcome} for {month} was published at {existing.published_at:%Y-%m-%d %H:%M} "
            f"with {what}; give --replace (and --reason) to publish {model_version} instead: "
            "the alerts already published are kept in history"
        )
    return existing


def publish(
    session: Session,
    *,
    month: str,
    outcome: str,
    model_version: str,
    as_of: dt.date,
    policy_sha256: str,
    by: str,
    alerts: Iterable[dict[str, Any]],
    replace: bool = False,
    reason: str | None = None,
) -> Published:
    """Publish one outcome's alerts for a month inside the caller's transaction."""
    existing = check_publishable(session, month, outcome, model_version, policy_sha256, replace)
    same = (
        existing is not None
        and existing.model_version == model_version
        and existing.policy_sha256 == policy_sha256
    )
    if existing is not None and same and not replace:
        return Published("unchanged", existing.id, existing.alert_count)
    now = utcnow()
    if existing is not None:
        if not (reason or "").strip():
            raise RunError("--replace needs --reason: why this month's alerts are replaced")
        existing.replaced_at = now
        existing.replaced_reason = reason
        for old in existing.alerts:
            old.superseded = True
            session.add(_event(old, by, "superseded", old.status, reason=reason, at=now))
        session.flush()  # the partial unique index admits the new publication only now
    publication = Publication(
        month=month,
        outcome=outcome,
        model_version=model_version,
        as_of=as_of,
        published_at=now,
        published_by=by,
        policy_sha256=policy_sha256,
        alert_count=0,
    )
    session.add(publication)
    session.flush()
    count = 0
    for fields in alerts:
        alert = Alert(
            publication_id=publication.id,
            month=month,
            outcome=outcome,
            model_version=model_version,
            status=NEW,
            superseded=False,
            created_at=now,
            **fields,
        )
        session.add(alert)
        count += 1
        if count % BATCH == 0:
            session.flush()
    session.flush()
    session.add_all(
        _event(a, by, "published", NEW, at=now, from_status=None)
        for a in session.scalars(select(Alert).where(Alert.publication_id == publication.id))
    )
    publication.alert_count = count
    return Published("replaced" if existing else "published", publication.id, count)


def _event(
    alert: Alert,
    by: str,
    action: str,
    to_status: str,
    *,
    at: dt.datetime | None = None,
    from_status: str | None = "",
    decision: str | None = None,
    outcome: str | None = None,
    reason: str | None = None,
) -> AlertEvent:
    return AlertEvent(
        alert_id=alert.id,
        at=at or utcnow(),
        by=by,
        action=action,
        from_status=alert.status if from_status == "" else from_status,
        to_status=to_status,
        decision=decision,
        outcome=outcome,
        reason=reason,
    )


def recent_bands(
    session: Session, outcome: str, months: Sequence[str]
) -> dict[tuple[str, str], str]:
    """The highest band alerted per unit and per person listed in an alert (alerts and
    step-down prompts apart) in ``months``."""
    if not months:
        return {}
    rows = session.execute(
        select(Alert.unit_id, Alert.kind, Alert.band, Alert.subjects).where(
            Alert.outcome == outcome, Alert.month.in_(list(months)), ~Alert.superseded
        )
    ).all()
    out: dict[tuple[str, str], str] = {}
    for unit_id, kind, band, subjects in rows:
        group = "step_down" if kind == "step_down" else "alert"
        for unit in {unit_id, *(str(s["unit_id"]) for s in subjects or [])}:
            key = (unit, group)
            if key not in out or BAND_ORDER[band] > BAND_ORDER[out[key]]:
                out[key] = band
    return out


def get_alert(session: Session, alert_id: int) -> Alert:
    """One alert with its history, or a clear error."""
    alert = session.scalars(
        select(Alert).where(Alert.id == alert_id).options(selectinload(Alert.history))
    ).first()
    if alert is None:
        raise AlertError(f"there is no alert {alert_id}")
    return alert


def list_alerts(
    session: Session,
    *,
    team: str | None = None,
    status: str | None = None,
    month: str | None = None,
    include_superseded: bool = False,
) -> list[Alert]:
    """Alerts, latest month first and the highest score first within it."""
    query = select(Alert)
    if team:
        query = query.where(Alert.team == team)
    if status:
        if status not in STATUSES:
            raise AlertError(f"unknown status {status!r}; choose from {', '.join(STATUSES)}")
        query = query.where(Alert.status == status)
    if month:
        query = query.where(Alert.month == month)
    if not include_superseded:
        query = query.where(~Alert.superseded)
    query = query.order_by(Alert.month.desc(), Alert.score.desc(), Alert.id)
    return list(session.scalars(query).all())


def _step(session: Session, alert_id: int, action: str, by: str) -> Alert:
    """The alert, if ``action`` is allowed from where it is; else a message saying what is."""
    alert = get_alert(session, alert_id)
    if not by.strip():
        raise AlertError("--by is required: who is doing this")
    start, _ = TRANSITIONS[action]
    if alert.superseded:
        raise AlertError(
            f"alert {alert_id} was replaced by a later run of {alert.month}; work the alert "
            "that replaced it"
        )
    if alert.status != start:
        allowed = [name for name, (source, _) in TRANSITIONS.items() if source == alert.status]
        raise AlertError(
            f"alert {alert_id} is {alert.status}: it cannot be given {action!r} "
            f"(from {alert.status} the next step is "
            f"{' or '.join(allowed) if allowed else 'none: its outcome is recorded'})"
        )
    return alert


def start_review(session: Session, alert_id: int, by: str) -> Alert:
    """``new`` -> ``in_review``: someone has opened the alert to work it."""
    alert = _step(session, alert_id, "review", by)
    session.add(_event(alert, by, "review", IN_REVIEW))
    alert.status = IN_REVIEW
    return alert


def decide(
    session: Session, policy: Policy, alert_id: int, by: str, decision: str, reason: str
) -> Alert:
    """``in_review`` -> ``decided``: what the practitioner decided, and why (required)."""
    alert = _step(session, alert_id, "decide", by)
    if decision not in policy.decisions:
        raise AlertError(
            f"unknown decision {decision!r}; choose from {', '.join(policy.decisions)}"
        )
    if not reason.strip():
        raise AlertError("a reason is required for every decision")
    session.add(_event(alert, by, "decide", DECIDED, decision=decision, reason=reason))
    alert.status = DECIDED
    return alert


def record_outcome(
    session: Session,
    policy: Policy,
    alert_id: int,
    by: str,
    outcome: str,
    note: str | None = None,
    source: str | None = None,
    record_id: str | None = None,
) -> Alert:
    """``decided`` -> ``outcome_recorded``: what was found. "Data wrong" names the source and
    record it concerns, and lands in the data-quality list."""
    alert = _step(session, alert_id, "outcome", by)
    if outcome not in policy.outcomes:
        raise AlertError(f"unknown outcome {outcome!r}; choose from {', '.join(policy.outcomes)}")
    if outcome == "data_wrong":
        if not (source and record_id):
            raise AlertError("data_wrong needs --source and --record: which record is wrong")
        session.add(
            DataQualityReport(
                alert_id=alert.id,
                source=source,
                record_id=record_id,
                note=note,
                reported_by=by,
                reported_at=utcnow(),
            )
        )
    session.add(_event(alert, by, "outcome", OUTCOME, outcome=outcome, reason=note))
    alert.status = OUTCOME
    return alert


def data_quality_reports(session: Session) -> list[DataQualityReport]:
    """Records practitioners found wrong, oldest first."""
    return list(session.scalars(select(DataQualityReport).order_by(DataQualityReport.id)).all())


@dataclass(frozen=True)
class SuccessRate:
    """The live success rate of one team's alerts of one outcome and kind."""

    team: str
    outcome: str
    kind: str
    alerts: int
    with_outcome: int
    successes: int
    judged: int  # outcomes that count either way (excluded ones are not judged)
    rate: float | None
    low: float | None
    high: float | None


def success_report(session: Session, policy: Policy, team: str | None = None) -> list[SuccessRate]:
    """From the outcomes practitioners recorded: successes among judged outcomes, with a 95%
    interval, per team, outcome and alert kind."""
    alerts = select(Alert.team, Alert.outcome, Alert.kind, func.count()).where(~Alert.superseded)
    if team:
        alerts = alerts.where(Alert.team == team)
    totals = {
        (t, o, k): n
        for t, o, k, n in session.execute(
            alerts.group_by(Alert.team, Alert.outcome, Alert.kind)
        ).all()
    }
    found = (
        select(Alert.team, Alert.outcome, Alert.kind, AlertEvent.outcome)
        .join(AlertEvent, AlertEvent.alert_id == Alert.id)
        .where(~Alert.superseded, AlertEvent.action == "outcome")
    )
    if team:
        found = found.where(Alert.team == team)
    counts: dict[tuple[str, str, str], list[int]] = {}
    for t, o, k, recorded in session.execute(found).all():
        tally = counts.setdefault((t, o, k), [0, 0, 0])
        tally[0] += 1
        verdict = policy.outcomes.get(recorded or "", "excluded")
        tally[1] += verdict == "success"
        tally[2] += verdict != "excluded"
    out = []
    for key in sorted(totals):
        with_outcome, successes, judged = counts.get(key, [0, 0, 0])
        low, high = proportion_interval(successes, judged) if judged else (None, None)
        out.append(
            SuccessRate(
                *key,
                alerts=totals[key],
                with_outcome=with_outcome,
                successes=successes,
                judged=judged,
                rate=successes / judged if judged else None,
                low=low,
                high=high,
            )
        )
    return out
