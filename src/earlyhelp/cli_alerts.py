"""`earlyhelp run`, `alerts ...`, `optout ...` and `store ...`: the monthly job, the alert
lifecycle, the opt-out register and the operational store's migrations."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from earlyhelp.config import get_settings
from earlyhelp.errors import EarlyHelpError

if TYPE_CHECKING:
    from earlyhelp.store.db import Store

console = Console()
alerts_app = typer.Typer(
    help="The teams' alerts: list, show, review, decide, outcome, report.", no_args_is_help=True
)
optout_app = typer.Typer(help="The opt-out register.", no_args_is_help=True)
store_app = typer.Typer(help="The operational store's schema.", no_args_is_help=True)

POLICY = typer.Option(Path("config/policy.yaml"), help="The alert policy.")


def _fail(error: EarlyHelpError) -> typer.Exit:
    console.print(f"[red]{error}")
    return typer.Exit(1)


def _opened_store() -> Store:
    """The store from the settings, migrated; a store that cannot be reached ends the command."""
    from earlyhelp.store.db import open_store

    try:
        return open_store()
    except EarlyHelpError as error:
        raise _fail(error) from error


def run(
    month: str | None = typer.Option(None, help="YYYY-MM (default: the month after the data)."),
    policy: Path = POLICY,
    by: str = typer.Option("earlyhelp run", help="Who runs it (recorded)."),
    replace: bool = typer.Option(False, help="Replace a month published with another model."),
    reason: str | None = typer.Option(None, help="Why a month is replaced (recorded)."),
    outcome: list[str] = typer.Option([], help="Only these outcomes (default: all)."),
    warehouse: Path | None = typer.Option(None, help="DuckDB file (default: from settings)."),
) -> None:
    """The monthly run: score every outcome with its promoted model and publish the alerts."""
    from earlyhelp.alerts.policy import load_policy
    from earlyhelp.alerts.run import latest_month, run_month
    from earlyhelp.modelling.registry import ModelRegistry
    from earlyhelp.store.db import open_store
    from earlyhelp.warehouse.schema import connect

    settings = get_settings()
    try:
        rules = load_policy(policy)
        store = open_store(settings)
        con = connect(warehouse or settings.warehouse_path, create=False)
        chosen = month or latest_month(con)
        with console.status(f"scoring and publishing {chosen}"):
            done = run_month(
                con,
                store,
                rules,
                ModelRegistry.from_settings(settings),
                chosen,
                by=by,
                replace=replace,
                reason=reason,
                outcomes=outcome or None,
            )
    except EarlyHelpError as error:
        raise _fail(error) from error
    table = Table(title=f"Monthly run {chosen}: alerts published to {store.describe()}")
    for column in (
        "outcome",
        "team",
        "model",
        "scored",
        "new",
        "additional",
        "step-down",
        "status",
    ):
        table.add_column(column)
    for r in done:
        table.add_row(
            r.outcome,
            r.team,
            r.model_version,
            f"{r.scored:,}" if r.status != "unchanged" else "-",
            str(r.alerts.get("new", 0)),
            str(r.alerts.get("additional_report", 0)),
            str(r.alerts.get("step_down", 0)),
            "already published" if r.status == "unchanged" else r.status,
        )
    console.print(table)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


def _ci(value: float, low: float, high: float) -> str:
    return f"{value:.1%} ({low:.1%}-{high:.1%})"


def backtest(
    from_month: str = typer.Option(..., "--from", help="First month, YYYY-MM."),
    to_month: str = typer.Option(..., "--to", help="Last month, YYYY-MM."),
    outcome: list[str] = typer.Option([], help="Only these outcomes (default: all)."),
    policy: Path = POLICY,
    truth: Path | None = typer.Option(None, help="A synthetic council's truth/: oracle, harm."),
    json_file: Path | None = typer.Option(None, "--json", help="Write every figure as JSON."),
    plot_file: Path | None = typer.Option(None, "--plot", help="Write the monthly plot (PNG)."),
    refit_months: int = typer.Option(12, help="Months between refits of the model."),
    seed: int = typer.Option(1, help="Seed of the models and the random list."),
    warehouse: Path | None = typer.Option(None, help="DuckDB file (default: from settings)."),
) -> None:
    """Replay the monthly run over history and measure what its alerts found."""
    import json

    from earlyhelp.alerts.backtest import backtest as replay
    from earlyhelp.alerts.backtest_report import headline_table, plot
    from earlyhelp.alerts.policy import load_policy
    from earlyhelp.outcomes.registry import OUTCOMES
    from earlyhelp.warehouse.schema import connect

    unknown = sorted(set(outcome) - set(OUTCOMES))
    if unknown:
        raise typer.BadParameter(f"unknown outcome(s) {unknown}; choose from {sorted(OUTCOMES)}")
    for target in (json_file, plot_file):
        if target is not None and not target.parent.is_dir():
            raise typer.BadParameter(f"the folder of {target} does not exist")
    try:
        rules = load_policy(policy)
        con = connect(warehouse or get_settings().warehouse_path, create=False)
        chosen = {name: OUTCOMES[name] for name in outcome or OUTCOMES}
        with console.status(f"replaying {from_month} to {to_month}"):
            report = replay(con, rules, from_month, to_month, chosen, truth, seed, refit_months)
    except EarlyHelpError as error:
        raise _fail(error) from error
    for result in report["outcomes"].values():
        console.print(headline_table(result))
        console.print(f"  known: {result['known_means']}")
    notes = next(iter(report["outcomes"].values()))["notes"]
    for note in notes:
        console.print(f"  - {note}")
    if json_file is not None:
        json_file.write_text(json.dumps(report, indent=2) + "\n")
        console.print(f"Wrote {json_file}")
    if plot_file is not None:
        plot(report, plot_file)
        console.print(f"Wrote {plot_file}")


@alerts_app.command("list")
def alerts_list(
    team: str | None = typer.Option(None, help="Only this team's alerts."),
    status: str | None = typer.Option(None, help="new, in_review, decided, outcome_recorded."),
    month: str | None = typer.Option(None, help="Only this month (YYYY-MM)."),
    limit: int = typer.Option(50, help="At most this many rows."),
) -> None:
    """Alerts, latest month first, highest score first (pseudonymous ids only)."""
    from earlyhelp.store.alerts import list_alerts
    from earlyhelp.store.db import open_store

    try:
        with open_store().session() as session:
            found = list_alerts(session, team=team, status=status, month=month)
            table = Table(
                title=f"{len(found):,} alerts" + (f" (first {limit})" if len(found) > limit else "")
            )
            for column in (
                "id",
                "month",
                "team",
                "outcome",
                "kind",
                "unit",
                "band",
                "probability (95% CI)",
                "band precision (95% CI)",
                "status",
            ):
                table.add_column(column)
            for a in found[:limit]:
                table.add_row(
                    str(a.id),
                    a.month,
                    a.team,
                    a.outcome,
                    a.kind,
                    f"{a.unit_type} {a.unit_id}"
                    + (f" ({len(a.subjects)})" if len(a.subjects) > 1 else ""),
                    f"{a.band} ({a.ventile}/20)",
                    _ci(a.probability, a.probability_low, a.probability_high),
                    _ci(a.band_precision, a.band_precision_low, a.band_precision_high),
                    a.status,
                )
    except EarlyHelpError as error:
        raise _fail(error) from error
    console.print(table)


@alerts_app.command("show")
def alerts_show(alert_id: int = typer.Argument(..., help="The alert's id.")) -> None:
    """One alert: who, how strong the risk is, why, the household, and its history."""
    from earlyhelp.alerts.describe import describe_alert
    from earlyhelp.store.alerts import get_alert
    from earlyhelp.store.db import open_store

    try:
        with open_store().session() as session:
            text = describe_alert(get_alert(session, alert_id))
    except EarlyHelpError as error:
        raise _fail(error) from error
    console.print(text, highlight=False)


@alerts_app.command("review")
def alerts_review(
    alert_id: int = typer.Argument(..., help="The alert's id."),
    by: str = typer.Option(..., "--by", help="Who opens it (recorded)."),
) -> None:
    """Start working an alert (new -> in_review)."""
    from earlyhelp.store.alerts import start_review
    from earlyhelp.store.db import open_store

    try:
        with open_store().session() as session:
            alert = start_review(session, alert_id, by)
            console.print(f"alert {alert.id} is {alert.status}")
    except EarlyHelpError as error:
        raise _fail(error) from error


@alerts_app.command("decide")
def alerts_decide(
    alert_id: int = typer.Argument(..., help="The alert's id."),
    by: str = typer.Option(..., "--by", help="Who decides (recorded)."),
    decision: str = typer.Option(..., help="One of the policy's decisions."),
    reason: str = typer.Option(..., help="Why (required)."),
    policy: Path = POLICY,
) -> None:
    """Record what the practitioner decided (in_review -> decided)."""
    from earlyhelp.alerts.policy import load_policy
    from earlyhelp.store.alerts import decide
    from earlyhelp.store.db import open_store

    try:
        rules = load_policy(policy)
        with open_store().session() as session:
            alert = decide(session, rules, alert_id, by, decision, reason)
            console.print(f"alert {alert.id} is {alert.status}: {rules.decisions[decision]}")
    except EarlyHelpError as error:
        raise _fail(error) from error


@alerts_app.command("outcome")
def alerts_outcome(
    alert_id: int = typer.Argument(..., help="The alert's id."),
    by: str = typer.Option(..., "--by", help="Who records it (recorded)."),
    outcome: str = typer.Option(..., help="One of the policy's outcomes."),
    note: str | None = typer.Option(None, help="What was found."),
    source: str | None = typer.Option(None, help="data_wrong: the source holding the record."),
    record: str | None = typer.Option(None, help="data_wrong: the record's id in that source."),
    policy: Path = POLICY,
) -> None:
    """Record what was found later (decided -> outcome_recorded)."""
    from earlyhelp.alerts.policy import load_policy
    from earlyhelp.store.alerts import record_outcome
    from earlyhelp.store.db import open_store

    try:
        rules = load_policy(policy)
        with open_store().session() as session:
            alert = record_outcome(session, rules, alert_id, by, outcome, note, source, record)
            console.print(f"alert {alert.id} is {alert.status}: {outcome}")
    except EarlyHelpError as error:
        raise _fail(error) from error


@alerts_app.command("report")
def alerts_report(
    team: str | None = typer.Option(None, help="Only this team."), policy: Path = POLICY
) -> None:
    """The live success rate from recorded outcomes, with a 95% interval."""
    from earlyhelp.alerts.policy import load_policy
    from earlyhelp.store.alerts import success_report
    from earlyhelp.store.db import open_store

    try:
        rules = load_policy(policy)
        with open_store().session() as session:
            rows = success_report(session, rules, team)
    except EarlyHelpError as error:
        raise _fail(error) from error
    successes = ", ".join(k for k, v in rules.outcomes.items() if v == "success")
    table = Table(title=f"Live success rate: {successes} among judged outcomes (Jeffreys 95% CI)")
    for column in (
        "team",
        "outcome",
        "kind",
        "alerts",
        "outcomes recorded",
        "judged",
        "successes",
        "rate (95% CI)",
    ):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r.team,
            r.outcome,
            r.kind,
            str(r.alerts),
            str(r.with_outcome),
            str(r.judged),
            str(r.successes),
            "none judged yet"
            if r.rate is None
            else f"{r.rate:.1%} ({_percent(r.low)}-{_percent(r.high)})",
        )
    console.print(table)


@alerts_app.command("data-quality")
def alerts_data_quality() -> None:
    """Records practitioners found wrong while working alerts."""
    from earlyhelp.store.alerts import data_quality_reports

    store = _opened_store()
    with store.session() as session:
        table = Table(title="Data-quality list")
        for column in ("id", "alert", "source", "record", "note", "reported by", "at (UTC)"):
            table.add_column(column)
        for r in data_quality_reports(session):
            table.add_row(
                str(r.id),
                str(r.alert_id),
                r.source,
                r.record_id,
                r.note or "",
                r.reported_by,
                f"{r.reported_at:%Y-%m-%d %H:%M}",
            )
    console.print(table)


@optout_app.command("add")
def optout_add(
    person: str = typer.Argument(..., help="The person's id."),
    by: str = typer.Option(..., "--by", help="Who records it."),
    reason: str = typer.Option(..., help="Why (recorded)."),
) -> None:
    """Never alert on this person again (from the next run)."""
    from earlyhelp.store.db import open_store
    from earlyhelp.store.optouts import add_opt_out

    try:
        with open_store().session() as session:
            entry = add_opt_out(session, person, by, reason)
            console.print(
                f"{entry.person_id} opted out, recorded by {entry.recorded_by} at "
                f"{entry.recorded_at:%Y-%m-%d %H:%M} UTC"
            )
    except EarlyHelpError as error:
        raise _fail(error) from error


@optout_app.command("withdraw")
def optout_withdraw(
    person: str = typer.Argument(..., help="The person's id."),
    by: str = typer.Option(..., "--by", help="Who records it."),
    reason: str = typer.Option(..., help="Why (recorded)."),
) -> None:
    """End a person's opt-out; the register keeps both entries."""
    from earlyhelp.store.db import open_store
    from earlyhelp.store.optouts import withdraw_opt_out

    try:
        with open_store().session() as session:
            withdraw_opt_out(session, person, by, reason)
    except EarlyHelpError as error:
        raise _fail(error) from error
    console.print(f"{person}'s opt-out withdrawn")


