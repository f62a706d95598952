import pytest

from shared.rules import pricing


@pytest.fixture(autouse=True)
def _price_afresh() -> None:
    """Each test prices its claims itself: prices cached by an earlier test (or, under
    `make mutation`, by the process a mutant's run is forked from) would hide a change to
    how a claim is priced."""
    pricing._priced.cache_clear()
