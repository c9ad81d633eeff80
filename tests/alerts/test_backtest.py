"""The backtest on a small council: refits see only closed labels, every list keeps to
capacity, the three success definitions are consistent, the outputs are written."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from earlyhelp.alerts.backtest import backtest
from earlyhelp.alerts.policy import load_policy
from earlyhelp.cli import app
from earlyhelp.errors import RunError
from earlyhelp.modelling.splits import add_months
from earlyhelp.outcomes.registry import OUTCOMES
from earlyhelp.warehouse.schema import connect
from tests.store.alert_rows import POLICY_FILE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def replayed(
    linked_small_council: Path,
    small_councils: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("backtest")
    shutil.copy(linked_small_council, folder / "warehouse.duckdb")
    con = connect(folder / "warehouse.duckdb")
    chosen = {name: OUTCOMES[name] for name in ("safeguarding", "debt")}
    report = backtest(
        con,
        load_policy(POLICY_FILE),
        "2023-11",
        "2024-02",
        chosen,
        small_councils["a"] / "truth",
        refit_months=3,
    )
    con.close()
    return report


def _shares(row: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for k, v in row.items() if isinstance(v, dict) and "rate" in v]


def test_each_refit_learns_only_from_labels_closed_before_it(replayed: dict[str, Any]) -> None:
    for outcome in replayed["outcomes"].values():
        assert len(outcome["refits"]) == 2  # 2023-11 and 2024-02
        for refit in outcome["refits"]:
            last = dt.date.fromisoformat(refit["trained_on"].split(" to ")[1])
            assert add_months(last, 12) <= dt.date.fromisoformat(refit["at"])


def test_every_list_keeps_to_capacity_and_gives_sound_intervals(replayed: dict[str, Any]) -> None:
    policy = load_policy(POLICY_FILE)
    for name, outcome in replayed["outcomes"].items():
        capacity = policy.alerts[name].capacity
        assert set(outcome["lists"]) == {"model", "logistic", "rules", "random", "oracle"}
        for list_name, kinds in outcome["lists"].items():
            for month in outcome["monthly"][list_name]:
                assert month["alerts"] <= capacity
            for row in kinds.values():
                for share in _shares(row):
                    if share["rate"] is not None:
                        assert share["low"] <= share["rate"] <= share["high"]
                        assert 0 <= share["rate"] <= 1


def test_a_recorded_plan_is_also_a_known_success(replayed: dict[str, Any]) -> None:
    """A child protection plan is a CSC event in the window: the loose definition includes it."""
    safeguarding = replayed["outcomes"]["safeguarding"]
    for kinds in safeguarding["lists"].values():
        row = kinds["all"]
        if row["alerts"]:
            assert row["known"]["rate"] >= row["recorded"]["rate"]
            assert row["true_harm"] is not None
    assert replayed["outcomes"]["debt"]["lists"]["model"]["all"]["true_harm"] is None


def test_months_whose_outcomes_are_not_yet_known_are_refused(
    linked_small_council: Path, tmp_path: Path
) -> None:
    shutil.copy(linked_small_council, tmp_path / "warehouse.duckdb")
    con = connect(tmp_path / "warehouse.duckdb")
    with pytest.raises(RunError, match="known only for months up to 2025-01"):
        backtest(con, load_policy(POLICY_FILE), "2024-06", "2025-06", {"debt": OUTCOMES["debt"]})
    con.close()


def test_the_command_writes_its_table_json_and_plot(
    linked_small_council: Path, tmp_path: Path
) -> None:
    shutil.copy(linked_small_council, tmp_path / "warehouse.duckdb")
    result = CliRunner().invoke(
        app,
        [
            "backtest",
            "--from",
            "2024-01",
            "--to",
            "2024-02",
            "--outcome",
            "debt",
            "--policy",
            str(POLICY_FILE),
            "--warehouse",
            str(tmp_path / "warehouse.duckdb"),
            "--json",
            str(tmp_path / "bt.json"),
            "--plot",
            str(tmp_path / "bt.png"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "debt -> revenues" in result.output and "base rate" in result.output
    report = json.loads((tmp_path / "bt.json").read_text())
    assert report["outcomes"]["debt"]["months"] == ["2024-01", "2024-02"]
    assert (tmp_path / "bt.png").read_bytes()[:4] == b"\x89PNG"
