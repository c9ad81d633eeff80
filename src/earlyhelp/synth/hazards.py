"""Monthly chances of the four outcomes and of the chains that lead to them.

One definition serves both the simulation (which draws events from these chances) and the
oracle (which integrates them over possible futures). Intercepts are calibrated so that the
council's rates land near England's (see :mod:`earlyhelp.synth.calibration`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from earlyhelp.synth.latent import (
    DOMESTIC_ABUSE,
    HARDSHIP,
    MENTAL_HEALTH,
    SUBSTANCE,
    sigmoid,
)

Arr = npt.NDArray[np.floating[Any]]  # float64 in the simulation, float32 in the oracle

# Safeguarding: true harm, the chance a service sees it, and what follows a referral.
HARM_INTERCEPT = -5.5
OTHER_REFERRAL_INTERCEPT = -6.7
VISIBILITY_INTERCEPT = -0.9
SERIOUS_INTERCEPT = -1.4
P_OUTCOME_AFTER_OTHER_REFERRAL = 0.03
# A referral that leads to a plan or care does so in the same month or one or two later.
SAFEGUARDING_LAG = np.array([0.35, 0.45, 0.20])

HOMELESS_INTERCEPT = -8.27
P_DUTY_OWED = 0.85
HOMELESS_LAG = np.array([0.6, 0.4])

ASB_INTERCEPT = -6.9
OFFENCE_INTERCEPT = -10.55

REMINDER_INTERCEPT = -5.95
SUMMONS_INTERCEPT = -0.6
P_ORDER_AFTER_SUMMONS = 0.85
DEBT_LAG = np.array([0.0, 0.5, 0.4, 0.1])  # months from reminder to liability order


def school_age(age: Arr) -> Arr:
    """1 for children of compulsory school age (whom schools see every day)."""
    return ((age >= 5) & (age < 16)).astype(np.float64)


def harm(k: Arr, age: Arr) -> Arr:
    """Chance of a true harm incident this month (younger children are more often harmed)."""
    return sigmoid(HARM_INTERCEPT + 0.8 * k - 0.04 * age)


def visibility(z: Arr, deprivation: Arr, age: Arr) -> Arr:
    """Chance a harm incident reaches children's social care: higher where services are close."""
    return sigmoid(
        VISIBILITY_INTERCEPT + 0.45 * deprivation + 0.45 * z[..., HARDSHIP] + 0.7 * school_age(age)
    )


def serious(k: Arr) -> Arr:
    """Chance that a referral for harm ends in a child protection plan or care."""
    return sigmoid(SERIOUS_INTERCEPT + 0.3 * k)


def other_referral(z: Arr, k: Arr, deprivation: Arr) -> Arr:
    """Chance of a referral raised by concern without harm (most end without a plan)."""
    load = 0.3 * (z[..., MENTAL_HEALTH] + z[..., SUBSTANCE] + z[..., DOMESTIC_ABUSE])
    return sigmoid(OTHER_REFERRAL_INTERCEPT + load + 0.35 * deprivation + 0.3 * k)


def safeguarding_chain(z: Arr, k: Arr, deprivation: Arr, age: Arr) -> Arr:
    """Monthly chance that a referral is made which ends in a plan or care (children only).

    A referral follows either a harm incident that a service sees or, failing that, a concern;
    the two are exclusive within a month, as in :mod:`earlyhelp.synth.services.csc`.
    """
    seen = harm(k, age) * visibility(z, deprivation, age)
    concern = (1 - seen) * other_referral(z, k, deprivation)
    return np.asarray((seen * serious(k) + concern * P_OUTCOME_AFTER_OTHER_REFERRAL) * (age < 18))


def homeless_approach(z: Arr, deprivation: Arr, tenure: Arr) -> Arr:
    """Chance a household approaches the council as homeless or threatened with it."""
    return sigmoid(
        HOMELESS_INTERCEPT
        + 1.0 * z[..., HARDSHIP]
        + 0.6 * z[..., DOMESTIC_ABUSE]
        + 0.5 * (tenure == 1).astype(deprivation.dtype)
        + 0.2 * deprivation
    )


def age_curve(age: Arr) -> Arr:
    """Offending and anti-social behaviour peak in the late teens."""
    return np.asarray(-0.5 * ((age - 17.0) / 4.0) ** 2)


def asb_perpetrator(c: Arr, z: Arr, age: Arr) -> Arr:
    """Chance of being recorded as perpetrator of anti-social behaviour this month."""
    adult = 0.35 * (z[..., SUBSTANCE] + z[..., MENTAL_HEALTH]) * (age >= 25)
    return sigmoid(ASB_INTERCEPT + 1.0 * c + age_curve(age) + adult) * (age >= 10)


def youth_offence(c: Arr, age: Arr) -> Arr:
    """Chance of an offence dealt with by the youth justice service (ages 10 to 17)."""
    return sigmoid(OFFENCE_INTERCEPT + 1.4 * c + age_curve(age)) * ((age >= 10) & (age < 18))


def ct_reminder(z: Arr, deprivation: Arr) -> Arr:
    """Chance a council tax account misses an instalment and is sent a reminder."""
    return sigmoid(
        REMINDER_INTERCEPT
        + 1.1 * z[..., HARDSHIP]
        + 0.3 * z[..., SUBSTANCE]
        + 0.25 * z[..., MENTAL_HEALTH]
        + 0.2 * deprivation
    )


def ct_summons(z: Arr) -> Arr:
    """Chance a reminder goes unpaid and becomes a summons."""
    return sigmoid(SUMMONS_INTERCEPT + 0.8 * z[..., HARDSHIP])


def debt_chain(z: Arr, deprivation: Arr) -> Arr:
    """Monthly chance that a chain starts which ends in a liability order."""
    return ct_reminder(z, deprivation) * ct_summons(z) * P_ORDER_AFTER_SUMMONS


def within(lag: npt.NDArray[np.float64], months_left: int) -> float:
    """Chance that a chain's lag is at most ``months_left`` months."""
    return float(lag[: max(0, months_left) + 1].sum())
