import pytest

from shared.rules.credit_code import check_character, credit_code_problem


@pytest.mark.parametrize("code", ["91110108551385082Q", "91110000600037341L"])
def test_published_examples_are_valid(code: str) -> None:
    assert credit_code_problem(code) is None
    assert check_character(code[:17]) == code[17]


def test_a_wrong_check_character_names_the_right_one() -> None:
    assert credit_code_problem("91110108551385082A") == (
        "checksum: the check character should be Q, not A"
    )


def test_an_early_pilot_code_fails_the_check() -> None:
    problem = credit_code_problem("91350100M0001TGQXM")
    assert problem is not None
    assert problem.startswith("checksum")


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("9111010855138508", "length"),
        ("9111010855138508IQ", "alphabet"),
        ("911A0108551385082Q", "region"),
    ],
)
def test_malformed_codes_name_the_rule(code: str, rule: str) -> None:
    problem = credit_code_problem(code)
    assert problem is not None
    assert problem.startswith(rule)
