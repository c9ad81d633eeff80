"""Standardisation: the forms a comparison sees must agree whenever the person is the same."""

from __future__ import annotations

import pandas as pd
import pytest

from earlyhelp.linkage.nicknames import NAME_GROUPS, nickname_pairs
from earlyhelp.linkage.standardise import standardise


def _one(**fields: object) -> pd.Series:
    row = {"source": "s", "source_record_id": "1", **fields}
    return standardise(pd.DataFrame([row])).iloc[0]


def test_names_lose_case_accents_and_punctuation() -> None:
    row = _one(first_name="  Zoë Anne", surname="O'Neill-Smith")
    assert row["first_name"] == "zoe"
    assert row["surname"] == "oneillsmith"


def test_nickname_and_full_name_share_a_group() -> None:
    bill, william = _one(first_name="Bill"), _one(first_name="WILLIAM")
    assert bill["first_name_group"] == william["first_name_group"] == "william"
    assert _one(first_name="Zebedee")["first_name_group"] == "zebedee"


def test_no_name_is_in_two_nickname_groups() -> None:
    names = [n for key, group in NAME_GROUPS.items() for n in (key, *group)]
    assert len(names) == len(set(names)) == len(nickname_pairs())


@pytest.mark.parametrize("raw", ["th1 4rn", "TH14RN", "TH1  4RN", " th1 4RN "])
def test_postcode_variants_agree(raw: str) -> None:
    row = _one(postcode=raw)
    assert row["postcode"] == "TH1 4RN"
    assert row["postcode_sector"] == "TH1 4"
    assert row["postcode_district"] == "TH1"


def test_non_uk_postcode_has_no_sector() -> None:
    row = _one(postcode="4223")
    assert row["postcode"] == "4223"
    assert row["postcode_sector"] is None


def test_address_abbreviations_expand() -> None:
    short = _one(address="Flat 2, 12 High Rd")
    long = _one(address="FLAT 2 12 HIGH ROAD")
    assert short["address"] == long["address"] == "flat 2 12 high road"
    assert short["address_numbers"] == "2 12"


@pytest.mark.parametrize(
    ("raw", "iso"),
    [("1985-03-04", "1985-03-04"), ("1985-13-01", None), ("", None), (None, None)],
)
def test_dob_parsed_from_iso_text(raw: str | None, iso: str | None) -> None:
    assert _one(dob=raw)["dob"] == iso


def test_dob_parts_for_swap_detection() -> None:
    row = _one(dob=pd.Timestamp("1985-03-04").date())
    assert (row["dob_year"], row["dob_month"], row["dob_day"]) == (1985, 3, 4)


def test_identifiers_cleaned_and_missing_columns_null() -> None:
    row = _one(nhs_number=4369442508.0, ni_number="ab 12 34 56 c", sex="Female")
    assert row["nhs_number"] == "4369442508"
    assert row["ni_number"] == "AB123456C"
    assert row["sex"] == "f"
    assert row["upn"] is None and row["address"] is None


def test_short_nhs_number_is_dropped() -> None:
    assert _one(nhs_number="12345")["nhs_number"] is None


def test_required_columns_enforced() -> None:
    with pytest.raises(ValueError, match="source_record_id"):
        standardise(pd.DataFrame({"source": ["a"]}))


def test_names_in_other_scripts_are_transliterated_and_blank_names_are_null() -> None:
    records = pd.DataFrame(
        {
            "source": "s",
            "source_record_id": ["1", "2", "3", "4"],
            "first_name": ["Дмитрий", "Zoë Ann", "-", None],
            "surname": ["Иванов", "Smith-Jones", "王", "?"],
        }
    )
    std = standardise(records).set_index("source_record_id").to_dict("index")
    assert (std["1"]["first_name"], std["1"]["surname"]) == ("dmitriy", "ivanov")
    assert (std["2"]["first_name"], std["2"]["surname"]) == ("zoe", "smithjones")
    assert list(std["2"]["surname_parts"]) == ["smith", "jones"]
    assert std["3"]["surname"] == "wang" and pd.isna(std["3"]["first_name"])
    assert pd.isna(std["4"]["first_name"]) and pd.isna(std["4"]["surname"])


def test_email_and_phone_are_normalised_or_null() -> None:
    records = pd.DataFrame(
        {
            "source": "s",
            "source_record_id": ["1", "2"],
            "email": [" Ann.Lee@Example.org ", "not an email"],
            "phone": ["+44 7700 900123", "123"],
        }
    )
    std = standardise(records).set_index("source_record_id").to_dict("index")
    assert (std["1"]["email"], std["1"]["phone"]) == ("ann.lee@example.org", "07700900123")
    assert pd.isna(std["2"]["email"]) and pd.isna(std["2"]["phone"])
