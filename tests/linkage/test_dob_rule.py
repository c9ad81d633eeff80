"""One date-of-birth error rule: the model's SQL levels and the clustering constraint agree."""

from __future__ import annotations

import datetime as dt
import itertools

import duckdb
import pytest

from earlyhelp.linkage import dob_rule

BORN = dt.date(1984, 3, 12)
OTHERS = [
    dt.date(1984, 3, 12),
    dt.date(1984, 8, 12),  # a month keyed wrong: one character
    dt.date(1934, 3, 12),  # a decade keyed wrong: one character, fifty years
    dt.date(1984, 12, 3),  # day and month swapped
    dt.date(1984, 3, 13),
    dt.date(1984, 2, 29),
    dt.date(1994, 3, 12),
    dt.date(1975, 3, 12),
    dt.date(2010, 7, 1),
    dt.date(1984, 4, 21),
    dt.date(1948, 3, 12),
]


def _sql(a: dt.date, b: dt.date) -> tuple[bool, bool]:
    row = (
        duckdb.connect()
        .execute(
            f"SELECT {dob_rule.swapped_sql()}, {dob_rule.slip_sql()} "
            f"FROM (SELECT '{a.isoformat()}' AS dob_l, '{b.isoformat()}' AS dob_r)"
        )
        .fetchall()[0]
    )
    return bool(row[0]), bool(row[1])


@pytest.mark.parametrize(("a", "b"), list(itertools.permutations(OTHERS, 2)))
def test_sql_levels_and_python_constraint_agree(a: dt.date, b: dt.date) -> None:
    assert _sql(a, b) == (dob_rule.swapped(a, b), dob_rule.slip(a, b))


def test_the_errors_that_used_to_disagree_are_now_explained_both_ways() -> None:
    for other in (dt.date(1984, 8, 12), dt.date(1934, 3, 12)):
        assert dob_rule.explained(BORN, other)
        assert any(_sql(BORN, other))
    assert not dob_rule.explained(BORN, dt.date(2010, 7, 1))
    assert not any(_sql(BORN, dt.date(2010, 7, 1)))
