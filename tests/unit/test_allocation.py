from services.scoring.domain.allocation import ScoredClaim, allocate


def claims() -> list[ScoredClaim]:
    return [
        ScoredClaim("a", "E1", 300_000, 110),
        ScoredClaim("b", "E2", 500_000, 130),
        ScoredClaim("c", "E3", 200_000, 90),
        ScoredClaim("d", "E4", 100_000, 90),
    ]


def test_rank_mode_funds_in_full_from_the_top_until_a_claim_does_not_fit() -> None:
    outcomes = {
        o.application_id: o for o in allocate(claims(), budget=900_000, cap=1_000_000, mode="rank")
    }
    assert [outcomes[i].rank for i in "bacd"] == [1, 2, 3, 4]
    assert outcomes["b"].awarded_yuan == 500_000
    assert outcomes["a"].awarded_yuan == 300_000
    assert outcomes["c"].awarded_yuan == 0
    assert outcomes["c"].reason_code == "budget_exhausted"
    assert outcomes["d"].awarded_yuan == 0
    assert outcomes["d"].reason_code == "budget_exhausted"


def test_pro_rata_spends_exactly_the_budget_in_whole_yuan() -> None:
    outcomes = allocate(claims(), budget=777_777, cap=1_000_000, mode="pro_rata")
    assert sum(o.awarded_yuan for o in outcomes) == 777_777
    shares = {o.application_id: o.awarded_yuan for o in outcomes}
    assert shares["b"] > shares["a"] > shares["c"] > shares["d"] > 0


def test_the_result_does_not_depend_on_arrival_order() -> None:
    forward = allocate(claims(), budget=650_000, cap=1_000_000, mode="pro_rata")
    backward = allocate(list(reversed(claims())), budget=650_000, cap=1_000_000, mode="pro_rata")
    assert forward == backward


def test_the_enterprise_cap_applies_before_the_budget() -> None:
    same_enterprise = [
        ScoredClaim("x", "E1", 800_000, 120),
        ScoredClaim("y", "E1", 500_000, 100),
        ScoredClaim("z", "E1", 300_000, 80),
    ]
    outcomes = {
        o.application_id: o for o in allocate(same_enterprise, 10_000_000, 1_000_000, "rank")
    }
    assert outcomes["x"].awarded_yuan == 800_000
    assert outcomes["y"].awarded_yuan == 200_000
    assert outcomes["z"].awarded_yuan == 0
    assert outcomes["z"].reason_code == "enterprise_cap_reached"
