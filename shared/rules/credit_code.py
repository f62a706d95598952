"""The unified social credit code (GB 32100-2015) and its check character."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {char: value for value, char in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """None for a valid code, else which rule it breaks."""
    if len(code) != 18:
        return "length: a unified social credit code has 18 characters"
    bad = sorted({char for char in code if char not in _VALUE})
    if bad:
        return f"alphabet: characters {''.join(bad)} are not used in credit codes"
    if not code[2:8].isdigit():
        return "region: characters 3 to 8 must be digits"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"checksum: the check character should be {expected}, not {code[17]}"
    return None
