"""The Splink model: comparisons, blocking rules, training, and the settings JSON that holds them.

The model *is* its settings JSON: saved after training so that it can be reviewed (every m and u
probability is in it) and reloaded to predict without retraining, as Splink intends.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import duckdb
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.exceptions import EMTrainingException

from earlyhelp.linkage import dob_rule

UNIQUE_ID = "unique_id"
# Person identifiers. A UPRN is not one: it names a property, which a household shares, so
# agreeing on it is evidence like agreeing on an address (the location comparison), not more.
IDENTIFIERS: tuple[str, ...] = ("nhs_number", "ni_number", "upn")
CONTACTS: tuple[str, ...] = ("email", "phone")
RETAINED_COLUMNS: list[str] = ["source", "source_record_id"]
DEFAULT_U_PAIRS = 1e7
FALLBACK_PRIOR = 1e-4  # Splink's own default for the chance two random records match
SEX_ELSE_M = 0.005


SWAPPED_NAMES = (
    "jaro_winkler_similarity(first_name_l, surname_r) >= 0.9 "
    "AND jaro_winkler_similarity(surname_l, first_name_r) >= 0.9"
)


def _first_name() -> ComparisonCreator:
    """Exact (with term-frequency adjustment: a shared rare name is stronger evidence than a
    shared common one), a known short form of the same name, Jaro-Winkler bands for typos, then
    an initial against a name. Keeping nicknames out of the last levels is what lets a twin's
    different first name count strongly against a match.

    When first name and surname are transposed the surname comparison scores the pair once;
    here it is neutral, so that one mistake is not counted as two disagreements.
    """
    initial = (
        "(length(first_name_l) = 1 OR length(first_name_r) = 1) "
        "AND left(first_name_l, 1) = left(first_name_r, 1)"
    )
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name", term_frequency_adjustments=True),
            cll.CustomLevel(SWAPPED_NAMES, label_for_charts="Names transposed").configure(
                is_null_level=True
            ),
            cll.ExactMatchLevel("first_name_group").configure(label_for_charts="Same name group"),
            cll.JaroWinklerLevel("first_name", 0.92),
            cll.JaroWinklerLevel("first_name", 0.8),
            cll.CustomLevel(initial, label_for_charts="An initial and a name that agree"),
            cll.ElseLevel(),
        ],
    )


def _surname() -> ComparisonCreator:
    """Exact (term-frequency adjusted), first name and surname transposed, one part of a double
    or hyphenated surname shared (Smith and Smith-Jones), then Jaro-Winkler bands."""
    shared_part = (
        "list_has_any(coalesce(surname_parts_l, [surname_l]), coalesce(surname_parts_r, "
        "[surname_r])) AND (surname_parts_l IS NOT NULL OR surname_parts_r IS NOT NULL)"
    )
    return cl.CustomComparison(
        output_column_name="surname",
        comparison_levels=[
            cll.NullLevel("surname"),
            cll.ExactMatchLevel("surname", term_frequency_adjustments=True),
            cll.CustomLevel(SWAPPED_NAMES, label_for_charts="Names transposed"),
            cll.CustomLevel(shared_part, label_for_charts="Shares a part of a double surname"),
            cll.JaroWinklerLevel("surname", 0.92),
            cll.JaroWinklerLevel("surname", 0.8),
            cll.ElseLevel(),
        ],
    )


def _contact(column: str) -> ComparisonCreator:
    """An email address or phone number: exact, neutral when either side has none. A shared
    contact is strong evidence, a different one weak (people change both)."""
    return cl.ExactMatch(column)


def _dob() -> ComparisonCreator:
    """Exact; day and month swapped; one slip; else. The swaps and slips are ``dob_rule``'s,
    the same rule that clustering uses to refuse dates of birth no error explains. Twins share a
    date of birth, so this comparison never separates them: the first name must.

    The m of "else" is estimated, not fixed: a value chosen for one council (it was 1%) made a
    wrong date of birth all but veto a match in files with more of them (FEBRL's duplicates
    have ~10%). Namesakes at one address whose dates of birth differ are kept apart in the
    council path by the clustering constraint, which refuses dates no agreed error explains.
    """
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel(dob_rule.swapped_sql(), label_for_charts="Day and month swapped"),
            cll.CustomLevel(
                dob_rule.slip_sql(), label_for_charts="One slip (a digit, a day, or the year)"
            ),
            cll.ElseLevel(),
        ],
    )


def _sex() -> ComparisonCreator:
    """Exact sex. The m of a disagreement is fixed at 0.5% (recording errors, and people whose
    recorded sex changed) because EM, seeing none in training, would set it near zero and make
    one wrong entry veto an otherwise certain match."""
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[
            cll.NullLevel("sex"),
            cll.ExactMatchLevel("sex"),
            cll.ElseLevel().configure(m_probability=SEX_ELSE_M, fix_m_probability=True),
        ],
    )


def _location(present: set[str]) -> ComparisonCreator:
    """Address and postcode as one comparison, because they are not independent: given the same
    address the same postcode is almost certain, and scoring both would count one fact twice
    (which pushes every pair of household members towards a match). Sector and district are
    NULL for codes that do not look like UK postcodes, so two foreign codes never "agree" on an
    empty sector: they are compared as plain strings (equal, or one character off)."""
    has_address, has_postcode = "address" in present, "postcode" in present
    levels: list[ComparisonLevelCreator | dict[str, Any]] = []
    nulls = []
    if has_address:
        nulls.append("(address_l IS NULL OR address_r IS NULL)")
    if has_postcode:
        nulls.append("(postcode_l IS NULL OR postcode_r IS NULL)")
    levels.append(cll.CustomLevel(" AND ".join(nulls)).configure(is_null_level=True))
    if has_address and has_postcode:
        levels.append(
            cll.CustomLevel(
                "address_l = address_r AND postcode_l = postcode_r",
                label_for_charts="Same address and postcode",
            )
        )
    if has_address:
        levels.append(cll.ExactMatchLevel("address").configure(label_for_charts="Same address"))
    if has_address and has_postcode:
        levels.append(
            cll.CustomLevel(
                "postcode_l = postcode_r AND address_numbers_l = address_numbers_r",
                label_for_charts="Same postcode and house numbers",
            )
        )
    if has_postcode:
        levels.append(cll.ExactMatchLevel("postcode").configure(label_for_charts="Same postcode"))
    if has_address:
        levels.append(cll.JaroWinklerLevel("address", 0.9))
        levels.append(
            cll.CustomLevel(
                "address_numbers_l = address_numbers_r "
                "AND jaro_winkler_similarity(address_l, address_r) >= 0.7",
                label_for_charts="Same house numbers, a similar address",
            )
        )
    if has_postcode:
        levels += [
            cll.CustomLevel(
                "postcode_sector_l = postcode_sector_r", label_for_charts="Same sector"
            ),
            cll.CustomLevel(
                "postcode_district_l = postcode_district_r", label_for_charts="Same district"
            ),
            cll.DamerauLevenshteinLevel("postcode", 1).configure(
                label_for_charts="Postcode one character off"
            ),
        ]
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(output_column_name="location", comparison_levels=levels)


def comparisons(present: set[str]) -> list[ComparisonCreator]:
    """The comparisons for the columns that hold data; an absent column is simply not compared.

    Identifiers are exact comparisons whose NULL level makes a missing value neutral: the
    education system's UPN says nothing about a benefits record that has none.
    """
    out: list[ComparisonCreator] = [_first_name(), _surname()]
    if "dob" in present:
        out.append(_dob())
    if "sex" in present:
        out.append(_sex())
    if "postcode" in present or "address" in present:
        out.append(_location(present))
    out.extend(cl.ExactMatch(c) for c in IDENTIFIERS if c in present)
    out.extend(_contact(c) for c in CONTACTS if c in present)
    return out


def blocking_rules(present: set[str]) -> list[BlockingRuleCreator]:
    """Rules that keep candidate pairs near-linear at ~1M records yet catch each kind of error.

    Each rule is an equi-join on values with many distinct levels (a date of birth, a full name,
    a name at a postcode, a person identifier), so no block grows with the square of the data.
    A pair missed by one rule (say, a mistyped date of birth) is caught by another; transposed
    names and a house number with a name catch the records whose date of birth is missing.
    """
    rules: list[BlockingRuleCreator] = [
        block_on("first_name", "surname"),
        CustomRule("l.first_name = r.surname AND l.surname = r.first_name"),
    ]
    if "dob" in present:
        rules += [
            block_on("dob"),
            block_on("surname", "dob_year"),
            block_on("first_name", "dob_year"),
        ]
    if "postcode" in present:
        rules += [block_on("surname", "postcode"), block_on("first_name", "postcode")]
    if "address" in present:
        rules += [
            block_on("address"),
            block_on("surname", "address_numbers"),
            block_on("first_name", "address_numbers"),
        ]
    rules += [block_on(c) for c in (*IDENTIFIERS, *CONTACTS) if c in present]
    return rules


def build_settings(present: set[str]) -> SettingsCreator:
    """An untrained model for records whose populated columns are ``present``."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name=UNIQUE_ID,
        comparisons=list[ComparisonCreator | dict[str, Any]](comparisons(present)),
        blocking_rules_to_generate_predictions=list[BlockingRuleCreator | dict[str, Any]](
            blocking_rules(present)
        ),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=RETAINED_COLUMNS,
    )


