"""Each gate of the alert policy on a small hand-built cohort, and capacity by property."""

from __future__ import annotations

from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from earlyhelp.alerts.policy import Involvement, OutcomePolicy, StepDown
from earlyhelp.alerts.select import select_alerts


def unit(unit_id: str, score: float, **fields: Any) -> dict[str, Any]:
    """A scored unit that passes every gate unless told otherwise."""
    row: dict[str, Any] = {
        "unit_id": unit_id,
        "household_id": f"H-{unit_id}",
        "score": score,
        "probability": score / 2,
        "probability_low": score / 4,
        "probability_high": score,
        "ventile": 20,
        "band": "high",
        "factors": [],
        "involved": True,
        "open_case": False,
        "low_months": 0,
        "opted_out": False,
    }
    return row | fields


def rule(**fields: Any) -> OutcomePolicy:
    base: dict[str, Any] = {"team": "safeguarding", "capacity": 10}
    return OutcomePolicy(**(base | fields))


def chosen(rows: list[dict[str, Any]], policy: OutcomePolicy, **kw: Any) -> list[tuple[str, str]]:
    return [(d.kind, d.unit_id) for d in select_alerts(pd.DataFrame(rows), policy, "person", **kw)]


def test_the_highest_raw_scores_fill_capacity() -> None:
    rows = [unit(f"P{i}", score=i / 10) for i in range(6)]
    assert chosen(rows, rule(capacity=3)) == [("new", "P5"), ("new", "P4"), ("new", "P3")]


def test_the_minimum_probability_gate() -> None:
    rows = [unit("A", 0.9), unit("B", 0.1)]  # probabilities 0.45 and 0.05
    assert chosen(rows, rule(min_probability=0.2)) == [("new", "A")]


def test_only_units_already_known_to_a_listed_service_are_alerted() -> None:
    gate = Involvement(services=("csc",), months=12)
    rows = [unit("known", 0.5), unit("stranger", 0.9, involved=False)]
    assert chosen(rows, rule(involvement=gate)) == [("new", "known")]
    assert chosen(rows, rule()) == [("new", "stranger"), ("new", "known")]  # no gate set


def test_an_open_case_gets_an_additional_report_instead_of_a_new_alert() -> None:
    rows = [unit("open", 0.9, open_case=True), unit("closed", 0.8)]
    assert chosen(rows, rule(open_case="open_child_in_need")) == [
        ("additional_report", "open"),
        ("new", "closed"),
    ]


def test_step_down_after_enough_low_months_lowest_risk_first() -> None:
    step = StepDown(below=0.1, months=2, max_share=0.5)
    rows = [
        unit("low-two", 0.02, open_case=True, low_months=2),
        unit("low-three", 0.01, open_case=True, low_months=3),
        unit("low-one", 0.03, open_case=True, low_months=1),  # one month is not enough
        unit("high", 0.9),
    ]
    policy = rule(capacity=4, open_case="open_child_in_need", step_down=step)
    assert chosen(rows, policy) == [
        ("step_down", "low-three"),
        ("step_down", "low-two"),
        ("new", "high"),
        ("additional_report", "low-one"),
    ]
    # prompts take at most max_share of capacity
    assert [k for k, _ in chosen(rows, rule(capacity=2, open_case="x", step_down=step))] == [
        "step_down",
        "new",
    ]


def test_cool_down_skips_a_repeat_unless_the_band_rises() -> None:
    rows = [unit("same", 0.9, band="medium"), unit("rose", 0.8, band="high"), unit("new", 0.1)]
    recent = {("same", "alert"): "medium", ("rose", "alert"): "medium"}
    assert chosen(rows, rule(cool_down_months=3), recent=recent) == [
        ("new", "rose"),
        ("new", "new"),
    ]


