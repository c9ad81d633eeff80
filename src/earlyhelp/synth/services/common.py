"""What every service needs: a month's view of the world and a log of the events it records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from earlyhelp.synth.population import DAYS_PER_YEAR
from earlyhelp.synth.world import World

Ints = npt.NDArray[np.int64]
Arr = npt.NDArray[np.float64]


@dataclass
class MonthView:
    """Residents during one month, with their households' and their own latent state."""

    month: int
    day: int  # first day of the month
    person: Ints
    household: Ints
    age: Arr
    male: Arr
    z: Arr  # household adversities, one row per resident
    harm: Arr
    conduct: Arr
    deprivation: Arr
    tenure: Ints


def month_view(world: World, month: int) -> MonthView:
    """Everyone resident during ``month``, aged as at its first day."""
    hh_of = world.household_of[month]
    person = np.flatnonzero(hh_of >= 0)
    household = hh_of[person].astype(np.int64)
    day = world.calendar.month_start(month)
    people = world.pop.people
    households = world.pop.households
    return MonthView(
        month=month,
        day=day,
        person=person,
        household=household,
        age=(day - people["dob"][person]) / DAYS_PER_YEAR,
        male=people["male"][person].astype(np.float64),
        z=world.z[month, household].astype(np.float64),
        harm=world.harm[month, person].astype(np.float64),
        conduct=world.conduct[month, person].astype(np.float64),
        deprivation=households["deprivation"][household].astype(np.float64),
        tenure=households["tenure"][household].astype(np.int64),
    )


def household_view(world: World, month: int) -> tuple[Ints, Arr]:
    """Households with anyone resident during ``month``, and their adversities."""
    hh_of = world.household_of[month]
    households = np.unique(hh_of[hh_of >= 0]).astype(np.int64)
    return households, world.z[month, households].astype(np.float64)


@dataclass
class EventLog:
    """Columns of recorded events, appended a month at a time and framed once at the end.

    Every event names the true person and household, its type from the controlled vocabulary,
    when it happened and when the council knew; services add columns of their own.
    """

    extra: tuple[str, ...] = ()  # the service's own columns, present even when nothing happened
    parts: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        event_type: str,
        person: Ints,
        household: Ints,
        event_date: Ints,
        known_date: Ints | None = None,
        trigger_month: Ints | int = -1,
        **extra: Any,
    ) -> None:
        """Record events of one type (arrays of equal length)."""
        n = len(person)
        if n == 0:
            return
        self.parts.append(
            {
                "person_id": np.asarray(person, dtype=np.int64),
                "household_id": np.asarray(household, dtype=np.int64),
                "event_type": np.full(n, event_type, dtype=object),
                "event_date": np.asarray(event_date, dtype=np.int64),
                "known_date": np.asarray(
                    event_date if known_date is None else known_date, dtype=np.int64
                ),
                "trigger_month": np.broadcast_to(np.asarray(trigger_month, dtype=np.int64), n),
                **{k: np.broadcast_to(np.asarray(v), n) for k, v in extra.items()},
            }
        )

    def frame(self) -> pd.DataFrame:
        """All events, one row each, in the order recorded."""
        columns = [
            "person_id",
            "household_id",
            "event_type",
            "event_date",
            "known_date",
            "trigger_month",
            *self.extra,
        ]
        if not self.parts:
            return pd.DataFrame(
                {
                    c: pd.Series(
                        dtype=np.int64 if c in columns[:6] and c != "event_type" else object
                    )
                    for c in columns
                }
            )
        frame = pd.concat([pd.DataFrame(p) for p in self.parts], ignore_index=True)
        return frame.reindex(columns=list(dict.fromkeys([*columns, *frame.columns])))


def days_in(world: World, months: Ints, rng: np.random.Generator) -> Ints:
    """A random day within each given month."""
    return world.calendar.day_in_month(months, rng).astype(np.int64)


def after(days: Ints, lo: int, hi: int, rng: np.random.Generator) -> Ints:
    """Dates a random lo..hi days after each given date (a recording or processing lag)."""
    return np.asarray(days + rng.integers(lo, hi + 1, size=len(days)), dtype=np.int64)


def draw_lag(lag: Arr, count: int, rng: np.random.Generator) -> Ints:
    """Whole-month lags drawn from a distribution over 0, 1, 2, ... months."""
    return np.asarray(rng.choice(len(lag), size=count, p=lag / lag.sum()), dtype=np.int64)
