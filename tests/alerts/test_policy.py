"""policy.yaml: the shipped file loads; mistakes name the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from earlyhelp.alerts.policy import load_policy
from earlyhelp.errors import PolicyError
from earlyhelp.outcomes.registry import OUTCOMES
from tests.store.alert_rows import POLICY_FILE


def test_the_shipped_policy_covers_every_outcome() -> None:
    policy = load_policy(POLICY_FILE)
    assert set(policy.alerts) == set(OUTCOMES)
    assert len(policy.sha256) == 64
    assert policy.bands.name(20) == "high" and policy.bands.name(1) == "low"


def _broken(tmp_path: Path, change: dict[str, object]) -> Path:
    document = yaml.safe_load(POLICY_FILE.read_text())
    for dotted, value in change.items():
        *parents, leaf = dotted.split(".")
        here = document
        for key in parents:
            here = here[key]
        here[leaf] = value
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"alerts.debt.capasity": 3}, "alerts.debt.capasity"),
        ({"alerts.debt.capacity": -1}, "alerts.debt.capacity"),
        ({"alerts.debt.team": "finance"}, "alerts.debt.team"),
        ({"alerts.youth_asb.step_down": {"below": 0.1}}, "step_down needs open_case"),
        ({"bands.medium": 20, "bands.high": 18}, "medium must start"),
    ],
)
def test_a_mistake_names_the_file_and_the_key(
    tmp_path: Path, change: dict[str, object], named: str
) -> None:
    path = _broken(tmp_path, change)
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    assert str(path) in str(raised.value) and named in str(raised.value)


def test_unreadable_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("teams: [unclosed\n")
    with pytest.raises(PolicyError, match="not valid YAML"):
        load_policy(bad)
