"""Priority industries by the classification (policy 2026.4 on): a filing's industry code
earns the points when it falls under a section, division, group or class the policy
names, whatever words the filing used; older policies keep matching their words, as the
decisions made under them were."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from shared.policy import load_policy, policy_version
from shared.rules.claims import ClaimRecord
from shared.rules.pricing import assess, priority_of

CODES = policy_version("2026.4")
WORDS = policy_version("2026.3")
PILOT: ClaimRecord = {
    "category": "pilot_project",
    "level": "municipal",
    "project_name": "Cold-chain standardization pilot",
    "accepted_on": "2026-03-01",
}
CODE = "91110108551385082Q"


def priority(industry: str, code: str | None, policy: object = CODES) -> list[str]:
    assessment = assess(PILOT, CODE, industry, policy, code)  # type: ignore[arg-type]
    return [p.why for p in assessment.breakdown if p.name == "priority_industry"]


def test_cold_chain_logistics_earns_the_points_by_its_code() -> None:
    # 低温仓储 (cold storage) is class 5930 of division 59, which 2026.4 names.
    assert priority("cold-chain logistics", "G5930") == [
        "G5930 falls under G59: logistics, a priority industry"
    ]
    # Under 2026.3 the same words earn nothing: they are not spelled "logistics".
    assert priority("cold-chain logistics", "G5930", WORDS) == []


@pytest.mark.parametrize(
    ("code", "earns"),
    [
        ("G59", True),  # the division itself
        ("G5432", True),  # refrigerated trucking, under G54
        ("G602", True),  # express delivery: the group named
        ("G6021", True),  # a class under it
        ("G601", False),  # postal services: another group of G60
        ("G56", False),  # air transport: not named
        ("M7452", True),  # testing, under M74 (and M745)
        ("J6610", True),  # banking, under J66
        ("C36", False),  # car manufacturing
        (None, False),  # a filing without a code, under a policy of codes
    ],
)
def test_a_code_earns_the_points_when_it_falls_under_a_named_one(
    code: str | None, earns: bool
) -> None:
    assert bool(priority("whatever it is called", code)) is earns


def test_under_a_policy_of_codes_the_words_earn_nothing() -> None:
    assert priority("logistics", None) == []
    assert priority("logistics", "C36") == []


def test_under_a_policy_of_words_the_code_earns_nothing() -> None:
    assert priority("logistics", "C36", WORDS) == ["logistics is a priority industry"]
    assert priority("retail", "G59", WORDS) == []


def test_the_first_priority_a_code_falls_under_is_named() -> None:
    # M745 (inspection and testing) sits inside M74 (professional services), named first.
    assert priority_of(CODES, "testing", "M7452") == (
        "professional services",
        "M7452 falls under M74: professional services, a priority industry",
    )


def test_2026_4_keeps_2026_3_but_for_its_priorities() -> None:
    """A new version, copied: the amounts, rules and payment terms are 2026.3's."""
    four, three = (
        yaml.safe_load(Path(f"shared/policies/{v}.yaml").read_text()) for v in ("2026.4", "2026.3")
    )
    assert four.pop("priority_industry_codes")
    assert three.pop("priority_industries")
    assert (four.pop("version"), three.pop("version")) == ("2026.4", "2026.3")
    assert four == three
    assert CODES.ranks_by_industry_code
    assert not WORDS.ranks_by_industry_code
    assert "logistics" in CODES.priority_names


def document(priorities: str) -> bytes:
    head = Path("shared/policies/2026.4.yaml").read_text(encoding="utf-8")
    body = head[: head.index("priority_industry_codes:")]
    tail = head[head.index("# How awards are paid") :]
    return (body + priorities + "\n" + tail).encode()


@pytest.mark.parametrize(
    ("priorities", "said"),
    [
        ("priority_industry_codes:\n  - {name: x, codes: [C54]}", "belongs to section G"),
        ("priority_industry_codes:\n  - {name: x, codes: [G5]}", "section letter A to T"),
        ("priority_industry_codes:\n  - {name: x, codes: []}", "at least 1"),
        (
            "priority_industries: [logistics]\npriority_industry_codes:\n"
            "  - {name: x, codes: [G59]}",
            "not both",
        ),
    ],
)
def test_a_policy_naming_codes_outside_the_classification_is_refused(
    priorities: str, said: str
) -> None:
    with pytest.raises(ValidationError, match=said):
        load_policy(document(priorities))


def test_a_section_letter_alone_names_the_whole_section() -> None:
    policy = load_policy(document("priority_industry_codes:\n  - {name: finance, codes: [J]}"))
    assert priority_of(policy, "payments", "J6930") == (
        "finance",
        "J6930 falls under J: finance, a priority industry",
    )


def test_the_office_report_counts_priority_awards_by_code_as_scoring_gives_them() -> None:
    from shared.rules.report.facts import ApplicationFacts, RoundFacts
    from shared.rules.report.figures import report
    from shared.rules.report.policies import priorities
    from shared.rules.report.shape import Scope

    # And a round under a policy this deployment lacks: its awards are in no priority.
    rounds = [
        RoundFacts(round_id="r", year=2026, policy_version="2026.4"),
        RoundFacts(round_id="old", year=2026, policy_version="2019.1"),
    ]

    def award(
        application_id: str, industry: str, code: str = "", round_id: str = "r"
    ) -> ApplicationFacts:
        return ApplicationFacts(
            application_id,
            round_id=round_id,
            industry=industry,
            industry_code=code,
            proposed_yuan=300_000,
        )

    applications = [
        award("a", "cold-chain logistics", "G5930"),
        award("b", "logistics"),  # no code: no priority
        award("c", "payments", "J6930"),
        award("d", "storage", "G5930", round_id="old"),
    ]
    made = report(Scope(kind="year", year=2026), rounds, applications, priorities(rounds))
    by_priority = {p.priority_industry: p.awards for p in made.by_priority_industry}
    assert by_priority["logistics"] == 1
    assert by_priority["modern finance"] == 1
    assert set(by_priority) == set(CODES.priority_names)
    flagged = {line.industry: line.priority for line in made.by_industry}
    assert flagged == {
        "cold-chain logistics": True,
        "logistics": False,
        "payments": True,
        "storage": False,
    }


def test_the_report_keeps_the_code_each_filing_recorded() -> None:
    from shared.rules.report.changes import changes
    from shared.rules.report.facts import Facts
    from tests.support.events import stream, submitted

    with_code, without = submitted(), submitted()
    coded = with_code.enterprise.model_copy(update={"industry_code": "G5930"})
    with_code = with_code.model_copy(update={"enterprise": coded})
    facts = Facts()
    for event in (with_code, without):
        [envelope] = stream([event])
        for change in changes(envelope, event):
            facts.apply(change)
    codes = {a.application_id: a.industry_code for a in facts.applications.values()}
    assert codes == {with_code.application_id: "G5930", without.application_id: ""}
