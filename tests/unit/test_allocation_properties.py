"""What allocation promises whatever the claims, said as properties, and the boundaries
a mutant of the rules would slip through: an exact fit, equal claims, a budget equal to
what is claimed."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given
from hypothesis import strategies as st

from shared.rules.allocation import Mode, PriorRewards, ScoredClaim, allocate

Round = tuple[list[ScoredClaim], int, int, PriorRewards]
MODES: tuple[Mode, ...] = ("rank", "pro_rata")
ENTERPRISES = [f"E{n}" for n in range(4)]
ACHIEVEMENTS = [f"A{n}" for n in range(6)]


@st.composite
def rounds(draw: st.DrawFn) -> Round:
    count = draw(st.integers(min_value=0, max_value=12))
    claims = [
        ScoredClaim(
            f"app-{n:02d}",
            draw(st.sampled_from(ENTERPRISES)),
            draw(st.sampled_from(ACHIEVEMENTS)),
            draw(st.integers(min_value=0, max_value=1_000_000)),
            draw(st.integers(min_value=0, max_value=200)),
        )
        for n in range(count)
    ]
    budget = draw(st.integers(min_value=0, max_value=3_000_000))
    cap = draw(st.integers(min_value=1, max_value=1_500_000))
    prior = PriorRewards(
        by_achievement=draw(
            st.dictionaries(st.sampled_from(ACHIEVEMENTS), st.integers(0, 600_000), max_size=3)
        ),
        by_enterprise_this_year=draw(
            st.dictionaries(st.sampled_from(ENTERPRISES), st.integers(0, 1_500_000), max_size=3)
        ),
    )
    return claims, budget, cap, prior


@given(rounds(), st.sampled_from(MODES))
def test_never_above_the_budget_the_cap_or_the_claim(round_: Round, mode: Mode) -> None:
    claims, budget, cap, prior = round_
    outcomes = allocate(claims, budget=budget, cap=cap, mode=mode, prior=prior)
    assert sorted(o.application_id for o in outcomes) == sorted(c.application_id for c in claims)
    assert sum(o.awarded_yuan for o in outcomes) <= budget
    paid: dict[str, int] = defaultdict(int, prior.by_enterprise_this_year)
    per_achievement: dict[str, int] = defaultdict(int)
    claimed = {c.application_id: c for c in claims}
    for outcome in outcomes:
        c = claimed[outcome.application_id]
        assert 0 <= outcome.awarded_yuan <= c.claimed_amount_yuan
        assert (outcome.awarded_yuan > 0) == (outcome.reason_code is None)
        paid[c.credit_code] += outcome.awarded_yuan
        per_achievement[c.achievement_key] += outcome.awarded_yuan
    for enterprise in {c.credit_code for c in claims}:
        assert paid[enterprise] <= max(cap, prior.by_enterprise_this_year.get(enterprise, 0))
    for achievement, total in per_achievement.items():
        highest = max(c.claimed_amount_yuan for c in claims if c.achievement_key == achievement)
        already = prior.by_achievement.get(achievement, 0)
        assert total <= max(0, highest - already), "one achievement is paid once, to its highest"


@given(rounds())
def test_pro_rata_spends_the_whole_budget_when_claims_exceed_it(round_: Round) -> None:
    claims, budget, cap, prior = round_
    ranked = allocate(claims, budget=10**12, cap=cap, mode="pro_rata", prior=prior)
    payable = sum(o.awarded_yuan for o in ranked)  # what would be paid with money enough
    outcomes = allocate(claims, budget=budget, cap=cap, mode="pro_rata", prior=prior)
    assert sum(o.awarded_yuan for o in outcomes) == min(budget, payable)


def claim(app: str, amount: int, score: int) -> ScoredClaim:
    return ScoredClaim(app, f"E-{app}", f"A-{app}", amount, score)


def test_a_claim_that_exactly_fits_what_is_left_is_paid_in_full() -> None:
    outcomes = allocate(
        [claim("a", 600, 90), claim("b", 400, 80)], budget=1_000, cap=10_000, mode="rank"
    )
    assert [o.awarded_yuan for o in outcomes] == [600, 400]


def test_a_budget_equal_to_what_is_claimed_pays_everyone_in_either_mode() -> None:
    claims = [claim("a", 333, 90), claim("b", 667, 80)]
    for mode in MODES:
        outcomes = allocate(claims, budget=1_000, cap=10_000, mode=mode)
        assert [o.awarded_yuan for o in outcomes] == [333, 667]


def test_equal_scores_are_ranked_by_application_id_whatever_the_order_filed() -> None:
    claims = [claim("b", 500, 90), claim("a", 500, 90)]
    for order in (claims, claims[::-1]):
        outcomes = allocate(order, budget=500, cap=10_000, mode="rank")
        assert [(o.application_id, o.rank, o.awarded_yuan) for o in outcomes] == [
            ("a", 1, 500),
            ("b", 2, 0),
        ]


def test_pro_rata_leftover_yuan_go_to_the_largest_remainders_and_never_exceed() -> None:
    # 100 yuan over three equal claims of 100: 33 each and one yuan left, to the first.
    claims = [claim("a", 100, 90), claim("b", 100, 90), claim("c", 100, 90)]
    outcomes = allocate(claims, budget=100, cap=10_000, mode="pro_rata")
    assert [o.awarded_yuan for o in outcomes] == [34, 33, 33]