def populated_columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """The comparable columns of a standardised table that hold at least one value."""
    candidates = ["dob", "sex", "postcode", "address", *IDENTIFIERS, *CONTACTS]
    counts = ", ".join(f'count("{c}")' for c in candidates)
    row = con.execute(f"SELECT {counts} FROM {table}").fetchall()[0]
    assert row is not None
    return {c for c, n in zip(candidates, row, strict=True) if int(n) > 0}


def make_linker(
    con: duckdb.DuckDBPyConnection, table: str, settings: SettingsCreator | dict[str, Any] | Path
) -> Linker:
    """A Splink linker over a standardised table already in ``con``."""
    db_api = DuckDBAPI(connection=con)
    frame = db_api.register(table)
    return Linker(frame, settings, log_level=logging.WARNING)


def train(
    linker: Linker, present: set[str], seed: int = 1, u_pairs: float = DEFAULT_U_PAIRS
) -> None:
    """Estimate the prior, u by random sampling and m by expectation maximisation.

    u comes from random pairs (almost all non-matches). The prior comes from a strict rule
    (same full name and date of birth) assumed to find 60% of true matches. m comes from two
    EM passes whose blocking rules are independent of each other's comparisons: pairs sharing a
    date of birth teach the name, address and identifier levels; pairs sharing a full name
    teach the date-of-birth levels.
    """
    training = linker.training
    strict: list[str | BlockingRuleCreator] = (
        [block_on("first_name", "surname", "dob")]
        if "dob" in present
        else [block_on("first_name", "surname")]
    )
    training.estimate_probability_two_random_records_match(strict, recall=0.6)
    settings = linker._settings_obj  # Splink offers no public setter for the prior
    if settings._probability_two_random_records_match <= 0:
        # No pair agrees exactly on the strict rule (a small file with no exact repeats), so the
        # estimate is 0, whose match weight is log(0). Start from Splink's default prior instead.
        settings._probability_two_random_records_match = FALLBACK_PRIOR
    training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed)
    passes = [block_on("dob")] if "dob" in present else []
    passes.append(block_on("first_name", "surname"))
    for rule in passes:
        try:
            training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        except (ValueError, EMTrainingException):
            # Too few pairs share this rule to learn from (a small file): the other pass, or
            # the comparisons' starting m values, stand in for it.
            continue


def save_settings(linker: Linker, path: Path) -> None:
    """Write the trained model as indented JSON, for review in a pull request and for reuse."""
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = linker.misc.save_model_to_json()
    path.write_text(json.dumps(settings, indent=2, sort_keys=True), encoding="utf-8")


def load_settings(path: Path) -> dict[str, Any]:
    """A saved model, ready to pass to :func:`make_linker` to predict without retraining."""
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded
