import numpy as np

from earlyhelp.synth.records import typo


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def test_a_typo_is_a_small_slip_that_keeps_the_first_letter() -> None:
    rng = np.random.default_rng(2)
    for word in ["Catherine", "Okonkwo", "Smith", "Siobhán"] * 50:
        slipped = typo(word, rng)
        assert slipped[0] == word[0]
        assert _edit_distance(word, slipped) <= 2  # a transposition counts as two edits
