"""An alert in words, as the command line shows it: who (by pseudonymous id), how strong the
risk is and how sure, why (the factors present), the household, and what has been done. It
never says what to do: that is the practitioner's decision."""

from __future__ import annotations

from earlyhelp.outcomes.registry import OUTCOMES
from earlyhelp.store.models import Alert

KIND_WORDS = {
    "new": "new alert",
    "additional_report": "additional report for the worker on the open case",
    "step_down": "step-down review: the risk has stayed low on an open case",
}
UNIT_WORDS = {"person": "people", "household": "households", "account": "accounts"}


def band_sentence(alert: Alert) -> str:
    """The band's measured precision in the test years, as a sentence."""
    outcome = OUTCOMES.get(alert.outcome)
    what = outcome.description if outcome else alert.outcome
    unit = UNIT_WORDS.get(outcome.unit if outcome else "", "units")
    return (
        f"Of {unit} in this band ({alert.ventile}/20) in the test years, "
        f"{alert.band_precision:.0%} (95% CI {alert.band_precision_low:.0%}-"
        f"{alert.band_precision_high:.0%}; {alert.band_positives} of {alert.band_rows}) went on "
        f"to: {what}."
    )


def describe_alert(alert: Alert) -> str:
    """Several lines of plain text."""
    lines = [
        f"Alert {alert.id}: {KIND_WORDS.get(alert.kind, alert.kind)} for {alert.team}, "
        f"{alert.month}, {alert.outcome}"
        + (" (replaced by a later run; kept as history)" if alert.superseded else ""),
        f"Who: {alert.unit_type} {alert.unit_id}"
        + (
            f", in household {alert.household_id}"
            if alert.household_id and alert.household_id != alert.unit_id
            else ""
        ),
        f"Band: {alert.band} (ventile {alert.ventile} of 20); probability "
        f"{alert.probability:.1%} (95% CI {alert.probability_low:.1%}-"
        f"{alert.probability_high:.1%})",
        band_sentence(alert),
        f"Model: {alert.outcome} {alert.model_version}; status: {alert.status}",
    ]
    if len(alert.subjects) > 1:
        lines.append("Qualifying in this household:")
        lines += [
            f"  {s['unit_id']}: {s['band']} ({s['ventile']}/20), probability {s['probability']:.1%}"
            for s in alert.subjects
        ]
    lines.append(
        f"Factors present for {alert.subjects[0]['unit_id']}:"
        if len(alert.subjects) > 1
        else "Factors present:"
    )
    lines += [f"  - {f['text']}" for f in alert.factors] or ["  (none recorded)"]
    if alert.household_members:
        lines.append("Household members at the as-of date:")
        lines += [
            f"  {m['person_id']}" + ("" if m.get("age") is None else f", aged {m['age']}")
            for m in alert.household_members
        ]
    lines.append("History:")
    lines += [
        f"  {e.at:%Y-%m-%d %H:%M} {e.by}: {e.action} -> {e.to_status}"
        + (f"; decision {e.decision}" if e.decision else "")
        + (f"; outcome {e.outcome}" if e.outcome else "")
        + (f"; {e.reason}" if e.reason else "")
        for e in alert.history
    ]
    return "\n".join(lines)
