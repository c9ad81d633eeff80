"""Standardise canonical person records in SQL, so that comparisons see like with like.

Standardisation runs as one DuckDB statement rather than a pandas loop, so the same code serves a
1,000-row council file and a 1,000,000-row warehouse table. Columns missing from the input come
out as NULL, which every comparison treats as "no evidence" rather than as a disagreement.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from earlyhelp.canonical import LINKAGE_FIELDS
from earlyhelp.linkage.nicknames import nickname_pairs

CANONICAL_COLUMNS: tuple[str, ...] = ("source", "source_record_id", *LINKAGE_FIELDS)
REQUIRED_COLUMNS: tuple[str, ...] = ("source", "source_record_id")

# Street-type abbreviations written out in full, so "12 High Rd" and "12 High Road" agree.
STREET_WORDS: dict[str, str] = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "av": "avenue",
    "cl": "close",
    "ln": "lane",
    "dr": "drive",
    "ct": "court",
    "gdns": "gardens",
    "pl": "place",
    "cres": "crescent",
    "sq": "square",
    "tce": "terrace",
    "gr": "grove",
    "pk": "park",
    "wy": "way",
}


def _clean_text(expr: str) -> str:
    """Lower case, accents removed, anything but letters, digits and spaces dropped."""
    return (
        f"nullif(trim(regexp_replace(regexp_replace(strip_accents(lower(CAST({expr} AS VARCHAR))),"
        f" '[^a-z0-9 ]', ' ', 'g'), '\\s+', ' ', 'g')), '')"
    )


def _clean_name(expr: str) -> str:
    """Letters only, joined: "O'Neill" and "ONEILL" agree, as do "Smith-Jones" and "Smith Jones"."""
    return (
        f"nullif(regexp_replace(strip_accents(lower(CAST({expr} AS VARCHAR))), '[^a-z]', '', 'g'),"
        f" '')"
    )


def _first_token(expr: str) -> str:
    """The first word: a forename field that also carries middle names keeps only the first."""
    cleaned = (
        f"trim(regexp_replace(regexp_replace(strip_accents(lower(CAST({expr} AS VARCHAR))),"
        f" '[^a-z ]', '', 'g'), '\\s+', ' ', 'g'))"
    )
    return f"nullif(split_part({cleaned}, ' ', 1), '')"


def address_sql(expr: str) -> str:
    """Cleaned address with street-type abbreviations expanded."""
    out = _clean_text(expr)
    for short, full in STREET_WORDS.items():
        out = f"regexp_replace({out}, '\\b{short}\\b', '{full}', 'g')"
    return out


def _identifier(expr: str, pattern: str) -> str:
    """Upper-case letters and digits only; a float-typed read's trailing ".0" removed."""
    text = f"regexp_replace(CAST({expr} AS VARCHAR), '\\.0$', '')"
    return f"nullif(regexp_replace(upper({text}), '{pattern}', '', 'g'), '')"


def _postcode(expr: str) -> str:
    """Upper case with a single space before the inward code (the last three characters)."""
    squashed = f"regexp_replace(upper(CAST({expr} AS VARCHAR)), '[^A-Z0-9]', '', 'g')"
    return (
        f"nullif(CASE WHEN length({squashed}) BETWEEN 5 AND 7 "
        f"THEN left({squashed}, length({squashed}) - 3) || ' ' || right({squashed}, 3) "
        f"ELSE {squashed} END, '')"
    )


def _sex(expr: str) -> str:
    """'m' or 'f'; anything else (unknown, not stated, blank) is NULL."""
    first = f"left(lower(trim(CAST({expr} AS VARCHAR))), 1)"
    return f"CASE WHEN {first} IN ('m', 'f') THEN {first} END"


def _dob(expr: str) -> str:
    """A DATE from a DATE, TIMESTAMP or ISO 'YYYY-MM-DD' string; anything unparseable is NULL."""
    return f"try_cast(nullif(trim(CAST({expr} AS VARCHAR)), '') AS DATE)"


def _nickname_values() -> str:
    rows = ", ".join(f"('{name}', '{group}')" for name, group in nickname_pairs())
    return f"SELECT * FROM (VALUES {rows}) AS t(name, name_group)"


def standardise_sql(source_table: str, columns: set[str]) -> str:
    """The SELECT that standardises ``source_table``, whose columns are ``columns``."""
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ValueError(f"person records lack required column(s): {', '.join(missing)}")

    def col(name: str) -> str:
        return f'"{name}"' if name in columns else "NULL"

    uk_postcode = "'^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$'"
    return f"""
    WITH nicknames AS ({_nickname_values()}),
    base AS (
        SELECT
            CAST({col("source")} AS VARCHAR) AS source,
            CAST({col("source_record_id")} AS VARCHAR) AS source_record_id,
            {_first_token(col("first_name"))} AS first_name,
            {_clean_text(col("middle_names"))} AS middle_names,
            {_clean_name(col("surname"))} AS surname,
            {_dob(col("dob"))} AS dob_date,
            {_sex(col("sex"))} AS sex,
            {address_sql(col("address"))} AS address,
            {_postcode(col("postcode"))} AS postcode,
            {_identifier(col("uprn"), "[^0-9]")} AS uprn,
            {_identifier(col("upn"), "[^A-Z0-9]")} AS upn,
            {_identifier(col("nhs_number"), "[^0-9]")} AS nhs_number,
            {_identifier(col("ni_number"), "[^A-Z0-9]")} AS ni_number
        FROM {source_table}
    )
    SELECT
        source || '|' || source_record_id AS unique_id,
        source, source_record_id, first_name,
        coalesce(nicknames.name_group, first_name) AS first_name_group,
        middle_names, surname,
        strftime(dob_date, '%Y-%m-%d') AS dob,
        year(dob_date) AS dob_year,
        month(dob_date) AS dob_month,
        day(dob_date) AS dob_day,
        sex, address,
        nullif(array_to_string(regexp_extract_all(address, '[0-9]+[a-z]?'), ' '), '')
            AS address_numbers,
        postcode,
        CASE WHEN regexp_full_match(postcode, {uk_postcode})
             THEN left(postcode, length(postcode) - 2) END AS postcode_sector,
        CASE WHEN regexp_full_match(postcode, {uk_postcode})
             THEN split_part(postcode, ' ', 1) END AS postcode_district,
        uprn, upn,
        CASE WHEN length(nhs_number) = 10 THEN nhs_number END AS nhs_number,
        ni_number
    FROM base LEFT JOIN nicknames ON base.first_name = nicknames.name
    """


def standardise_table(con: duckdb.DuckDBPyConnection, source_table: str, out_table: str) -> None:
    """Create ``out_table`` holding the standardised form of ``source_table`` (both in ``con``)."""
    columns = {str(row[0]) for row in con.execute(f"DESCRIBE {source_table}").fetchall()}
    sql = standardise_sql(source_table, columns)
    con.execute(f"CREATE OR REPLACE TABLE {out_table} AS {sql}").fetchall()


def standardise(records: pd.DataFrame) -> pd.DataFrame:
    """Standardise a pandas frame of canonical person records (a convenience for small inputs)."""
    con = duckdb.connect()
    try:
        con.register("raw_person_records", records)
        standardise_table(con, "raw_person_records", "person_records_std")
        return con.execute("SELECT * FROM person_records_std").df()
    finally:
        con.close()
