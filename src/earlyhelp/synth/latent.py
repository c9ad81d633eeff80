"""The hidden state of the world and the monthly chances it sets.

Households carry four persistent adversities (financial hardship, parental mental ill-health,
substance misuse, domestic abuse) that drift month by month as correlated AR(1) processes around
a mean shifted by deprivation. Each child carries a harm propensity (neglect or abuse) pulled
towards the household's adversities; each young person a conduct propensity. Every outcome's
monthly chance is a function of this state only, so the simulation and the oracle
(:mod:`earlyhelp.synth.oracle`) share one definition and the oracle is exact up to Monte Carlo.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

F = npt.NDArray[np.float32]
Arr = npt.NDArray[np.floating[Any]]  # float64 in the simulation, float32 in the oracle

ADVERSITIES = ("hardship", "mental_health", "substance", "domestic_abuse")
HARDSHIP, MENTAL_HEALTH, SUBSTANCE, DOMESTIC_ABUSE = range(4)

RHO_HOUSEHOLD = 0.96  # monthly persistence: a shock halves in about 17 months
SD_HOUSEHOLD_OFFSET = 0.8  # lasting differences between households
SD_HOUSEHOLD_DRIFT = 0.6  # stationary spread of the drifting part
DEPRIVATION_SHIFT = np.array([0.55, 0.2, 0.25, 0.25])
CORRELATION = np.array(
    [
        [1.0, 0.4, 0.3, 0.3],
        [0.4, 1.0, 0.4, 0.35],
        [0.3, 0.4, 1.0, 0.45],
        [0.3, 0.35, 0.45, 1.0],
    ]
)
_CHOL = np.linalg.cholesky(CORRELATION)

RHO_CHILD = 0.93
SD_CHILD_OFFSET = 0.6
SD_CHILD_DRIFT = 0.5
HARM_LOADINGS = np.array([0.25, 0.4, 0.5, 0.55])  # how each adversity raises a child's harm

RHO_CONDUCT = 0.95
SD_CONDUCT_OFFSET = 0.8
SD_CONDUCT_DRIFT = 0.5
CONDUCT_LOADINGS = np.array([0.25, 0.1, 0.25, 0.25])
CONDUCT_HARM = 0.3
CONDUCT_MALE = 0.45


def sigmoid(values: Arr | F) -> Arr:
    """Logistic function (keeps float32 input in float32, which halves the oracle's memory)."""
    x = np.asarray(values)
    return np.asarray(
        1.0 / (1.0 + np.exp(-x)), dtype=x.dtype if x.dtype == np.float32 else np.float64
    )


def household_mean(deprivation: Arr, tenure: npt.NDArray[np.int64], offset: Arr) -> Arr:
    """Long-run level of each household's adversities (rows) given place, tenure and offset."""
    mean = deprivation[:, None] * DEPRIVATION_SHIFT[None, :] + offset
    mean[:, HARDSHIP] += np.where(tenure == 2, 0.45, np.where(tenure == 1, 0.2, -0.1))
    return np.asarray(mean)


def correlated_normals(count: int, rng: np.random.Generator, dtype: type = np.float64) -> Arr:
    """Standard normals with the adversities' correlation, one row per household."""
    draws = rng.standard_normal((count, 4), dtype=dtype)
    return np.asarray(draws @ _CHOL.T.astype(dtype))


def step_household(z: Arr, mean: Arr, rng: np.random.Generator) -> Arr:
    """One month of drift for household adversities (works on any leading shape and on float32)."""
    flat = correlated_normals(int(np.prod(z.shape[:-1])), rng, z.dtype.type)
    scale = SD_HOUSEHOLD_DRIFT * np.sqrt(1 - RHO_HOUSEHOLD**2)
    return np.asarray(
        mean + RHO_HOUSEHOLD * (z - mean) + scale * flat.reshape(z.shape), dtype=z.dtype
    )


def harm_mean(z: Arr, offset: Arr) -> Arr:
    """Level a child's harm propensity is pulled to by the household it lives in."""
    return np.asarray(z @ HARM_LOADINGS.astype(z.dtype) + offset - 0.6, dtype=z.dtype)


def step_child(k: Arr, z: Arr, offset: Arr, rng: np.random.Generator) -> Arr:
    """One month of a child's harm propensity, given the household's adversities this month."""
    mean = harm_mean(z, offset)
    scale = SD_CHILD_DRIFT * np.sqrt(1 - RHO_CHILD**2)
    noise = rng.standard_normal(k.shape, dtype=k.dtype.type)
    return np.asarray(mean + RHO_CHILD * (k - mean) + scale * noise, dtype=k.dtype)


def conduct_mean(z: Arr, k: Arr, offset: Arr, male: Arr) -> Arr:
    """Level a young person's conduct propensity is pulled to."""
    loadings = CONDUCT_LOADINGS.astype(z.dtype)
    return np.asarray(z @ loadings + CONDUCT_HARM * k + CONDUCT_MALE * male + offset, dtype=z.dtype)


def step_conduct(c: Arr, z: Arr, k: Arr, offset: Arr, male: Arr, rng: np.random.Generator) -> Arr:
    """One month of a person's conduct propensity."""
    mean = conduct_mean(z, k, offset, male)
    scale = SD_CONDUCT_DRIFT * np.sqrt(1 - RHO_CONDUCT**2)
    noise = rng.standard_normal(c.shape, dtype=c.dtype.type)
    return np.asarray(mean + RHO_CONDUCT * (c - mean) + scale * noise, dtype=c.dtype)
