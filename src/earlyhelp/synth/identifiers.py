"""National identifiers in their real formats, with their real check digits.

Valid check digits matter: a council's ingest may reject a malformed NHS number, and a linkage
model should meet identifiers as they really look.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_NHS_WEIGHTS = np.arange(10, 1, -1)
_NI_PREFIX_LETTERS = np.array(list("ABCEGHJKLMNPRSTWXYZ"))
_NI_SUFFIX = np.array(list("ABCD"))
_UPN_CHECK = "ABCDEFGHJKLMNPQRTUVWXYZ"


def nhs_numbers(count: int, rng: np.random.Generator) -> npt.NDArray[np.str_]:
    """Distinct 10-digit NHS numbers with a valid modulus-11 check digit."""
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < count:
        body = rng.integers(0, 10, size=(count * 2, 9))
        body[:, 0] = rng.integers(4, 7, size=count * 2)  # issued numbers start 4xx to 6xx
        check = 11 - (body @ _NHS_WEIGHTS) % 11
        check[check == 11] = 0
        ok = check != 10
        for digits, c in zip(body[ok], check[ok], strict=True):
            number = "".join(map(str, digits)) + str(c)
            if number not in seen:
                seen.add(number)
                out.append(number)
                if len(out) == count:
                    break
    return np.array(out)


def nhs_number_is_valid(number: str) -> bool:
    """The modulus-11 test that NHS systems apply."""
    if len(number) != 10 or not number.isdigit():
        return False
    digits = np.array([int(c) for c in number])
    check = 11 - int(digits[:9] @ _NHS_WEIGHTS) % 11
    return (0 if check == 11 else check) == digits[9] and check != 10


def ni_numbers(count: int, rng: np.random.Generator) -> npt.NDArray[np.str_]:
    """Distinct National Insurance numbers (two letters, six digits, suffix A-D)."""
    letters = _NI_PREFIX_LETTERS[rng.integers(0, len(_NI_PREFIX_LETTERS), size=(count, 2))]
    serial = (
        rng.permutation(1_000_000)[:count] if count <= 1_000_000 else rng.integers(0, 10**6, count)
    )
    suffix = _NI_SUFFIX[rng.integers(0, 4, size=count)]
    return np.array(
        [f"{a}{b}{s:06d}{x}" for (a, b), s, x in zip(letters, serial, suffix, strict=True)]
    )


def upn_check_letter(body: str) -> str:
    """DfE check letter for a 12-character UPN body (weights 2..13 over characters 2..13)."""
    total = 0
    for weight, char in enumerate(body, start=2):
        value = int(char) if char.isdigit() else _UPN_CHECK.index(char)
        total += weight * value
    return _UPN_CHECK[total % 23]


def upns(count: int, la_code: int, rng: np.random.Generator) -> npt.NDArray[np.str_]:
    """Unique Pupil Numbers: check letter, LA number, school number, year of issue, serial."""
    schools = rng.integers(2000, 2100, size=count)
    serial = rng.permutation(10**5)[:count] % 1000
    year = rng.integers(0, 100, size=count)
    out = []
    for school, s, y in zip(schools, serial, year, strict=True):
        body = f"{la_code:03d}{school:04d}{y:02d}{s:03d}"
        out.append(upn_check_letter(body) + body)
    return np.array(out)
