"""The credit code's rules at their edges: the region is characters 3 to 8, both ends
included, and every character outside the alphabet is named."""

import pytest

from shared.rules.credit_code import credit_code_problem


@pytest.mark.parametrize("code", ["91A10108551385082Q", "9111010A551385082Q"])
def test_a_letter_at_either_end_of_the_region_is_refused_as_the_region(code: str) -> None:
    assert credit_code_problem(code) == "region: characters 3 to 8 must be digits"


def test_every_character_outside_the_alphabet_is_named() -> None:
    assert credit_code_problem("9111010855138508IO") == (
        "alphabet: characters IO are not used in credit codes"
    )
