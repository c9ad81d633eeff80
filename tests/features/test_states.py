"""Current states and household signals see only what was known before the as-of date."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from earlyhelp.features.describe import describe_feature
from earlyhelp.features.person_events import create_person_event_view
from earlyhelp.features.states import DECAY_DAYS, STATE_FEATURES, state_features
from earlyhelp.warehouse.schema import append, connect
from tests.warehouse_rows import current_load, event

AS_OF = dt.date(2024, 7, 1)


def _icpc() -> str:
    return json.dumps({"outcome": "ICPC"})


@pytest.fixture
def warehouse(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """A parent (A) and a child (B) in one home; the parent's council tax is being recovered."""
    con = connect(tmp_path / "w.duckdb")
    current_load(con)
    rows = [
        event("A", "revs.ctr_claim_start", "2023-01-10"),  # a claim still open
        event("A", "revs.ct_reminder", "2024-04-01"),
        event("A", "revs.ct_summons", "2024-05-20"),  # awaiting its liability order
        event("A", "revs.ct_liability_order", "2024-06-25", "2024-07-02"),  # known too late
        event("A", "police.da_incident", "2024-06-30", "2024-07-03"),  # known too late
        event("A", "police.da_incident", "2023-07-02"),  # a year before: weight e^(-365/730)
        event("B", "csc.referral", "2024-06-01"),
        event("B", "csc.s47_enquiry", "2024-06-10", attributes=_icpc()),  # conference called
        event("B", "csc.cp_plan_start", "2024-06-28", "2024-07-05"),  # known after the as-of
        event("B", "csc.s47_enquiry", "2022-01-10", attributes=_icpc()),
        event("B", "csc.cp_plan_start", "2022-02-10"),  # the old enquiry was followed by a plan
    ]
    append(con, "event", pd.DataFrame(rows))
    append(
        con,
        "person_link",
        pd.DataFrame(
            {
                "system": ["csc", "csc"],
                "source_record_id": ["A", "B"],
                "person_id": ["P1", "P2"],
                "run_id": [1, 1],
            }
        ),
    )
    con.execute(
        "INSERT INTO membership VALUES ('P1', 'H1', '2020-01-01', NULL, 'adult'), "
        "('P2', 'H1', '2020-01-01', NULL, 'child')"
    )
    create_person_event_view(con)
    return con


def test_steps_awaiting_their_sequel_are_outstanding_until_the_sequel_is_known(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    rows = state_features(warehouse, [AS_OF]).set_index("person_id")
    parent, child = rows.loc["P1"], rows.loc["P2"]
    assert parent["ct_summons_outstanding"] == 1  # the order was not yet known
    assert parent["ct_reminder_outstanding"] == 0  # a summons followed the reminder
    assert child["household_ct_summons_outstanding"] == 1 and child["ct_summons_outstanding"] == 0
    assert child["s47_conference_outstanding"] == 1 and child["s47_conferences_ever"] == 2
    assert (parent["benefit_claim_open"], child["benefit_claim_open"]) == (1, 1)

    later = state_features(warehouse, [dt.date(2024, 8, 1)]).set_index("person_id")
    assert later.loc["P1", "ct_summons_outstanding"] == 0
    assert later.loc["P2", "s47_conference_outstanding"] == 0


def test_household_signals_weight_what_was_known_by_its_age(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    child = state_features(warehouse, [AS_OF]).set_index("person_id").loc["P2"]
    assert child["household_abuse_signals"] == pytest.approx(math.exp(-365 / DECAY_DAYS))
    hardship = sum(  # the claim, the reminder and the summons; not the order known later
        math.exp(-(AS_OF - dt.date.fromisoformat(d)).days / DECAY_DAYS)
        for d in ("2023-01-10", "2024-04-01", "2024-05-20")
    )
    assert child["household_hardship_signals"] == pytest.approx(hardship)
    assert child["household_systems_12m"] == 1  # every test event is from one system


def test_every_state_is_described_in_words() -> None:
    for name in STATE_FEATURES:
        assert describe_feature(name, 1)
