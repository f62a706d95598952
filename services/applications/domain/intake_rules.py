"""What makes a filing acceptable: the credit code, the evidence, the round's period, and
an enterprise not barred from the program."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from shared.contracts.payments import AwardRevoked
from shared.contracts.register import RegisteredEnterprise
from shared.contracts.values import Claim, Enterprise
from shared.program_bar import BEIJING, barred
from shared.rules.credit_code import credit_code_problem
from shared.rules.register import refusal_on

from .errors import InvalidInput
from .filing import Filing
from .rounds import FundingRound


def check_claim(filing: Filing, round_: FundingRound) -> None:
    """Raise InvalidInput naming the first field that breaks a rule."""
    problem = credit_code_problem(filing.enterprise.credit_code)
    if problem:
        rule, _, message = problem.partition(": ")
        # A failed checksum may be declared as an exception for a reviewer to accept;
        # a code of the wrong shape never can.
        if not (rule == "checksum" and filing.credit_code_exception):
            raise InvalidInput("enterprise.credit_code", rule, message)
    if not filing.evidence:
        raise InvalidInput("evidence", "required", "attach at least one evidence document")
    _check_period(filing.claim, round_)


def refuse_barred(credit_code: str, revocations: Iterable[AwardRevoked], at: datetime) -> None:
    """An enterprise whose award was revoked for false materials files nothing, first or
    as an amendment, until its bar ends (`at`: the filing's time)."""
    bar = barred(credit_code, revocations, at)
    if bar is not None:
        raise InvalidInput("enterprise.credit_code", "not_barred", bar.reason())


def refuse_unregistered(
    credit_code: str, record: RegisteredEnterprise | None, at: datetime
) -> None:
    """Only an enterprise the district's register holds as registered (and not
    deregistered) on the day of the filing files, and none on the serious-dishonesty list
    within three years before it (`at`: the filing's time, its day in Beijing)."""
    day = at.astimezone(BEIJING).date()
    refusal = refusal_on(record, day)
    if refusal is not None:
        raise InvalidInput(
            "enterprise.credit_code", refusal.rule, f"{credit_code}: {refusal.message}"
        )


def registered_industry(enterprise: Enterprise, record: RegisteredEnterprise | None) -> Enterprise:
    """The enterprise as intake records it: where the register holds it, its industry code
    is the register's (filled in when the filing gave none), for the policy's priority
    industries to rest on the bureau's data. A filing that gives another code is refused
    rather than corrected in silence: the applicant would believe itself scored as what
    it said."""
    if record is None:
        return enterprise
    filed = enterprise.industry_code
    if filed is not None and filed != record.industry_code:
        raise InvalidInput(
            "enterprise.industry_code",
            "matches_register",
            f"the district's register holds {enterprise.credit_code} as {record.industry_code}, "
            f"not {filed}: file with {record.industry_code}, or without an industry code",
        )
    return enterprise.model_copy(update={"industry_code": record.industry_code})


def _check_period(claim: Claim, round_: FundingRound) -> None:
    """The achievement happened inside the round's period, both ends included; a title
    counts by the day it was conferred, not by its year (a period of July to June touches
    two years but covers half of each)."""
    start, end = round_.period_start, round_.period_end
    field, achieved_on = _achievement_date(claim)
    if not start <= achieved_on <= end:
        raise InvalidInput(
            f"claim.{field}",
            "within_round_period",
            f"{achieved_on} is outside the period {start} to {end} this round covers",
        )


def _achievement_date(claim: Claim) -> tuple[str, date]:
    if claim.category == "quality_brand":
        if claim.conferred_on is None:  # the API requires it; a filing without it is old
            raise InvalidInput(
                "claim.conferred_on", "missing", "say the day the title was conferred"
            )
        return "conferred_on", claim.conferred_on
    if claim.category == "standard":
        return "published_on", claim.published_on
    if claim.category == "pilot_project":
        return "accepted_on", claim.accepted_on
    assert claim.category == "standard_adoption"
    return "adopted_on", claim.adopted_on
