import itertools

import numpy as np

from earlyhelp.synth.calendar import Calendar, age_years


def test_days_drawn_in_a_month_stay_in_it() -> None:
    cal = Calendar("2019-01", 84)
    months = np.repeat(np.arange(84), 50)
    days = cal.day_in_month(months, np.random.default_rng(1))
    assert (cal.month_of(days) == months).all()


def test_as_of_months_leave_a_year_of_history_and_a_full_window() -> None:
    cal = Calendar("2019-01", 84)
    as_of = cal.as_of_months()
    assert as_of[0] == 12 and as_of[-1] + 12 <= 84
    assert all(b - a == 3 for a, b in itertools.pairwise(as_of))


def test_age_turns_on_the_birthday() -> None:
    born = np.array([np.datetime64("2010-03-15").astype(np.int64)], dtype=np.int32)
    eve = int(np.datetime64("2020-03-14").astype(np.int64))
    assert age_years(born, eve)[0] == 9
    assert age_years(born, eve + 1)[0] == 10
