"""Schools: the termly census (UPN, free school meals, special educational needs), attendance
(sessions possible and missed, authorised or not) and suspensions and permanent exclusions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from earlyhelp.synth.latent import HARDSHIP, MENTAL_HEALTH, SUBSTANCE, sigmoid
from earlyhelp.synth.population import DAYS_PER_YEAR
from earlyhelp.synth.services.common import EventLog, month_view
from earlyhelp.synth.world import World

ABSENCE_INTERCEPT = -3.5
SUSPENSION_INTERCEPT = -5.2
EXCLUSION_INTERCEPT = -9.4
# (name, first month, last month, sessions possible): about 380 sessions a year.
TERMS = (("autumn", 9, 12, 142), ("spring", 1, 3, 118), ("summer", 4, 7, 120))


@dataclass(frozen=True)
class Term:
    """One school term inside the simulated period."""

    academic_year: int  # the calendar year in which it starts in September
    name: str
    first_month: int  # simulation month
    last_month: int
    sessions: int

    @property
    def label(self) -> str:
        return f"{self.academic_year}/{(self.academic_year + 1) % 100:02d} {self.name}"


def terms(world: World) -> list[Term]:
    """The terms that lie wholly inside the period."""
    start_year, start_month = map(int, world.calendar.start.split("-"))
    out = []
    for year in range(start_year - 1, start_year + world.calendar.months // 12 + 2):
        for name, first, last, sessions in TERMS:
            calendar_year = year if first >= 9 else year + 1
            first_m = (calendar_year - start_year) * 12 + first - start_month
            last_m = (calendar_year - start_year) * 12 + last - start_month
            if first_m >= 0 and last_m < world.calendar.months:
                out.append(Term(year, name, first_m, last_m, sessions))
    return out


def simulate_education(
    world: World, rng: np.random.Generator, on_benefits: np.ndarray
) -> pd.DataFrame:
    """Census, attendance and exclusions for every pupil of compulsory school age, every term."""
    log = EventLog(
        extra=(
            "term",
            "year_group",
            "fsm",
            "sen",
            "sessions_possible",
            "authorised",
            "unauthorised",
            "sessions",
        )
    )
    people = world.pop.people
    starts = world.calendar.month_starts
    for term in terms(world):
        mid = (term.first_month + term.last_month) // 2
        view = month_view(world, mid)
        sept1 = int(np.datetime64(f"{term.academic_year}-09-01").astype(np.int64))
        year_age = np.floor((sept1 - 1 - people["dob"][view.person]) / DAYS_PER_YEAR)
        pupil = (year_age >= 4) & (year_age <= 15)
        p, h = view.person[pupil], view.household[pupil]
        z, k, c = view.z[pupil], view.harm[pupil], view.conduct[pupil]
        end_day = np.full(len(p), starts[term.last_month + 1] - 10, dtype=np.int64)
        census_day = np.full(len(p), starts[term.first_month] + 30, dtype=np.int64)
        log.add(
            "edu.census",
            p,
            h,
            census_day,
            term=term.label,
            year_group=(year_age[pupil] - 4).astype(int),
            fsm=on_benefits[mid, h],
            sen=np.array(["", "K", "E"])[people["sen"][p]],
        )
        secondary = (year_age[pupil] >= 11).astype(np.float64)
        logit = (
            ABSENCE_INTERCEPT
            + 0.35 * k
            + 0.3 * z[:, MENTAL_HEALTH]
            + 0.3 * z[:, SUBSTANCE]
            + 0.2 * z[:, HARDSHIP]
            + 0.3 * secondary * c
            + people["school_offset"][p]
            + 0.2 * (people["sen"][p] > 0)
            + 0.45 * rng.standard_normal(len(p))
        )
        missed = rng.binomial(term.sessions, sigmoid(logit))
        unauthorised = rng.binomial(missed, sigmoid(-1.2 + 0.45 * (k + z[:, HARDSHIP]) + 0.3 * c))
        log.add(
            "edu.absence_term",
            p,
            h,
            end_day,
            known_date=end_day + 21,
            term=term.label,
            sessions_possible=term.sessions,
            authorised=missed - unauthorised,
            unauthorised=unauthorised,
        )
        rate = np.exp(SUSPENSION_INTERCEPT + 1.0 * c + 0.3 * k + 0.8 * secondary)
        count = rng.poisson(rate)
        who = np.repeat(np.arange(len(p)), count)
        day = starts[term.first_month] + (
            rng.random(len(who)) * (end_day[who] - starts[term.first_month])
        ).astype(np.int64)
        log.add(
            "edu.suspension",
            p[who],
            h[who],
            day,
            known_date=day + 2,
            sessions=rng.integers(1, 11, len(who)),
        )
        expelled = rng.random(len(p)) < sigmoid(EXCLUSION_INTERCEPT + 1.5 * c + secondary)
        day = starts[term.first_month] + (rng.random(int(expelled.sum())) * 60).astype(np.int64)
        log.add("edu.permanent_exclusion", p[expelled], h[expelled], day, known_date=day + 2)
    return log.frame()
