"""Housing: council tenancies and rent arrears, homelessness approaches with the duty owed,
and temporary accommodation."""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlyhelp.synth import hazards
from earlyhelp.synth.latent import DOMESTIC_ABUSE, HARDSHIP, SUBSTANCE, sigmoid
from earlyhelp.synth.services.common import EventLog, after, days_in, draw_lag, household_view
from earlyhelp.synth.world import World, lead_adult, occupancies

MONTHLY_RENT = 480.0  # about £110 a week, a typical council rent (Regulator of Social Housing)
REASONS = np.array(
    [
        "End of private tenancy",
        "Family or friends no longer willing to accommodate",
        "Relationship breakdown",
        "Rent arrears",
        "Other",
    ]
)


def simulate_housing(world: World, rng: np.random.Generator) -> pd.DataFrame:
    """Tenancies, arrears snapshots each quarter, homelessness cases and temporary accommodation."""
    log = EventLog(extra=("ref", "uprn", "amount", "reason"))
    spells = occupancies(world)
    social = spells[world.geo.prop_tenure[spells["prop"].to_numpy()] == 2]
    _tenancies(world, log, social)
    tenancy_of = np.full(world.n_households, -1, dtype=np.int64)
    arrears = np.zeros(world.n_households)
    hh = world.pop.households
    starts = world.calendar.month_starts
    case_no = 0
    for month in range(world.calendar.months):
        households, z = household_view(world, month)
        dep = hh["deprivation"][households].astype(np.float64)
        tenure = hh["tenure"][households].astype(np.float64)
        lead = lead_adult(world, month, households)
        # Rent arrears build when hardship bites, and are paid down otherwise.
        council = households[(tenure == 2) & (lead >= 0)]
        zc = world.z[month, council].astype(np.float64)
        short = rng.random(len(council)) < sigmoid(
            -2.8 + 1.3 * zc[:, HARDSHIP] + 0.4 * zc[:, SUBSTANCE]
        )
        moved = tenancy_of[council] != hh["prop"][council]
        arrears[council[moved]] = 0
        tenancy_of[council] = hh["prop"][council]
        arrears[council] = np.where(
            short,
            arrears[council] + MONTHLY_RENT * rng.uniform(0.3, 1.0, len(council)),
            np.where(rng.random(len(council)) < 0.6, arrears[council] * 0.75, arrears[council]),
        )
        if month % 3 == 2:
            owing = council[arrears[council] >= 1]
            day = np.full(len(owing), starts[month + 1] - 1, dtype=np.int64)
            log.add(
                "housing.rent_arrears",
                lead_adult(world, month, owing),
                owing,
                day,
                known_date=day + 7,
                amount=np.round(arrears[owing], 2),
            )
        # Homelessness: approach, then the duty owed (the outcome), sometimes a placement.
        approach = (lead >= 0) & (
            rng.random(len(households)) < hazards.homeless_approach(z, dep, tenure)
        )
        n = int(approach.sum())
        if n == 0:
            continue
        who, where = lead[approach], households[approach]
        refs = np.array([f"HL{case_no + i:06d}" for i in range(n)])
        case_no += n
        day = days_in(world, np.full(n, month), rng)
        fleeing = rng.random(n) < sigmoid(-1.5 + 0.8 * z[approach, DOMESTIC_ABUSE])
        reason = np.where(fleeing, "Domestic abuse", REASONS[rng.integers(0, len(REASONS), n)])
        log.add("housing.homeless_approach", who, where, day, ref=refs, reason=reason)
        owed = rng.random(n) < hazards.P_DUTY_OWED
        lag = draw_lag(hazards.HOMELESS_LAG, n, rng)
        decision = np.clip(days_in(world, month + lag, rng), day, starts[month + lag + 1] - 1)
        relief = fleeing | (rng.random(n) < 0.45)
        duty = np.where(relief, "relief", "prevention")
        for kind in ("prevention", "relief"):
            chosen = owed & (duty == kind)
            log.add(
                f"housing.homeless_{kind}_duty",
                who[chosen],
                where[chosen],
                decision[chosen],
                trigger_month=month,
                ref=refs[chosen],
                reason=reason[chosen],
            )
        log.add(
            "housing.homeless_no_duty",
            who[~owed],
            where[~owed],
            decision[~owed],
            trigger_month=month,
            ref=refs[~owed],
            reason=reason[~owed],
        )
        placed = owed & relief & (rng.random(n) < 0.35)
        ta_start = after(decision[placed], 0, 10, rng)
        log.add("housing.ta_start", who[placed], where[placed], ta_start, ref=refs[placed])
        log.add(
            "housing.ta_end",
            who[placed],
            where[placed],
            after(ta_start, 30, 360, rng),
            ref=refs[placed],
        )
    return log.frame()


def _tenancies(world: World, log: EventLog, social: pd.DataFrame) -> None:
    """Council tenancies begin and end with a household's spell at a council property."""
    starts = world.calendar.month_starts
    first, last = int(starts[0]), int(starts[world.calendar.months])
    spells = social[social["to_day"] > first]
    lead_month = np.clip(
        world.calendar.month_of(spells["from_day"].to_numpy()), 0, world.calendar.months - 1
    )
    households = spells["household_id"].to_numpy()
    lead = np.full(len(spells), -1, dtype=np.int64)
    for month in np.unique(lead_month).tolist():
        rows = np.flatnonzero(lead_month == month)
        lead[rows] = lead_adult(world, month, households[rows])
    ok = lead >= 0
    refs = np.array([f"T{spell:07d}" for spell in spells["spell_id"].to_numpy()])
    log.add(
        "housing.tenancy_start",
        lead[ok],
        households[ok],
        spells["from_day"].to_numpy()[ok],
        ref=refs[ok],
        uprn=world.geo.prop_uprn[spells["prop"].to_numpy()[ok]],
    )
    ended = ok & (spells["to_day"].to_numpy() < last)
    log.add(
        "housing.tenancy_end",
        lead[ended],
        households[ended],
        spells["to_day"].to_numpy()[ended],
        ref=refs[ended],
        uprn=world.geo.prop_uprn[spells["prop"].to_numpy()[ended]],
    )
