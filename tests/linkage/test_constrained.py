import datetime as dt

import pandas as pd

from earlyhelp.linkage.constrained import constrained_clusters
from earlyhelp.linkage.dob_rule import explained


def test_dates_of_birth_that_a_slip_explains_are_one_persons() -> None:
    born = dt.date(1984, 3, 12)
    for other in (dt.date(1984, 3, 13), dt.date(1984, 12, 3), dt.date(1994, 3, 12)):
        assert explained(born, other)
    assert not explained(born, dt.date(2010, 7, 1))


def test_a_record_without_a_birth_date_does_not_join_father_and_son() -> None:
    records = pd.DataFrame(
        {
            "key": ["father", "son", "asb"],
            "dob": [dt.date(1975, 2, 11), dt.date(2005, 4, 26), None],
            "upn": [None, "K899203197863", None],
        }
    )
    pairs = pd.DataFrame(
        {"key_l": ["asb", "asb"], "key_r": ["son", "father"], "match_weight": [12.0, 11.0]}
    )
    clusters = constrained_clusters(records, pairs).set_index("key")["cluster_id"]
    assert clusters["asb"] == clusters["son"] != clusters["father"]


def test_different_identifiers_keep_twins_apart_but_agreeing_ones_join() -> None:
    records = pd.DataFrame(
        {
            "key": ["a", "b", "c"],
            "dob": [dt.date(2019, 2, 21)] * 3,
            "upn": ["K899205916546", "Y899201658893", "K899205916546"],
        }
    )
    pairs = pd.DataFrame({"key_l": ["a", "a"], "key_r": ["b", "c"], "match_weight": [9.0, 9.0]})
    clusters = constrained_clusters(records, pairs).set_index("key")["cluster_id"]
    assert clusters["a"] == clusters["c"] != clusters["b"]
