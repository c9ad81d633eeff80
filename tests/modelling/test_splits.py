import datetime as dt

import pandas as pd

from earlyhelp.modelling.splits import add_months, grouped_split, temporal_folds

QUARTERS = [dt.date(y, m, 1) for y in range(2020, 2025) for m in (1, 4, 7, 10)]


def test_no_training_label_window_reaches_into_the_test_period() -> None:
    folds = temporal_folds(QUARTERS)
    assert folds
    for fold in folds:
        assert add_months(max(fold.train), 12) <= min(fold.test)
        assert not set(fold.train) & set(fold.test)


def test_folds_roll_forward_and_test_every_later_year_once() -> None:
    folds = temporal_folds(QUARTERS)
    tested = [d for fold in folds for d in fold.test]
    assert tested == sorted(tested) and len(tested) == len(set(tested))
    assert [len(f.train) for f in folds] == sorted(len(f.train) for f in folds)


def test_a_household_never_straddles_a_random_split() -> None:
    households = pd.Series([f"H{i // 3}" for i in range(300)])
    train, test = grouped_split(households, 0.25, seed=4)
    assert not set(households[train]) & set(households[test])
    assert 0.15 < len(test) / 300 < 0.35


def test_add_months_keeps_the_day_or_the_months_end() -> None:
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 11, 15), 3) == dt.date(2025, 2, 15)
