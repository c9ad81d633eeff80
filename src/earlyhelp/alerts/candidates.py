"""What the policy needs to know about each scored unit, read from the warehouse: the people
in it, whether a listed service already knows it, and how long its risk has stayed low.

Units are reached through their people, one way for every gate: a person is themself, a
household is its members at the as-of date, a council tax account is the people liable for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from earlyhelp.features.person_events import create_person_event_view
from earlyhelp.modelling.dataset import LIABLE_SQL
from earlyhelp.modelling.splits import add_months
from earlyhelp.outcomes.base import RESIDENTS
from earlyhelp.warehouse.scores import earlier_probabilities

_UNIT_PEOPLE = {
    "person": "SELECT unit_id, unit_id AS person_id FROM units",
    "household": """
        SELECT m.household_id AS unit_id, m.person_id
        FROM membership m JOIN units u ON u.unit_id = m.household_id
        WHERE m.from_date < $as_of AND (m.to_date IS NULL OR m.to_date >= $as_of)
    """,
    "account": f"""
        SELECT l.unit_id, l.person_id FROM ({LIABLE_SQL}) l SEMI JOIN units USING (unit_id)
    """,
}


def _query(
    con: duckdb.DuckDBPyConnection,
    unit_type: str,
    units: Sequence[str],
    sql: str,
    params: dict[str, object],
) -> pd.DataFrame:
    """Run ``sql`` with ``unit_person`` (unit_id, person_id) defined for ``units``."""
    con.register("units", pd.DataFrame({"unit_id": pd.Series(list(units), dtype="string")}))
    try:
        full = f"WITH unit_person AS ({_UNIT_PEOPLE[unit_type]}) {sql}"
        used = {name: value for name, value in params.items() if f"${name}" in full}
        return con.execute(full, used).df()
    finally:
        con.unregister("units")


def unit_people(
    con: duckdb.DuckDBPyConnection, unit_type: str, units: Sequence[str], as_of: dt.date
) -> pd.DataFrame:
    """``unit_id, person_id`` for each unit at ``as_of``."""
    return _query(con, unit_type, units, "SELECT * FROM unit_person", {"as_of": as_of})


def known_units(
    con: duckdb.DuckDBPyConnection,
    unit_type: str,
    units: Sequence[str],
    services: Sequence[str],
    since: dt.date,
    until: dt.date,
    known_before: dt.date | None = None,
) -> set[str]:
    """Units of which someone was recorded by a listed service with an event dated in
    [``since``, ``until``), counting only what was known before ``known_before`` if given."""
    create_person_event_view(con)
    found = _query(
        con,
        unit_type,
        units,
        """
        SELECT DISTINCT up.unit_id FROM unit_person up
        JOIN person_event e ON e.person_id = up.person_id
        WHERE e.system IN (SELECT unnest($services::VARCHAR[]))
          AND e.event_date >= $since AND e.event_date < $until
          AND ($known_before IS NULL OR e.known_date < $known_before)
        """,
        {
            "services": list(services),
            "since": since,
            "until": until,
            "known_before": known_before,
            "as_of": until,
        },
    )
    return set(found["unit_id"].astype(str))


def involved_units(
    con: duckdb.DuckDBPyConnection,
    unit_type: str,
    units: Sequence[str],
    as_of: dt.date,
    services: Sequence[str],
    months: int,
) -> set[str]:
    """Units of which someone was recorded by a listed service in the ``months`` before
    ``as_of`` (as the council knew it then): the involvement gate."""
    return known_units(
        con, unit_type, units, services, add_months(as_of, -months), as_of, known_before=as_of
    )


def household_members(
    con: duckdb.DuckDBPyConnection, household_ids: Sequence[str], as_of: dt.date
) -> dict[str, list[dict[str, object]]]:
    """Each household's members at ``as_of``: pseudonymous id and age, oldest first."""
    con.register(
        "wanted", pd.DataFrame({"household_id": pd.Series(list(household_ids), dtype="string")})
    )
    try:
        rows = con.execute(
            f"WITH {RESIDENTS} SELECT r.household_id, r.person_id, r.age FROM resident r "
            "SEMI JOIN wanted USING (household_id) ORDER BY r.household_id, r.age DESC NULLS "
            "LAST, r.person_id",
            {"as_of": [as_of]},
        ).df()
    finally:
        con.unregister("wanted")
    out: dict[str, list[dict[str, object]]] = {}
    for household, person, age in rows.itertuples(index=False):
        out.setdefault(str(household), []).append(
            {"person_id": str(person), "age": None if pd.isna(age) else int(age)}
        )
    return out


def low_months(
    con: duckdb.DuckDBPyConnection,
    outcome: str,
    version: str,
    as_of: dt.date,
    probabilities: pd.Series,
    below: float,
    months: int,
) -> np.ndarray:
    """For each unit (``probabilities`` indexed by unit id), how many consecutive months up to
    this one its probability by model ``version`` has been under ``below`` (looking back at
    most ``months``)."""
    count = (probabilities < below).astype(int).to_numpy()
    still = count.astype(bool)
    earlier = earlier_probabilities(
        con, outcome, version, [add_months(as_of, -k) for k in range(1, months)]
    )
    for k in range(1, months):
        day = pd.Timestamp(add_months(as_of, -k))
        then = earlier[pd.to_datetime(earlier["as_of"]) == day].set_index("unit_id")["probability"]
        known_then = then.reindex(probabilities.index).to_numpy(dtype=np.float64)
        still &= np.nan_to_num(known_then, nan=np.inf) < below
        count += still
    return count
