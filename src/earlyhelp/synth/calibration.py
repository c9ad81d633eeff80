"""Calibration targets (England-wide rates, with their sources) and how a council measures them.

Each target is a named parameter the simulation is tuned to; :func:`measure` computes the same
rate from the simulated council's recorded events, so that a test can hold every rate to its
target and `docs/synthetic-council.md` can show both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from earlyhelp.synth.episodes import open_on
from earlyhelp.synth.population import DAYS_PER_YEAR
from earlyhelp.synth.world import World


@dataclass(frozen=True)
class Target:
    """One published rate the synthetic council should reproduce."""

    name: str
    value: float
    unit: str
    source: str


_CIN = "DfE, Children in need, reporting year 2024 (explore-education-statistics.service.gov.uk)"
TARGETS = (
    Target(
        "referrals",
        500,
        "per 10,000 children a year",
        _CIN + ": 621,880 referrals in the year to 31 March 2024, about 518 per 10,000",
    ),
    Target(
        "children_in_need",
        330,
        "per 10,000 children at 31 March",
        _CIN + ": 399,460 children in need at 31 March 2024, a rate of 332.9",
    ),
    Target(
        "s47_enquiries",
        170,
        "per 10,000 children a year",
        "DfE, Children in need: about 165 children per 10,000 were the subject of a section 47 "
        "enquiry in 2023 (192 enquiries per 10,000, as a child may have more than one)",
    ),
    Target(
        "cp_plan_starts",
        45,
        "per 10,000 children a year",
        "DfE, Children in need: 45 to 52 plan starts per 10,000 children, 2023 to 2025",
    ),
    Target(
        "on_cp_plan",
        40,
        "per 10,000 children at 31 March",
        "DfE, Children in need, 2025: 49,420 children on a plan at 31 March, about 41 per 10,000",
    ),
    Target(
        "looked_after",
        70,
        "per 10,000 children at 31 March",
        "DfE, Children looked after in England including adoptions, 2024: 83,630 children, "
        "70 per 10,000",
    ),
    Target(
        "persistent_absence",
        0.20,
        "share of pupils in a school year",
        "DfE, Pupil absence in schools in England, 2023/24: 20.0% persistently absent",
    ),
    Target(
        "severe_absence",
        0.02,
        "share of pupils in a school year",
        "DfE, Pupil absence in schools in England, 2023/24: 2.3% severely absent",
    ),
    Target(
        "suspensions",
        9.3,
        "per 100 pupils a school year",
        "DfE, Suspensions and permanent exclusions in England, 2022/23: 9.33 per 100 pupils "
        "(11.31 in 2023/24)",
    ),
    Target(
        "domestic_abuse_incidents",
        25,
        "per 1,000 residents a year",
        "ONS, Domestic abuse in England and Wales overview, November 2023: 1.5 million "
        "domestic-abuse-related incidents and crimes recorded by police, 25 per 1,000",
    ),
    Target(
        "homelessness_duties",
        13,
        "per 1,000 households a year",
        "MHCLG, Statutory homelessness in England, 2023-24: 324,990 households owed a "
        "prevention or relief duty, about 13 per 1,000 households",
    ),
    Target(
        "liability_orders",
        0.06,
        "share of council tax accounts a year",
        "No national count is published. Derived: 2.71 million council tax debts passed to "
        "enforcement agents in England and Wales in 2022/23 (Money Advice Trust, Stop the "
        "Knock) and council FOI figures (Dover 2022/23: 3.6% of accounts; Manchester "
        "2023/24: 4.7% sent to enforcement) suggest 4-8% of accounts; 6% is used",
    ),
    Target(
        "first_time_youth_offenders",
        150,
        "per 100,000 aged 10-17 a year",
        "YJB and MoJ, Youth Justice Statistics 2023 to 2024: about 8,300 first-time entrants, "
        "roughly 140 to 150 per 100,000 aged 10 to 17",
    ),
)
TARGET_BY_NAME = {t.name: t for t in TARGETS}


def measure(world: World, events: pd.DataFrame, accounts: pd.DataFrame) -> dict[str, float]:
    """Every target rate as the simulated council's records show it, averaged over whole years."""
    cal = world.calendar
    people = world.pop.people
    years = list(range(12, cal.months - 11, 12))  # first months of whole years after the first
    month_of = cal.month_of(events["event_date"].to_numpy())
    out: dict[str, list[float]] = {t.name: [] for t in TARGETS}

    def count(event_type: str, m: int, unique: str | None = None) -> int:
        rows = events[(events["event_type"] == event_type) & (month_of >= m) & (month_of < m + 12)]
        return int(rows[unique].nunique()) if unique else len(rows)

    for m in years:
        mid = m + 6
        here = world.household_of[mid] >= 0
        age = (cal.month_start(mid) - people["dob"]) / DAYS_PER_YEAR
        children = int((here & (age < 18)).sum())
        youth = int((here & (age >= 10) & (age < 18)).sum())
        households = len(np.unique(world.household_of[mid][here]))
        march = cal.month_start(m + 3) - 1  # 31 March when the period starts in January
        out["referrals"].append(1e4 * count("csc.referral", m) / children)
        out["s47_enquiries"].append(1e4 * count("csc.s47_enquiry", m, "person_id") / children)
        out["cp_plan_starts"].append(1e4 * count("csc.cp_plan_start", m) / children)
        plan = open_on(events, "csc.cp_plan_start", "csc.cp_plan_end", march)
        care = open_on(events, "csc.cla_start", "csc.cla_end", march)
        need = open_on(events, "csc.cin_start", "csc.cin_end", march)
        march_children = int(((world.household_of[m + 2] >= 0) & (age < 18)).sum())
        out["on_cp_plan"].append(1e4 * len(plan) / march_children)
        out["looked_after"].append(1e4 * len(care) / march_children)
        out["children_in_need"].append(1e4 * len(plan | care | need) / march_children)
        out["domestic_abuse_incidents"].append(
            1e3 * count("police.da_incident", m, "ref") / here.sum()
        )
        duties = count("housing.homeless_prevention_duty", m) + count(
            "housing.homeless_relief_duty", m
        )
        out["homelessness_duties"].append(1e3 * duties / households)
        live = (
            (accounts["start_day"] < cal.month_start(mid))
            & (accounts["end_day"] >= cal.month_start(mid))
        ).sum()
        out["liability_orders"].append(count("revs.ct_liability_order", m, "account_ref") / live)
        if m >= 24:  # first offences need two years of history to be first
            first = events[
                (events["event_type"] == "yjs.offence")
                & events["first_offence"].astype(bool)
                & (month_of >= m)
                & (month_of < m + 12)
            ]
            out["first_time_youth_offenders"].append(1e5 * len(first) / youth)
    out.update(_school_rates(world, events))
    return {name: float(np.mean(values)) for name, values in out.items()}


