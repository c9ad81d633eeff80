"""Standardise canonical person records in SQL, so that comparisons see like with like.

Standardisation runs as one DuckDB statement rather than a pandas loop, so the same code serves a
1,000-row council file and a 1,000,000-row warehouse table. Columns missing from the input come
out as NULL, which every comparison treats as "no evidence" rather than as a disagreement.
"""

from __future__ import annotations

import contextlib

import duckdb
import pandas as pd
from anyascii import anyascii
from duckdb.sqltypes import VARCHAR

from earlyhelp.canonical import LINKAGE_FIELDS
from earlyhelp.linkage.nicknames import nickname_pairs

CONTACT_FIELDS: tuple[str, ...] = ("email", "phone")  # optional: not every system holds them
CANONICAL_COLUMNS: tuple[str, ...] = (
    "source",
    "source_record_id",
    *LINKAGE_FIELDS,
    *CONTACT_FIELDS,
)
ASCII_FUNCTION = "earlyhelp_ascii"
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


def _to_ascii(text: str) -> str:
    """Latin letters for any script: Дмитрий is dmitriy, 王小明 WangXiaoMing, Zoë Zoe."""
    return anyascii(text)


def register_functions(con: duckdb.DuckDBPyConnection) -> None:
    """Make the transliteration available to the standardising SQL on ``con`` (once)."""
    with contextlib.suppress(duckdb.NotImplementedException):  # already registered on con
        con.create_function(ASCII_FUNCTION, _to_ascii, [VARCHAR], VARCHAR, side_effects=False)


def _ascii(expr: str) -> str:
    """Lower-case Latin letters for comparison; only values outside ASCII pay for the call. The
    original spelling stays in the council's own records: this form is only compared."""
    text = f"CAST({expr} AS VARCHAR)"
    return (
        f"lower(CASE WHEN regexp_matches({text}, '[^[:ascii:]]') "
        f"THEN {ASCII_FUNCTION}({text}) ELSE {text} END)"
    )


def _clean_text(expr: str) -> str:
    """Lower case, accents removed, anything but letters, digits and spaces dropped. (Plain SQL,
    without the transliteration that names get: households use it on the warehouse too.)"""
    return (
        f"nullif(trim(regexp_replace(regexp_replace(strip_accents(lower(CAST({expr} AS VARCHAR))),"
        f" '[^a-z0-9 ]', ' ', 'g'), '\\s+', ' ', 'g')), '')"
    )


def _name_words(expr: str) -> str:
    """A name's words, lower case in Latin letters, apostrophes dropped ("O'Neill" is oneill)
    and hyphens made spaces ("Smith-Jones" is smith jones)."""
    letters = (
        f"regexp_replace(regexp_replace({_ascii(expr)}, '[\\x27`]', '', 'g'), '[^a-z]', ' ', 'g')"
    )
    return f"trim(regexp_replace({letters}, '\\s+', ' ', 'g'))"


def _clean_name(expr: str) -> str:
    """Letters only, joined: "O'Neill" and "ONEILL" agree, as do "Smith-Jones" and "Smith Jones".
    A name with no letters at all (blank, "-", "?") is NULL: no evidence, never agreement."""
    return f"nullif(replace({_name_words(expr)}, ' ', ''), '')"


def _first_token(expr: str) -> str:
    """The first word: a forename field that also carries middle names keeps only the first."""
    return f"nullif(split_part({_name_words(expr)}, ' ', 1), '')"


def _email(expr: str) -> str:
    """Lower case without spaces; NULL unless it looks like an address (something@something)."""
    text = f"lower(replace(trim(CAST({expr} AS VARCHAR)), ' ', ''))"
    return f"CASE WHEN regexp_full_match({text}, '[^@]+@[^@]+\\.[^@]+') THEN {text} END"


def _phone(expr: str) -> str:
    """Digits only, a UK +44 / 0044 prefix written as the leading 0; NULL if under 10 digits."""
    digits = f"regexp_replace(CAST({expr} AS VARCHAR), '[^0-9]', '', 'g')"
    national = f"regexp_replace({digits}, '^(0044|44)', '0')"
    return f"CASE WHEN length({national}) >= 10 THEN {national} END"


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
            nullif(string_split({_name_words(col("surname"))}, ' '), ['']) AS surname_parts,
            {_dob(col("dob"))} AS dob_date,
            {_sex(col("sex"))} AS sex,
            {address_sql(col("address"))} AS address,
            {_postcode(col("postcode"))} AS postcode,
            {_identifier(col("uprn"), "[^0-9]")} AS uprn,
            {_identifier(col("upn"), "[^A-Z0-9]")} AS upn,
            {_identifier(col("nhs_number"), "[^0-9]")} AS nhs_number,
            {_identifier(col("ni_number"), "[^A-Z0-9]")} AS ni_number,
            {_email(col("email"))} AS email,
            {_phone(col("phone"))} AS phone
        FROM {source_table}
    )
    SELECT
        source || '|' || source_record_id AS unique_id,
        source, source_record_id, first_name,
        coalesce(nicknames.name_group, first_name) AS first_name_group,
        middle_names, surname,
        CASE WHEN len(surname_parts) > 1 THEN surname_parts END AS surname_parts,
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
        ni_number, email, phone
    FROM base LEFT JOIN nicknames ON base.first_name = nicknames.name
    """


def standardise_table(con: duckdb.DuckDBPyConnection, source_table: str, out_table: str) -> None:
    """Create ``out_table`` holding the standardised form of ``source_table`` (both in ``con``)."""
    columns = {str(row[0]) for row in con.execute(f"DESCRIBE {source_table}").fetchall()}
    register_functions(con)
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