def test_children_of_one_household_get_one_alert_listing_them() -> None:
    rows = [
        unit("C1", 0.9, household_id="H1"),
        unit("C2", 0.7, household_id="H1"),
        unit("C3", 0.8, household_id="H2"),
        unit("C4", 0.6, household_id="H1", involved=False),  # not known: not listed
    ]
    gate = Involvement(services=("csc",), months=12)
    drafts = select_alerts(
        pd.DataFrame(rows), rule(group_by_household=True, involvement=gate), "person"
    )
    assert [(d.unit_type, d.unit_id) for d in drafts] == [("household", "H1"), ("person", "C3")]
    assert [s["unit_id"] for s in drafts[0].subjects] == ["C1", "C2"]
    assert drafts[0].lead["unit_id"] == "C1"


def test_an_opted_out_person_is_never_alerted_on() -> None:
    rows = [unit("out", 0.9, opted_out=True, open_case=True, low_months=5), unit("in", 0.1)]
    step = StepDown(below=0.99, months=1, max_share=1.0)
    policy = rule(open_case="x", step_down=step)
    assert chosen(rows, policy) == [("new", "in")]


cohorts = st.lists(
    st.fixed_dictionaries(
        {
            "score": st.floats(0, 1),
            "household": st.integers(0, 15),
            "involved": st.booleans(),
            "open_case": st.booleans(),
            "low_months": st.integers(0, 4),
            "opted_out": st.booleans(),
            "band": st.sampled_from(["low", "medium", "high"]),
        }
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(
    cohort=cohorts,
    capacity=st.integers(0, 12),
    share=st.floats(0, 1),
    grouped=st.booleans(),
    cooled=st.sets(st.integers(0, 59), max_size=20),
)
def test_capacity_is_never_exceeded_and_no_gate_is_passed_by(
    cohort: list[dict[str, Any]],
    capacity: int,
    share: float,
    grouped: bool,
    cooled: set[int],
) -> None:
    rows = [
        unit(
            f"P{i}",
            c["score"],
            household_id=f"H{c['household']}",
            involved=c["involved"],
            open_case=c["open_case"],
            low_months=c["low_months"],
            opted_out=c["opted_out"],
            band=c["band"],
        )
        for i, c in enumerate(cohort)
    ]
    frame = pd.DataFrame(rows, columns=list(unit("x", 0)))
    policy = rule(
        capacity=capacity,
        min_probability=0.1,
        involvement=Involvement(services=("csc",), months=6),
        open_case="x",
        step_down=StepDown(below=0.2, months=2, max_share=share),
        cool_down_months=2,
        group_by_household=grouped,
    )
    recent = {(f"P{i}", "alert"): "high" for i in cooled}
    drafts = select_alerts(frame, policy, "person", recent)
    assert len(drafts) <= capacity
    assert sum(d.kind == "step_down" for d in drafts) <= int(capacity * share)
    by_id = {r["unit_id"]: r for r in rows}
    listed = [s["unit_id"] for d in drafts for s in d.subjects]
    assert len(listed) == len(set(listed)), "nobody is in two alerts"
    for draft in drafts:
        for subject in draft.subjects:
            row = by_id[subject["unit_id"]]
            assert not row["opted_out"]
            if draft.kind != "step_down":
                assert row["involved"] and row["probability"] >= 0.1
    units = [d.unit_id for d in drafts]
    assert len(units) == len(set(units))


def test_a_child_alerted_in_a_household_is_not_alerted_again_alone() -> None:
    grouped = rule(group_by_household=True, cool_down_months=3)
    month_one = select_alerts(
        pd.DataFrame([unit("C1", 0.9, household_id="H1"), unit("C2", 0.8, household_id="H1")]),
        grouped,
        "person",
    )
    assert [(d.unit_type, d.unit_id) for d in month_one] == [("household", "H1")]
    recent = {key: "high" for d in month_one for key in d.cool_down_keys}
    month_two = select_alerts(
        pd.DataFrame([unit("C1", 0.9, household_id="H1")]), grouped, "person", recent
    )
    assert month_two == []
    # and the other way round: a child alone first, then with a sibling
    recent = {
        key: "high"
        for d in select_alerts(
            pd.DataFrame([unit("C3", 0.9, household_id="H2")]), grouped, "person"
        )
        for key in d.cool_down_keys
    }
    both = pd.DataFrame([unit("C3", 0.9, household_id="H2"), unit("C4", 0.8, household_id="H2")])
    assert select_alerts(both, grouped, "person", recent) == []
