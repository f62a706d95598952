from shared.rules.allocation import Exclusion, PriorRewards, ScoredClaim, allocate


def claim(app: str, enterprise: str, amount: int, score: int, achievement: str = "") -> ScoredClaim:
    return ScoredClaim(app, enterprise, achievement or f"{enterprise}/{app}", amount, score)


def claims() -> list[ScoredClaim]:
    return [
        claim("a", "E1", 300_000, 110),
        claim("b", "E2", 500_000, 130),
        claim("c", "E3", 200_000, 90),
        claim("d", "E4", 100_000, 90),
    ]


def by_id(outcomes: list) -> dict:  # type: ignore[type-arg]
    return {o.application_id: o for o in outcomes}


def test_rank_mode_funds_in_full_from_the_top_until_a_claim_does_not_fit() -> None:
    outcomes = by_id(allocate(claims(), budget=900_000, cap=1_000_000, mode="rank"))
    assert [outcomes[i].rank for i in "bacd"] == [1, 2, 3, 4]
    assert outcomes["b"].awarded_yuan == 500_000
    assert outcomes["a"].awarded_yuan == 300_000
    assert (outcomes["c"].awarded_yuan, outcomes["c"].reason_code) == (0, "budget_exhausted")
    assert (outcomes["d"].awarded_yuan, outcomes["d"].reason_code) == (0, "budget_exhausted")


def test_pro_rata_spends_exactly_the_budget_in_whole_yuan() -> None:
    outcomes = allocate(claims(), budget=777_777, cap=1_000_000, mode="pro_rata")
    assert sum(o.awarded_yuan for o in outcomes) == 777_777
    shares = {o.application_id: o.awarded_yuan for o in outcomes}
    assert shares["b"] > shares["a"] > shares["c"] > shares["d"] > 0
    # Each share is the claim scaled by budget/total, within a yuan of exact.
    total = sum(c.claimed_amount_yuan for c in claims())
    for c in claims():
        assert abs(shares[c.application_id] - c.claimed_amount_yuan * 777_777 / total) < 1


def test_pro_rata_pays_in_full_when_the_budget_covers_every_claim() -> None:
    outcomes = allocate(claims(), budget=5_000_000, cap=1_000_000, mode="pro_rata")
    assert [o.awarded_yuan for o in outcomes] == [500_000, 300_000, 200_000, 100_000]


def test_the_result_does_not_depend_on_arrival_order() -> None:
    forward = allocate(claims(), budget=650_000, cap=1_000_000, mode="pro_rata")
    backward = allocate(list(reversed(claims())), budget=650_000, cap=1_000_000, mode="pro_rata")
    assert forward == backward


def test_the_enterprise_cap_applies_before_the_budget() -> None:
    same_enterprise = [
        claim("x", "E1", 800_000, 120),
        claim("y", "E1", 500_000, 100),
        claim("z", "E1", 300_000, 80),
    ]
    outcomes = by_id(allocate(same_enterprise, 10_000_000, 1_000_000, "rank"))
    assert outcomes["x"].awarded_yuan == 800_000
    assert outcomes["y"].awarded_yuan == 200_000
    assert (outcomes["z"].awarded_yuan, outcomes["z"].reason_code) == (0, "enterprise_cap_reached")


def test_the_cap_counts_what_earlier_rounds_of_the_year_paid() -> None:
    prior = PriorRewards(by_enterprise_this_year={"E1": 900_000})
    outcomes = by_id(
        allocate([claim("x", "E1", 300_000, 100)], 10_000_000, 1_000_000, "rank", prior)
    )
    assert outcomes["x"].awarded_yuan == 100_000
    assert outcomes["x"].prior_enterprise_year_yuan == 900_000


def test_an_achievement_rewarded_before_at_the_same_or_a_higher_level_is_not_paid_again() -> None:
    prior = PriorRewards(by_achievement={"E1/gbt1": 300_000})
    outcomes = by_id(
        allocate([claim("x", "E1", 300_000, 100, "E1/gbt1")], 10**7, 10**6, "rank", prior)
    )
    assert (outcomes["x"].awarded_yuan, outcomes["x"].reason_code) == (0, "already_rewarded")


def test_a_higher_level_of_a_rewarded_achievement_is_paid_the_difference() -> None:
    prior = PriorRewards(by_achievement={"E1/cqa-2026": 500_000})  # nominee paid before
    winner = claim("x", "E1", 1_000_000, 110, "E1/cqa-2026")
    [outcome] = allocate([winner], 10_000_000, 1_000_000, "rank", prior)
    assert outcome.awarded_yuan == 500_000
    assert outcome.prior_achievement_yuan == 500_000
    assert "500000 yuan paid earlier" in outcome.basis


def test_within_a_round_only_the_highest_claim_on_one_achievement_counts() -> None:
    lead = claim("lead", "E1", 300_000, 110, "E1/gbt9")
    again = claim("again", "E1", 120_000, 120, "E1/gbt9")
    outcomes = by_id(allocate([lead, again], 10_000_000, 1_000_000, "rank"))
    assert outcomes["lead"].awarded_yuan == 300_000
    assert (outcomes["again"].awarded_yuan, outcomes["again"].reason_code) == (
        0,
        "already_rewarded",
    )
    assert "application lead" in outcomes["again"].basis