def _school_rates(world: World, events: pd.DataFrame) -> dict[str, list[float]]:
    absence = events[events["event_type"] == "edu.absence_term"]
    year = absence["term"].str.slice(0, 4)
    missed = absence["authorised"] + absence["unauthorised"]
    per_pupil = (
        pd.DataFrame(
            {
                "year": year,
                "person_id": absence["person_id"],
                "missed": missed,
                "possible": absence["sessions_possible"],
            }
        )
        .groupby(["year", "person_id"])
        .sum()
    )
    full_years = per_pupil.groupby("year")["possible"].max()
    per_pupil = per_pupil[
        per_pupil["possible"]
        >= 0.5 * full_years.reindex(per_pupil.index.get_level_values(0)).to_numpy()
    ]
    rate = per_pupil["missed"] / per_pupil["possible"]
    by_year = rate.groupby(level=0)
    complete = [str(y) for y in by_year.groups if full_years[str(y)] >= 380]
    suspensions = events[events["event_type"] == "edu.suspension"]
    census = events[events["event_type"] == "edu.census"]
    pupils = (
        census.assign(year=census["term"].str.slice(0, 4)).groupby("year")["person_id"].nunique()
    )
    susp_year = _academic_year(world, suspensions["event_date"].to_numpy())
    per_100 = [100 * int((susp_year == int(y)).sum()) / pupils[y] for y in complete]
    return {
        "persistent_absence": [float((rate.loc[y] >= 0.1).mean()) for y in complete],
        "severe_absence": [float((rate.loc[y] >= 0.5).mean()) for y in complete],
        "suspensions": per_100,
    }


def _academic_year(world: World, days: np.ndarray) -> np.ndarray:
    dates = days.astype("datetime64[D]")
    year = dates.astype("datetime64[Y]").astype(int) + 1970
    month = dates.astype("datetime64[M]").astype(int) % 12 + 1
    return np.where(month >= 9, year, year - 1)
