import pandas as pd

from earlyhelp.linkage.stable_ids import assign_stable_ids


def frame(pairs: dict[str, object], column: str) -> pd.DataFrame:
    return pd.DataFrame({"key": list(pairs), column: list(pairs.values())})


def test_a_first_run_numbers_people_from_one() -> None:
    ids, history = assign_stable_ids(frame({"a": 7, "b": 7, "c": 9}, "cluster_id"), None)
    assert dict(zip(ids["key"], ids["person_id"], strict=True)) == {
        "a": "P00000001",
        "b": "P00000001",
        "c": "P00000002",
    }
    assert history.empty


def test_people_seen_before_keep_their_ids_and_newcomers_get_fresh_ones() -> None:
    previous = frame({"a": "P00000001", "b": "P00000001", "c": "P00000002"}, "person_id")
    clusters = frame({"a": 50, "b": 50, "c": 51, "d": 51, "e": 52}, "cluster_id")
    ids, history = assign_stable_ids(clusters, previous)
    got = dict(zip(ids["key"], ids["person_id"], strict=True))
    assert got == {
        "a": "P00000001",
        "b": "P00000001",
        "c": "P00000002",
        "d": "P00000002",
        "e": "P00000003",
    }
    assert history.empty


def test_a_split_keeps_the_id_on_the_larger_part_and_records_the_other() -> None:
    previous = frame({"a": "P00000001", "b": "P00000001", "c": "P00000001"}, "person_id")
    ids, history = assign_stable_ids(frame({"a": 1, "b": 1, "c": 2}, "cluster_id"), previous)
    got = dict(zip(ids["key"], ids["person_id"], strict=True))
    assert got["a"] == got["b"] == "P00000001" and got["c"] == "P00000002"
    assert history.to_dict("records") == [
        {"old_person_id": "P00000001", "new_person_id": "P00000002", "kind": "split"}
    ]


def test_a_merge_keeps_the_larger_old_id_and_records_the_other_as_merged() -> None:
    previous = frame({"a": "P00000001", "b": "P00000001", "c": "P00000002"}, "person_id")
    ids, history = assign_stable_ids(frame({"a": 1, "b": 1, "c": 1}, "cluster_id"), previous)
    assert set(ids["person_id"]) == {"P00000001"}
    assert history.to_dict("records") == [
        {"old_person_id": "P00000002", "new_person_id": "P00000001", "kind": "merge"}
    ]
