"""Hand-made alerts for store tests: the fields a monthly run would publish."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from earlyhelp.alerts.policy import Policy, load_policy

POLICY_FILE = Path(__file__).resolve().parents[2] / "config" / "policy.yaml"


def policy() -> Policy:
    """The shipped policy."""
    return load_policy(POLICY_FILE)


def alert_fields(unit_id: str, score: float = 0.5, team: str = "safeguarding") -> dict[str, Any]:
    """One alert's fields, as :func:`earlyhelp.alerts.run.alert_fields` gives them."""
    return {
        "team": team,
        "kind": "new",
        "unit_type": "person",
        "unit_id": unit_id,
        "household_id": f"H-{unit_id}",
        "assigned_to": None,
        "ventile": 20,
        "band": "high",
        "score": score,
        "probability": 0.1,
        "probability_low": 0.05,
        "probability_high": 0.2,
        "band_precision": 0.09,
        "band_precision_low": 0.06,
        "band_precision_high": 0.13,
        "band_rows": 500,
        "band_positives": 45,
        "subjects": [{"unit_id": unit_id}],
        "factors": [{"feature": "age", "text": "aged 7"}],
        "household_members": [],
    }
