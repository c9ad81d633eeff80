"""Who someone was on a given day: name, address and household, from the world's logs."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from earlyhelp.synth.world import World

Ints = npt.NDArray[np.int64]


def _as_of(
    log: pd.DataFrame, key: str, when: str, keys: Ints, days: Ints, fields: list[str]
) -> pd.DataFrame:
    """For each (key, day), the fields of the latest log row for that key on or before the day."""
    query = pd.DataFrame({key: keys, "day": days, "order": np.arange(len(keys))})
    found = pd.merge_asof(
        query.sort_values("day", kind="stable"),
        log.sort_values(when, kind="stable").rename(columns={when: "day"}),
        on="day",
        by=key,
        direction="backward",
    )
    return found.sort_values("order")[fields].reset_index(drop=True)


class IdentityBook:
    """Answers "what was this person's surname and address on this day?" for many at once."""

    def __init__(self, world: World) -> None:
        self.world = world
        people = world.pop.people
        self.memberships = pd.DataFrame(
            world.pop.membership_log, columns=["person_id", "household_id", "from_day"]
        )
        self.addresses = pd.DataFrame(
            world.pop.address_log, columns=["household_id", "prop", "from_day"]
        )
        changes = pd.DataFrame(world.pop.surname_log, columns=["person_id", "from_day", "surname"])
        entries = pd.DataFrame(
            {
                "person_id": np.arange(len(people)),
                "from_day": np.iinfo(np.int32).min,
                "surname": people["entry_surname"],
            }
        )
        self.surnames = pd.concat([entries, changes], ignore_index=True)

    def surname(self, person: Ints, days: Ints) -> npt.NDArray[np.str_]:
        """Surname on each day."""
        found = _as_of(self.surnames, "person_id", "from_day", person, days, ["surname"])
        return found["surname"].to_numpy()

    def household(self, person: Ints, days: Ints) -> Ints:
        """Household on each day (the first one for days before they arrived)."""
        found = _as_of(self.memberships, "person_id", "from_day", person, days, ["household_id"])
        first = self.memberships.groupby("person_id")["household_id"].first()
        out = found["household_id"].to_numpy()
        missing = np.isnan(out.astype(np.float64))
        out = np.where(missing, first.reindex(person).to_numpy(), out)
        return out.astype(np.int64)

    def prop(self, person: Ints, days: Ints) -> Ints:
        """Property lived at on each day."""
        households = self.household(person, days)
        found = _as_of(self.addresses, "household_id", "from_day", households, days, ["prop"])
        first = self.addresses.groupby("household_id")["prop"].first()
        out = found["prop"].to_numpy().astype(np.float64)
        out = np.where(np.isnan(out), first.reindex(households).to_numpy(), out)
        return out.astype(np.int64)