@optout_app.command("list")
def optout_list() -> None:
    """The whole register, withdrawn entries included."""
    from earlyhelp.store.optouts import opt_outs

    store = _opened_store()
    with store.session() as session:
        table = Table(title="Opt-out register")
        for column in ("person", "recorded by", "at (UTC)", "reason", "withdrawn"):
            table.add_column(column)
        for e in opt_outs(session):
            table.add_row(
                e.person_id,
                e.recorded_by,
                f"{e.recorded_at:%Y-%m-%d %H:%M}",
                e.reason,
                ""
                if e.withdrawn_at is None
                else f"{e.withdrawn_at:%Y-%m-%d} by {e.withdrawn_by}: {e.withdrawn_reason}",
            )
    console.print(table)


@store_app.command("upgrade")
def store_upgrade() -> None:
    """Bring the store to the latest migration."""
    from earlyhelp.store.db import current_revision

    store = _opened_store()
    console.print(f"{store.describe()} is at revision {current_revision(store.engine)}")


@store_app.command("current")
def store_current() -> None:
    """The store's revision and the latest the code knows (no change is made)."""
    from sqlalchemy.exc import SQLAlchemyError

    from earlyhelp.store.db import current_revision, head_revision, make_engine

    engine = make_engine(get_settings().resolved_store_url)
    try:
        now = current_revision(engine)
    except SQLAlchemyError as error:
        console.print(f"[red]cannot reach the store at {engine.url.render_as_string()}: {error}")
        raise typer.Exit(1) from error
    head = head_revision()
    state = "up to date" if now == head else "behind: run `earlyhelp store upgrade`"
    console.print(f"revision {now or 'none (empty store)'}; latest {head}: {state}")