def test_an_outcome_records_what_the_award_event_says() -> None:
    """Every field an ApplicationAwarded or ApplicationNotAwarded carries, for a claim
    with no earlier payments: nothing paid before, the claim as made, the basis in words."""
    outcomes = by_id(allocate(claims(), budget=900_000, cap=1_000_000, mode="rank"))
    b, c = outcomes["b"], outcomes["c"]
    assert (b.rank, b.claimed_amount_yuan, b.awarded_yuan, b.reason_code) == (
        1,
        500_000,
        500_000,
        None,
    )
    assert (b.prior_achievement_yuan, b.prior_enterprise_year_yuan) == (0, 0)
    assert b.basis == "rank 1 by score 130: 500000 yuan in full"
    assert (c.claimed_amount_yuan, c.prior_achievement_yuan) == (200_000, 0)
    assert c.basis == "budget of 900000 yuan ran out before rank 3"


def test_a_pro_rata_basis_says_the_share_and_what_capped_it() -> None:
    prior = PriorRewards(by_enterprise_this_year={"E2": 600_000})
    outcomes = by_id(allocate(claims(), 700_000, 1_000_000, "pro_rata", prior))
    assert outcomes["a"].basis == f"pro rata: {outcomes['a'].awarded_yuan} of 300000 yuan"
    assert outcomes["b"].basis == (
        f"pro rata: {outcomes['b'].awarded_yuan} of 400000 yuan "
        "(capped from 500000 by the enterprise's annual cap)"
    )


def test_of_two_equal_claims_on_one_achievement_the_better_ranked_is_paid() -> None:
    first = claim("first", "E1", 300_000, 120, "E1/gbt9")
    second = claim("second", "E1", 300_000, 110, "E1/gbt9")
    outcomes = by_id(allocate([second, first], 10_000_000, 1_000_000, "rank"))
    assert outcomes["first"].awarded_yuan == 300_000
    assert outcomes["second"].reason_code == "already_rewarded"
    assert "application first" in outcomes["second"].basis


def test_the_larger_claim_on_one_achievement_wins_whatever_its_rank() -> None:
    larger = claim("larger", "E1", 500_000, 130, "E1/gbt9")
    smaller = claim("smaller", "E1", 100_000, 90, "E1/gbt9")
    outcomes = by_id(allocate([smaller, larger], 10_000_000, 1_000_000, "rank"))
    assert (outcomes["larger"].awarded_yuan, outcomes["smaller"].awarded_yuan) == (500_000, 0)


def test_leftover_yuan_go_to_the_largest_remainders() -> None:
    """500 yuan over claims of 100, 200 and 400: exact shares 71.43, 142.86 and 285.71;
    the two yuan left go to the two largest remainders (q's and r's), not the first claims."""
    three = [claim("p", "E1", 100, 90), claim("q", "E2", 200, 80), claim("r", "E3", 400, 70)]
    outcomes = by_id(allocate(three, 500, 1_000_000, "pro_rata"))
    assert [outcomes[i].awarded_yuan for i in "pqr"] == [71, 143, 286]


def test_a_basis_names_both_an_earlier_payment_and_the_cap() -> None:
    prior = PriorRewards(
        by_achievement={"E1/gbt9": 100_000}, by_enterprise_this_year={"E1": 900_000}
    )
    [outcome] = allocate([claim("x", "E1", 300_000, 100, "E1/gbt9")], 10**7, 10**6, "rank", prior)
    assert outcome.awarded_yuan == 100_000
    assert outcome.basis == (
        "rank 1 by score 100: 100000 yuan in full (100000 yuan paid earlier for this "
        "achievement; capped from 200000 by the enterprise's annual cap)"
    )


BARRED = {"E2": Exclusion("on_dishonesty_list", "rule not_on_dishonesty_list on 2026-12-01: …")}


def test_a_barred_enterprise_gets_nothing_and_its_money_goes_down_the_ranks() -> None:
    # Budget for the best two: without E2 (the best), a and c fit.
    outcomes = by_id(allocate(claims(), budget=500_000, cap=10**9, mode="rank", barred=BARRED))
    assert outcomes["b"].awarded_yuan == 0
    assert outcomes["b"].reason_code == "on_dishonesty_list"
    assert outcomes["b"].basis.startswith("rule not_on_dishonesty_list")
    assert outcomes["b"].rank == 1  # its place is kept, as recorded and reproduced
    assert (outcomes["a"].awarded_yuan, outcomes["c"].awarded_yuan) == (300_000, 200_000)
    assert outcomes["d"].reason_code == "budget_exhausted"


def test_a_barred_claim_takes_no_share_pro_rata() -> None:
    outcomes = by_id(allocate(claims(), budget=300_000, cap=10**9, mode="pro_rata", barred=BARRED))
    assert outcomes["b"].awarded_yuan == 0
    # The other three (600,000 claimed) share the whole budget: half each.
    assert [outcomes[k].awarded_yuan for k in "acd"] == [150_000, 100_000, 50_000]


def test_a_barred_claim_does_not_supersede_nor_count_against_the_cap() -> None:
    same = [
        claim("a", "E1", 300_000, 110, achievement="E1/std"),
        claim("b", "E1", 100_000, 90, achievement="E1/std"),
        claim("c", "E2", 200_000, 80),
    ]
    barred = {"E1": Exclusion("not_registered_in_district", "deregistered")}
    outcomes = by_id(allocate(same, budget=10**9, cap=200_000, mode="rank", barred=barred))
    assert [outcomes[k].reason_code for k in "abc"] == [
        "not_registered_in_district",
        "not_registered_in_district",
        None,
    ]
    assert outcomes["c"].awarded_yuan == 200_000


def test_without_a_bar_nothing_changes() -> None:
    plain = allocate(claims(), budget=500_000, cap=10**9, mode="rank")
    assert allocate(claims(), budget=500_000, cap=10**9, mode="rank", barred={}) == plain
