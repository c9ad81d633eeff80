"""Which two dates of birth could be one person's: one rule, read by the model and by clustering.

The model's date-of-birth levels and the clustering constraint used to disagree (a month keyed
wrong was scored a slip and then refused as a contradiction; a decade's digit the reverse),
so both now come from here: the SQL for the model's levels and the Python for the constraint
are written side by side from the same tolerances, and a test holds them to the same answers.

An explained error is one of: day and month swapped; one character of ``YYYY-MM-DD`` keyed
wrong (1984-03-12 for 1984-08-12, 1934 for 1984); a day out; or the same day and month up to
``SLIP_YEARS`` apart (1979 keyed for 1980).
"""

from __future__ import annotations

import datetime as dt

SLIP_DAYS = 1
SLIP_YEARS = 10


def swapped_sql(left: str = "dob_l", right: str = "dob_r") -> str:
    """Day and month swapped (and they differ), on ``YYYY-MM-DD`` strings."""
    return (
        f"(substr({left}, 1, 4) = substr({right}, 1, 4) "
        f"AND substr({left}, 9, 2) = substr({right}, 6, 2) "
        f"AND substr({left}, 6, 2) = substr({right}, 9, 2) "
        f"AND substr({left}, 6, 2) <> substr({left}, 9, 2))"
    )


def slip_sql(left: str = "dob_l", right: str = "dob_r") -> str:
    """One keyed character, a day out, or the same day and month a few years apart."""
    return (
        f"(hamming({left}, {right}) <= 1 "
        f"OR abs(date_diff('day', CAST({left} AS DATE), CAST({right} AS DATE))) <= {SLIP_DAYS} "
        f"OR (substr({left}, 6, 5) = substr({right}, 6, 5) "
        f"AND abs(CAST(substr({left}, 1, 4) AS INTEGER) - CAST(substr({right}, 1, 4) AS INTEGER))"
        f" <= {SLIP_YEARS}))"
    )


def explained(a: dt.date, b: dt.date) -> bool:
    """Whether ``a`` and ``b`` are the same date or one of the explained errors of each other."""
    return a == b or swapped(a, b) or slip(a, b)


def swapped(a: dt.date, b: dt.date) -> bool:
    """The Python twin of :func:`swapped_sql`."""
    return a.year == b.year and (a.day, a.month) == (b.month, b.day) and a.day != a.month


def slip(a: dt.date, b: dt.date) -> bool:
    """The Python twin of :func:`slip_sql`."""
    one_key = sum(x != y for x, y in zip(a.isoformat(), b.isoformat(), strict=True)) <= 1
    same_day = (a.month, a.day) == (b.month, b.day) and abs(a.year - b.year) <= SLIP_YEARS
    return one_key or abs((a - b).days) <= SLIP_DAYS or same_day
