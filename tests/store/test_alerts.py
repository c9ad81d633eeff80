"""Publishing a month, replacing it, the alert lifecycle and the live success rate, on SQLite
and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from earlyhelp.errors import AlertError, RunError
from earlyhelp.store import alerts as repo
from earlyhelp.store.db import Store, open_store
from earlyhelp.store.models import AlertEvent, Publication
from earlyhelp.store.optouts import add_opt_out, opt_outs, opted_out, withdraw_opt_out
from tests.store.alert_rows import alert_fields, policy

MONTH, AS_OF = "2025-12", dt.date(2025, 12, 1)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(url=store_url)
    yield opened
    opened.close()


def _publish(store: Store, version: str = "v1", units: int = 3, **extra: object) -> repo.Published:
    with store.session() as session:
        return repo.publish(
            session,
            month=MONTH,
            outcome="safeguarding",
            model_version=version,
            as_of=AS_OF,
            policy_sha256="p1",
            by="tests",
            alerts=[alert_fields(f"P{i}", score=1 - i / 10) for i in range(units)],
            **extra,  # type: ignore[arg-type]
        )


def test_publishing_the_same_month_twice_changes_nothing(store: Store) -> None:
    first = _publish(store)
    again = _publish(store)
    assert (first.status, again.status) == ("published", "unchanged")
    assert again.publication_id == first.publication_id
    with store.session() as session:
        assert len(repo.list_alerts(session)) == 3
        assert session.query(Publication).count() == 1
        assert session.query(AlertEvent).count() == 3  # one "published" step each


def test_another_model_for_a_published_month_is_refused_unless_replaced(store: Store) -> None:
    _publish(store)
    with pytest.raises(RunError, match="--replace"):
        _publish(store, version="v2")
    with pytest.raises(RunError, match="--reason"):
        _publish(store, version="v2", replace=True)
    done = _publish(store, version="v2", units=2, replace=True, reason="retrained on new data")
    assert done.status == "replaced"
    with store.session() as session:
        current = repo.list_alerts(session)
        everything = repo.list_alerts(session, include_superseded=True)
        assert {a.model_version for a in current} == {"v2"} and len(current) == 2
        kept = [a for a in everything if a.superseded]
        assert len(kept) == 3, "replaced alerts stay as history"
        assert all(a.history[-1].action == "superseded" for a in kept)
        old = session.query(Publication).filter(Publication.model_version == "v1").one()
        assert old.replaced_reason == "retrained on new data"


def test_the_lifecycle_allows_only_its_next_step(store: Store) -> None:
    _publish(store, units=1)
    rules = policy()
    with store.session() as session:
        (alert,) = repo.list_alerts(session)
        with pytest.raises(AlertError, match="next step is review"):
            repo.decide(session, rules, alert.id, "ann", "contact_family", "worried")
        with pytest.raises(AlertError, match="next step is review"):
            repo.record_outcome(session, rules, alert.id, "ann", "concern_confirmed")
        repo.start_review(session, alert.id, "ann")
        with pytest.raises(AlertError, match="unknown decision"):
            repo.decide(session, rules, alert.id, "ann", "remove_child", "no")
        with pytest.raises(AlertError, match="reason is required"):
            repo.decide(session, rules, alert.id, "ann", "contact_family", "  ")
        repo.decide(session, rules, alert.id, "ann", "contact_family", "school concerns too")
        with pytest.raises(AlertError, match="cannot be given 'review'"):
            repo.start_review(session, alert.id, "bob")
        repo.record_outcome(session, rules, alert.id, "ann", "support_accepted", "EH plan")
        with pytest.raises(AlertError, match="its outcome is recorded"):
            repo.record_outcome(session, rules, alert.id, "ann", "no_concern_found")
    with store.session() as session:
        steps = [
            (e.action, e.from_status, e.to_status, e.by)
            for e in repo.get_alert(session, alert.id).history
        ]
    assert steps == [
        ("published", None, "new", "tests"),
        ("review", "new", "in_review", "ann"),
        ("decide", "in_review", "decided", "ann"),
        ("outcome", "decided", "outcome_recorded", "ann"),
    ]


def test_a_replaced_alert_cannot_be_worked(store: Store) -> None:
    _publish(store, units=1)
    _publish(store, version="v2", units=1, replace=True, reason="new model")
    with store.session() as session:
        old = next(a for a in repo.list_alerts(session, include_superseded=True) if a.superseded)
        with pytest.raises(AlertError, match="replaced by a later run"):
            repo.start_review(session, old.id, "ann")


def test_data_wrong_names_the_record_and_lands_in_the_data_quality_list(store: Store) -> None:
    _publish(store, units=1)
    rules = policy()
    with store.session() as session:
        (alert,) = repo.list_alerts(session)
        repo.start_review(session, alert.id, "ann")
        repo.decide(session, rules, alert.id, "ann", "no_further_action", "wrong child")
        with pytest.raises(AlertError, match="--source and --record"):
            repo.record_outcome(session, rules, alert.id, "ann", "data_wrong")
        repo.record_outcome(
            session, rules, alert.id, "ann", "data_wrong", "two children merged", "csc", "C123"
        )
    with store.session() as session:
        (report,) = repo.data_quality_reports(session)
        assert (report.source, report.record_id, report.reported_by) == ("csc", "C123", "ann")


def test_the_success_rate_counts_judged_outcomes_with_an_interval(store: Store) -> None:
    _publish(store, units=5)
    rules = policy()
    found = ["concern_confirmed", "support_accepted", "no_concern_found", "data_wrong"]
    with store.session() as session:
        for alert, outcome in zip(repo.list_alerts(session), found, strict=False):
            repo.start_review(session, alert.id, "ann")
            repo.decide(session, rules, alert.id, "ann", "contact_family", "checking")
            repo.record_outcome(session, rules, alert.id, "ann", outcome, None, "csc", "C1")
        (row,) = repo.success_report(session, rules)
    assert (row.alerts, row.with_outcome, row.judged, row.successes) == (5, 4, 3, 2)
    assert row.rate == pytest.approx(2 / 3)
    assert row.low is not None and row.high is not None and row.rate is not None
    assert 0 < row.low < row.rate < row.high < 1


def test_opt_outs_are_recorded_and_withdrawn_with_who_and_why(store: Store) -> None:
    with store.session() as session:
        add_opt_out(session, "P1", "dpo", "asked not to be profiled")
        add_opt_out(session, "P1", "dpo", "asked again")  # still one active entry
        add_opt_out(session, "P2", "dpo", "objection upheld")
        with pytest.raises(AlertError, match="reason"):
            add_opt_out(session, "P3", "dpo", "")
    with store.session() as session:
        assert opted_out(session) == {"P1", "P2"}
        withdraw_opt_out(session, "P2", "dpo", "consented again")
        with pytest.raises(AlertError, match="no active opt-out"):
            withdraw_opt_out(session, "P9", "dpo", "x")
    with store.session() as session:
        assert opted_out(session) == {"P1"}
        register = opt_outs(session)
        assert [(e.person_id, e.withdrawn_by) for e in register] == [("P1", None), ("P2", "dpo")]
