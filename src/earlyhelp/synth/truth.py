"""The ground truth, written apart from the extracts: evaluation reads it, the pipeline never."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from earlyhelp.synth.latent import ADVERSITIES
from earlyhelp.synth.names import ETHNIC_GROUPS
from earlyhelp.synth.population import NEVER
from earlyhelp.synth.world import World, occupancies


def _dates(days: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    values = np.asarray(days, dtype=np.int64)
    out = values.astype("datetime64[D]")
    return np.where(values >= NEVER, np.datetime64("NaT"), out)


def truth_tables(
    world: World,
    events: pd.DataFrame,
    harm: pd.DataFrame,
    record_person: pd.DataFrame,
    as_of_months: list[int],
) -> dict[str, pd.DataFrame]:
    """Every truth table, by file stem."""
    people = world.pop.people
    hh = world.pop.households
    geo = world.geo
    persons = pd.DataFrame(
        {
            "person_id": np.arange(len(people)),
            "first_name": people["first_name"],
            "middle_names": people["middle_names"],
            "surname": people["surname"],
            "birth_surname": people["birth_surname"],
            "dob": _dates(people["dob"]),
            "sex": np.where(people["male"] == 1, "M", "F"),
            "ethnicity": np.array(ETHNIC_GROUPS)[people["ethnicity"]],
            "disabled": people["disabled"],
            "nhs_number": people["nhs_number"],
            "ni_number": people["ni_number"],
            "upn": people["upn"],
            "entry_date": _dates(people["entry_day"]),
            "exit_date": _dates(people["exit_day"]),
            "exit_reason": np.array(["", "death", "moved out"])[people["exit_reason"]],
            "twin_of": people["twin_of"],
            "named_after": people["named_after"],
        }
    )
    memberships = pd.DataFrame(
        world.pop.membership_log, columns=["person_id", "household_id", "from_day"]
    )
    memberships = memberships.sort_values(["person_id", "from_day"], kind="stable")
    following = memberships.groupby("person_id")["from_day"].shift(-1)
    exit_day = people["exit_day"][memberships["person_id"].to_numpy()]
    memberships["to_day"] = np.where(following.isna(), exit_day, following.fillna(0)).astype(
        np.int64
    )
    age_at_start = (
        memberships["from_day"] - people["dob"][memberships["person_id"].to_numpy()]
    ) / 365.25
    memberships = pd.DataFrame(
        {
            "person_id": memberships["person_id"],
            "household_id": memberships["household_id"],
            "from_date": _dates(memberships["from_day"]),
            "to_date": _dates(memberships["to_day"]),
            "role": np.where(age_at_start < 18, "child", "adult"),
        }
    )
    spells = occupancies(world)
    addresses = pd.DataFrame(
        {
            "household_id": spells["household_id"],
            "uprn": geo.prop_uprn[spells["prop"]],
            "lsoa": geo.lsoa_code[geo.prop_lsoa[spells["prop"]]],
            "from_date": _dates(spells["from_day"]),
            "to_date": _dates(spells["to_day"]),
        }
    )
    households = pd.DataFrame(
        {
            "household_id": np.arange(len(hh)),
            "tenure": np.array(["owner", "private_rent", "social_rent"])[hh["tenure"]],
            "imd_decile": hh["decile"],
            "created_date": _dates(hh["created_day"]),
            "ended_date": _dates(hh["ended_day"]),
        }
    )
    latent_rows = []
    for month in as_of_months:
        here = np.unique(world.household_of[month - 1][world.household_of[month - 1] >= 0])
        frame = pd.DataFrame(world.z[month - 1, here], columns=list(ADVERSITIES))
        frame.insert(0, "household_id", here)
        frame.insert(0, "as_of", np.datetime64(world.calendar.month_start(month), "D"))
        latent_rows.append(frame)
    person_latent = []
    for month in as_of_months:
        here = np.flatnonzero(world.household_of[month - 1] >= 0)
        person_latent.append(
            pd.DataFrame(
                {
                    "as_of": np.datetime64(world.calendar.month_start(month), "D"),
                    "person_id": here,
                    "harm_propensity": world.harm[month - 1, here],
                    "conduct_propensity": world.conduct[month - 1, here],
                }
            )
        )
    harm = harm.assign(harm_date=_dates(harm["harm_date"].to_numpy()))
    return {
        "people": persons,
        "households": households,
        "memberships": memberships,
        "household_addresses": addresses,
        "record_person": record_person,
        "events": events,  # its integer days become dates as it is written
        "harm": harm,
        "household_latent": pd.concat(latent_rows, ignore_index=True),
        "person_latent": pd.concat(person_latent, ignore_index=True),
    }


def write_tables(tables: dict[str, pd.DataFrame], directory: Path) -> dict[str, int]:
    """Write each table as Parquet and return its row count.

    Column by column through Arrow, not by copying frames: the events table of a large council
    holds millions of rows, and a copy of it would double the peak memory.
    """
    directory.mkdir(parents=True, exist_ok=True)
    rows = {}
    for stem, frame in tables.items():
        table = pa.table(
            [_arrow(name, frame[name]) for name in frame.columns],
            names=[str(c) for c in frame.columns],
        )
        pq.write_table(table, directory / f"{stem}.parquet")
        rows[f"{stem}.parquet"] = len(frame)
    return rows


def _arrow(name: object, values: pd.Series) -> pa.Array:
    """One column as Arrow: integer days named *_date become dates; mixed objects become text."""
    if str(name).endswith("_date") and pd.api.types.is_integer_dtype(values):
        days = values.to_numpy()
        return pa.array(days.astype("datetime64[D]"), mask=days >= NEVER)
    try:
        return pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array(values.astype(str))
