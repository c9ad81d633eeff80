"""Calibration targets (England-wide rates, with their sources) and how a council measures them.

Each target is a named parameter the simulation is tuned to; :func:`measure` computes the same
rate from the simulated council's recorded events, so that a test can hold every rate to its
target and `docs/synthetic-council.md` can show both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from earlyhelp.synth.episodes import open_counts
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


@dataclass
class Tally:
    """A rate pooled over the years measured, with the count behind it (its sampling noise)."""

    scale: float
    numerator: float = 0.0
    denominator: float = 0.0
    samples: int = 0  # point-in-time stocks: the count is the mean stock, not the sum

    def add(self, numerator: float, denominator: float) -> None:
        self.numerator += numerator
        self.denominator += denominator
        self.samples += 1

    @property
    def rate(self) -> float:
        return self.scale * self.numerator / self.denominator

    def count(self, stock: bool) -> float:
        """Cases behind the rate: a stock counts its mean size (its months are not independent)."""
        return self.numerator / self.samples if stock else self.numerator


STOCKS = ("on_cp_plan", "looked_after", "children_in_need")


@dataclass(frozen=True)
class Measured:
    """The council's rate for a target and the number of cases it rests on."""

    rate: float
    cases: float


def measure(world: World, events: pd.DataFrame, accounts: pd.DataFrame) -> dict[str, Measured]:
    """Every target rate as the simulated council's records show it, over whole years after the
    first (pooled), with the number of cases behind it."""
    cal = world.calendar
    people = world.pop.people
    month_of = cal.month_of(events["event_date"].to_numpy())
    tallies = {t.name: Tally(_SCALE[t.name]) for t in TARGETS}

    def count(kinds: tuple[str, ...], m: int, unique: str | None = None) -> int:
        rows = events[events["event_type"].isin(kinds) & (month_of >= m) & (month_of < m + 12)]
        return int(rows[unique].nunique()) if unique else len(rows)

    first_offences = events[(events["event_type"] == "yjs.offence")]
    first_offences = first_offences[first_offences["first_offence"].astype(bool)]
    first_month = cal.month_of(first_offences["event_date"].to_numpy())
    for m in range(12, cal.months - 11, 12):  # whole years after the first
        mid = m + 6
        here = world.household_of[mid] >= 0
        age = (cal.month_start(mid) - people["dob"]) / DAYS_PER_YEAR
        children = int((here & (age < 18)).sum())
        youth = int((here & (age >= 10) & (age < 18)).sum())
        households = len(np.unique(world.household_of[mid][here]))
        day = cal.month_start(mid)
        live = int(((accounts["start_day"] < day) & (accounts["end_day"] >= day)).sum())
        tallies["referrals"].add(count(("csc.referral",), m), children)
        tallies["s47_enquiries"].add(count(("csc.s47_enquiry",), m, "person_id"), children)
        tallies["cp_plan_starts"].add(count(("csc.cp_plan_start",), m), children)
        tallies["domestic_abuse_incidents"].add(
            count(("police.da_incident",), m, "ref"), here.sum()
        )
        tallies["homelessness_duties"].add(
            count(("housing.homeless_prevention_duty", "housing.homeless_relief_duty"), m),
            households,
        )
        tallies["liability_orders"].add(count(("revs.ct_liability_order",), m, "account_ref"), live)
        tallies["first_time_youth_offenders"].add(
            int(((first_month >= m) & (first_month < m + 12)).sum()), youth
        )
    _stocks(world, events, tallies)
    _school_rates(world, events, tallies)
    return {
        name: Measured(tally.rate, tally.count(name in STOCKS)) for name, tally in tallies.items()
    }


_SCALE = {
    "referrals": 1e4,
    "children_in_need": 1e4,
    "s47_enquiries": 1e4,
    "cp_plan_starts": 1e4,
    "on_cp_plan": 1e4,
    "looked_after": 1e4,
    "persistent_absence": 1.0,
    "severe_absence": 1.0,
    "suspensions": 100.0,
    "domestic_abuse_incidents": 1e3,
    "homelessness_duties": 1e3,
    "liability_orders": 1.0,
    "first_time_youth_offenders": 1e5,
}
PLAN = (("csc.cp_plan_start",), ("csc.cp_plan_end",))
CARE = (("csc.cla_start",), ("csc.cla_end",))
NEED = (
    ("csc.cin_start", "csc.cp_plan_start", "csc.cla_start"),
    ("csc.cin_end", "csc.cp_plan_end", "csc.cla_end"),
)


def _stocks(world: World, events: pd.DataFrame, tallies: dict[str, Tally]) -> None:
    """Children on a plan, looked after, or in need, at every month end after the first year.

    Published figures are taken at 31 March; averaging every month end measures the same rate
    with far less noise in a small council.
    """
    cal = world.calendar
    months = np.arange(12, cal.months)
    ends = cal.month_starts[months + 1] - 1
    dob = world.pop.people["dob"]
    children = [
        int(((world.household_of[m] >= 0) & (ends[i] + 1 - dob < 18 * DAYS_PER_YEAR)).sum())
        for i, m in enumerate(months)
    ]
    for name, kinds in (("on_cp_plan", PLAN), ("looked_after", CARE), ("children_in_need", NEED)):
        starts, stops = kinds
        for stock, base in zip(open_counts(events, starts, stops, ends), children, strict=True):
            tallies[name].add(float(stock), base)


def _school_rates(world: World, events: pd.DataFrame, tallies: dict[str, Tally]) -> None:
    """Absence shares and suspensions, by academic year (complete years only)."""
    absence = events[events["event_type"] == "edu.absence_term"]
    per_pupil = (
        pd.DataFrame(
            {
                "year": absence["term"].str.slice(0, 4),
                "person_id": absence["person_id"],
                "missed": absence["authorised"] + absence["unauthorised"],
                "possible": absence["sessions_possible"],
            }
        )
        .groupby(["year", "person_id"])
        .sum()
    )
    full_years = per_pupil.groupby("year")["possible"].max()
    enough = (
        per_pupil["possible"]
        >= 0.5 * full_years.reindex(per_pupil.index.get_level_values(0)).to_numpy()
    )
    rate = (per_pupil["missed"] / per_pupil["possible"])[enough]
    census = events[events["event_type"] == "edu.census"]
    pupils = (
        census.assign(year=census["term"].str.slice(0, 4)).groupby("year")["person_id"].nunique()
    )
    suspensions = events[events["event_type"] == "edu.suspension"]
    susp_year = _academic_year(world, suspensions["event_date"].to_numpy())
    for year, full in full_years.items():
        if full < 380:
            continue
        shares = rate.loc[str(year)]
        tallies["persistent_absence"].add(float((shares >= 0.1).sum()), len(shares))
        tallies["severe_absence"].add(float((shares >= 0.5).sum()), len(shares))
        tallies["suspensions"].add(float((susp_year == int(str(year))).sum()), pupils[str(year)])


def _academic_year(world: World, days: np.ndarray) -> np.ndarray:
    dates = days.astype("datetime64[D]")
    year = dates.astype("datetime64[Y]").astype(int) + 1970
    month = dates.astype("datetime64[M]").astype(int) % 12 + 1
    return np.where(month >= 9, year, year - 1)
