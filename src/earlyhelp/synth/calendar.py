"""Simulation time: whole months, with dates held as integer days since 1970-01-01.

Integer days keep every date vectorised in numpy; they are turned into calendar dates only when
an extract is written.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Days = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Calendar:
    """The months of a simulation, plus a margin after the end for lagged events."""

    start: str
    months: int
    margin: int = 15

    @property
    def month_starts(self) -> Days:
        """First day of each month from the start to the end plus the margin (and one more)."""
        first = np.datetime64(self.start, "M")
        months = first + np.arange(self.months + self.margin + 1)
        return months.astype("datetime64[D]").astype(np.int64).astype(np.int32)

    def month_start(self, month: int) -> int:
        """First day of simulation month ``month`` (negative months lie before the start)."""
        first = np.datetime64(self.start, "M") + month
        return int(first.astype("datetime64[D]").astype(np.int64))

    def day_in_month(self, month: int | npt.NDArray[np.int64], rng: np.random.Generator) -> Days:
        """A uniformly random day within each given month."""
        starts = self.month_starts
        m = np.asarray(month, dtype=np.int64)
        lo = starts[m]
        hi = starts[m + 1]
        return (lo + np.floor(rng.random(m.shape) * (hi - lo))).astype(np.int32)

    def month_of(self, days: npt.NDArray[np.integer] | int) -> npt.NDArray[np.int64]:
        """Simulation month of each date (negative before the start)."""
        d = np.asarray(days, dtype="int64").astype("datetime64[D]")
        first = np.datetime64(self.start, "M")
        return np.asarray((d.astype("datetime64[M]") - first).astype(np.int64))

    def as_of_months(self, every: int = 3, history: int = 12, window: int = 12) -> list[int]:
        """Evaluation as-of months: after a year of history, leaving a full outcome window."""
        return list(range(history, self.months - window + 1, every))


def iso(days: npt.NDArray[np.integer]) -> npt.NDArray[np.str_]:
    """Dates as ISO strings (YYYY-MM-DD)."""
    return np.datetime_as_string(np.asarray(days, dtype="int64").astype("datetime64[D]"))


def age_years(dob: Days, on_day: int | Days) -> npt.NDArray[np.int64]:
    """Whole years of age on a day, as a person would state it."""
    born = np.asarray(dob, dtype="int64").astype("datetime64[D]")
    day = np.asarray(on_day, dtype="int64").astype("datetime64[D]")
    by, bm, bd = _ymd(born)
    oy, om, od = _ymd(day)
    before_birthday = (om < bm) | ((om == bm) & (od < bd))
    return np.asarray(oy - by - before_birthday.astype(np.int64))


def _ymd(
    dates: npt.NDArray[np.datetime64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    months = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    return years, months, days
