"""Revenues and benefits: council tax accounts and their recovery (reminder, summons, liability
order), and claims for council tax reduction and housing benefit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from earlyhelp.synth import hazards
from earlyhelp.synth.latent import HARDSHIP
from earlyhelp.synth.population import DAYS_PER_YEAR
from earlyhelp.synth.services.common import EventLog, after, days_in, draw_lag
from earlyhelp.synth.world import World, lead_adult, occupancies

CLAIM_ON, CLAIM_OFF = 0.9, 0.5  # hardship levels at which a claim starts and ends
ANNUAL_CHARGE_BY_TENURE = np.array([2100.0, 1750.0, 1600.0])  # Band D was £2,171 in 2024-25


@dataclass
class RevenuesResult:
    """Recorded events, the account table and the benefit status panel."""

    events: pd.DataFrame
    accounts: pd.DataFrame
    on_benefits: npt.NDArray[np.bool_]  # [month, household]


def benefit_status(world: World) -> npt.NDArray[np.bool_]:
    """Whether each household claims means-tested help each month (with hysteresis)."""
    months, households = world.z.shape[:2]
    status = np.zeros((months, households), dtype=bool)
    current = np.zeros(households, dtype=bool)
    for month in range(months):
        hardship = world.z[month, :, HARDSHIP]
        current = np.where(current, hardship > CLAIM_OFF, hardship > CLAIM_ON)
        here = np.zeros(households, dtype=bool)
        hh_of = world.household_of[month]
        here[hh_of[hh_of >= 0]] = True
        current &= here
        status[month] = current
    return status


def simulate_revenues(world: World, rng: np.random.Generator) -> RevenuesResult:
    """Accounts for every occupancy, the recovery chain on each, and benefit claims."""
    log = EventLog(extra=("account_ref", "account_id", "amount"))
    spells = occupancies(world)
    months = world.calendar.months
    starts = world.calendar.month_starts
    spells = spells[spells["to_day"] > starts[0]].reset_index(drop=True)
    spells["account_ref"] = [f"CT{60000000 + s:08d}" for s in spells["spell_id"]]
    hh = world.pop.households
    account_now = np.full(world.n_households, -1, dtype=np.int64)
    on_benefits = benefit_status(world)
    for month in range(months):
        hi = int(starts[month + 1])
        live = spells[(spells["from_day"] < hi) & (spells["to_day"] >= hi)]
        account_now[:] = -1
        account_now[live["household_id"].to_numpy()] = live.index.to_numpy()
        households = live["household_id"].to_numpy()
        lead = lead_adult(world, month, households)
        ok = lead >= 0
        households, lead = households[ok], lead[ok]
        z = world.z[month, households].astype(np.float64)
        dep = hh["deprivation"][households].astype(np.float64)
        reminded = rng.random(len(households)) < hazards.ct_reminder(z, dep)
        summoned = reminded & (rng.random(len(households)) < hazards.ct_summons(z))
        ordered = summoned & (rng.random(len(households)) < hazards.P_ORDER_AFTER_SUMMONS)
        row = account_now[households]
        accounts = spells["account_ref"].to_numpy()[row]
        account_id = spells["spell_id"].to_numpy()[row]
        charge = ANNUAL_CHARGE_BY_TENURE[hh["tenure"][households]] / 12
        day = days_in(world, np.full(len(households), month), rng)
        lag = draw_lag(hazards.DEBT_LAG, len(households), rng)
        order_day = days_in(world, month + lag, rng)
        summons_day = day + ((order_day - day) * rng.uniform(0.3, 0.7, len(day))).astype(np.int64)
        owed = np.round(charge * rng.uniform(1.0, 3.0, len(day)), 2)
        for event, chosen, when in (
            ("revs.ct_reminder", reminded, day),
            ("revs.ct_summons", summoned, summons_day),
            ("revs.ct_liability_order", ordered, order_day),
        ):
            log.add(
                event,
                lead[chosen],
                households[chosen],
                when[chosen],
                known_date=when[chosen],
                trigger_month=month,
                account_ref=accounts[chosen],
                account_id=account_id[chosen],
                amount=owed[chosen],
            )
        _claims(world, log, on_benefits, month, rng)
    accounts = spells.rename(
        columns={"from_day": "start_day", "to_day": "end_day", "spell_id": "account_id"}
    )
    return RevenuesResult(log.frame(), accounts, on_benefits)


def _claims(
    world: World, log: EventLog, on: npt.NDArray[np.bool_], month: int, rng: np.random.Generator
) -> None:
    """Claims start and end as a household's hardship crosses the thresholds."""
    before = on[month - 1] if month else np.zeros(on.shape[1], dtype=bool)
    tenure = world.pop.households["tenure"]
    for event, households in (
        ("start", np.flatnonzero(on[month] & ~before)),
        ("end", np.flatnonzero(~on[month] & before)),
    ):
        lead = lead_adult(world, month if event == "start" else max(month - 1, 0), households)
        ok = lead >= 0
        households, lead = households[ok], lead[ok]
        day = days_in(world, np.full(len(households), month), rng)
        known = after(day, 3, 30, rng) if event == "start" else day
        log.add(f"revs.ctr_claim_{event}", lead, households, day, known_date=known)
        renter = tenure[households] > 0
        log.add(
            f"revs.hb_claim_{event}",
            lead[renter],
            households[renter],
            day[renter],
            known_date=known[renter],
        )


def liable_parties(world: World, accounts: pd.DataFrame) -> pd.DataFrame:
    """The adults liable on each account: up to two adults living there when it opened."""
    cal = world.calendar
    month = np.clip(cal.month_of(accounts["start_day"].to_numpy()), 0, cal.months - 1)
    frames = []
    dob = world.pop.people["dob"]
    for m in np.unique(month).tolist():
        acc = accounts[month == m]
        hh_of = world.household_of[m]
        adult = np.flatnonzero((hh_of >= 0) & ((cal.month_start(m) - dob) >= 18 * DAYS_PER_YEAR))
        residents = pd.DataFrame(
            {"household_id": hh_of[adult].astype(np.int64), "person_id": adult}
        )
        joined = acc[["account_ref", "household_id", "start_day"]].merge(
            residents, on="household_id"
        )
        frames.append(joined.groupby("account_ref").head(2))
    parties: pd.DataFrame = pd.concat(frames, ignore_index=True)
    parties = parties.rename(columns={"start_day": "event_date"})
    parties["event_type"] = "revs.ct_liable_party"
    parties["known_date"] = parties["event_date"]
    return parties
