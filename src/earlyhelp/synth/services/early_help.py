"""Early help: family support episodes, recorded for each child of the family."""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlyhelp.synth.latent import DOMESTIC_ABUSE, HARDSHIP, MENTAL_HEALTH, SUBSTANCE, sigmoid
from earlyhelp.synth.services.common import EventLog, after, days_in, month_view
from earlyhelp.synth.world import World

EARLY_HELP_INTERCEPT = -6.0
NEEDS = (
    "Parental mental health",
    "Parental substance misuse",
    "Domestic abuse",
    "Financial hardship",
)


def simulate_early_help(world: World, rng: np.random.Generator) -> pd.DataFrame:
    """Episodes open for families whose difficulties show; each lasts three to nine months."""
    log = EventLog(extra=("ref", "need"))
    open_until = np.full(world.n_households, -1, dtype=np.int64)
    episode = 0
    for month in range(world.calendar.months):
        view = month_view(world, month)
        child = view.age < 18
        households, first = np.unique(view.household[child], return_index=True)
        z = view.z[child][first]
        load = 0.35 * z.sum(axis=1) + 0.3 * view.deprivation[child][first]
        starting = (open_until[households] < month) & (
            rng.random(len(households)) < sigmoid(EARLY_HELP_INTERCEPT + load)
        )
        chosen = households[starting]
        if len(chosen) == 0:
            continue
        need_axis = np.argmax(
            z[starting][:, [MENTAL_HEALTH, SUBSTANCE, DOMESTIC_ABUSE, HARDSHIP]], axis=1
        )
        refs = np.array([f"EH{episode + i:06d}" for i in range(len(chosen))])
        episode += len(chosen)
        start = days_in(world, np.full(len(chosen), month), rng)
        end = after(start, 90, 270, rng)
        open_until[chosen] = world.calendar.month_of(end)
        rows = np.flatnonzero(child & np.isin(view.household, chosen))
        which = np.searchsorted(chosen, view.household[rows])
        log.add(
            "eh.episode_start",
            view.person[rows],
            view.household[rows],
            start[which],
            ref=refs[which],
            need=np.array(NEEDS)[need_axis[which]],
        )
        closes = end[which] < world.calendar.month_starts[world.calendar.months]
        log.add(
            "eh.episode_end",
            view.person[rows][closes],
            view.household[rows][closes],
            end[which][closes],
            ref=refs[which][closes],
            need=np.array(NEEDS)[need_axis[which]][closes],
        )
    return log.frame()
