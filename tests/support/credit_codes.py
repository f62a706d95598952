"""Valid unified social credit codes for tests, as many as needed, deterministic."""

from __future__ import annotations

import random

from shared.rules.credit_code import ALPHABET, check_character


def credit_codes(seed: int, count: int = 200) -> list[str]:
    """Distinct valid codes of enterprises registered in Chongqing (region 5001xx)."""
    rng = random.Random(seed)
    codes: list[str] = []
    while len(codes) < count:
        body = "91" + f"5001{rng.randrange(10, 99)}" + "".join(rng.choices(ALPHABET, k=9))
        code = body + check_character(body)
        if code not in codes:
            codes.append(code)
    return codes
