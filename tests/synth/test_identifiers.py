import numpy as np

from earlyhelp.synth import identifiers


def test_nhs_numbers_are_distinct_and_pass_modulus_11() -> None:
    numbers = identifiers.nhs_numbers(5_000, np.random.default_rng(3))
    assert len(set(numbers)) == 5_000
    assert all(identifiers.nhs_number_is_valid(n) for n in numbers)


def test_nhs_check_rejects_a_changed_digit() -> None:
    number = str(identifiers.nhs_numbers(1, np.random.default_rng(4))[0])
    changed = number[:3] + str((int(number[3]) + 1) % 10) + number[4:]
    assert not identifiers.nhs_number_is_valid(changed)


def test_ni_numbers_have_the_national_format() -> None:
    numbers = identifiers.ni_numbers(1_000, np.random.default_rng(5))
    assert len(set(numbers)) == 1_000
    for n in numbers:
        assert len(n) == 9 and n[:2].isalpha() and n[2:8].isdigit() and n[8] in "ABCD"


def test_upn_carries_its_check_letter_and_the_council_number() -> None:
    upns = identifiers.upns(500, 899, np.random.default_rng(6))
    for upn in upns:
        assert len(upn) == 13 and upn[1:4] == "899"
        assert identifiers.upn_check_letter(upn[1:]) == upn[0]
