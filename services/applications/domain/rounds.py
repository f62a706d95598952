"""Funding rounds: opening one, whether it takes a submission, closing it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from shared.contracts.applications import RoundClosed, RoundOpened
from shared.contracts.publicity import DayKind
from shared.policy import UnknownPolicy, latest_policy_version, policy_version
from shared.rules.calendar import CalendarUnknown, period_end

from .errors import InvalidInput, NotAllowedNow

# What published programs most often use: 5 working days (a round may say 7 or 10, or
# count calendar days).
DEFAULT_PUBLICITY_DAYS = 5


@dataclass(frozen=True)
class RoundTerms:
    """What an officer asks of a new round; None takes the policy's figure."""

    name: str
    year: int
    opens_at: datetime
    closes_at: datetime
    period_start: date
    period_end: date
    budget_yuan: int
    enterprise_cap_yuan: int | None
    policy_version: str | None
    publicity_days: int | None = None
    publicity_day_kind: DayKind | None = None


@dataclass(frozen=True)
class FundingRound:
    id: str
    name: str
    year: int
    opens_at: datetime
    closes_at: datetime
    period_start: date
    period_end: date
    budget_yuan: int
    enterprise_cap_yuan: int
    policy_version: str
    closed_at: datetime | None = None
    publicity_days: int = DEFAULT_PUBLICITY_DAYS
    publicity_day_kind: DayKind = "working"
    publicity_published_at: datetime | None = None
    publicity_ends_at: datetime | None = None
    # The revision of the published list, and the scoring allocation it shows.
    list_revision: int = 0
    list_allocation: int = 0
    finalised_at: datetime | None = None

    def refuse_withdrawal(self) -> None:
        """Once closed, allocation may be under way: the applications in it stay."""
        if self.closed_at is not None:
            raise NotAllowedNow(
                "application_id",
                "round_closed",
                f"round {self.id} is closed; its applications can no longer be withdrawn",
            )

    def refuse_submission_at(self, now: datetime) -> None:
        """Raise unless the round takes submissions at `now`."""
        if self.closed_at is not None:
            raise NotAllowedNow("round_id", "round_closed", f"round {self.id} is closed")
        if now < self.opens_at:
            raise NotAllowedNow(
                "round_id", "window_not_open", f"round {self.id} opens at {self.opens_at}"
            )
        if now >= self.closes_at:
            raise NotAllowedNow(
                "round_id", "window_closed", f"round {self.id} closed at {self.closes_at}"
            )

    def close(self, now: datetime, application_versions: dict[str, int]) -> RoundClosed:
        if self.closed_at is not None:
            raise NotAllowedNow("round_id", "round_closed", f"round {self.id} is already closed")
        # Publicity follows allocation within seconds: refuse now what it could not do then.
        problem = calendar_problem(self.publicity_days, self.publicity_day_kind, now)
        if problem:
            raise NotAllowedNow("round_id", "calendar_covers", problem)
        return RoundClosed(
            round_id=self.id,
            year=self.year,
            closed_at=now,
            budget_yuan=self.budget_yuan,
            enterprise_cap_yuan=self.enterprise_cap_yuan,
            policy_version=self.policy_version,
            application_ids=sorted(application_versions),
            application_versions=application_versions,
        )


def open_round(round_id: str, terms: RoundTerms) -> RoundOpened:
    """Check a new round's figures hang together and pin its policy version."""
    version = terms.policy_version or latest_policy_version()
    try:
        policy = policy_version(version)
    except UnknownPolicy as error:
        raise InvalidInput("policy_version", "known_policy", str(error)) from None
    opened = RoundOpened(
        round_id=round_id,
        name=terms.name,
        year=terms.year,
        opens_at=terms.opens_at,
        closes_at=terms.closes_at,
        period_start=terms.period_start,
        period_end=terms.period_end,
        budget_yuan=terms.budget_yuan,
        enterprise_cap_yuan=policy.enterprise_cap_yuan
        if terms.enterprise_cap_yuan is None  # 0 is refused below, not replaced
        else terms.enterprise_cap_yuan,
        policy_version=policy.version,
        publicity_days=terms.publicity_days or policy.publicity.days,
        publicity_day_kind=terms.publicity_day_kind or policy.publicity.day_kind,
    )
    if opened.closes_at <= opened.opens_at:
        raise InvalidInput("closes_at", "after_opens_at", "the window must close after it opens")
    if opened.period_end < opened.period_start:
        raise InvalidInput(
            "period_end", "after_period_start", "the period must end after it starts"
        )
    _check_dates_with_year(opened)
    if opened.budget_yuan <= 0:
        raise InvalidInput("budget_yuan", "positive", "the budget must be more than 0 yuan")
    if opened.enterprise_cap_yuan <= 0:
        raise InvalidInput("enterprise_cap_yuan", "positive", "the cap must be more than 0 yuan")
    return opened


def calendar_problem(days: int, kind: DayKind, start: datetime) -> str | None:
    """Why a publicity period begun at `start` cannot be counted, if it cannot: it would
    run into a year whose official calendar is not known yet."""
    try:
        period_end(start, days, kind)
    except CalendarUnknown as error:
        return f"a publicity period of {days} {kind} days from {start.date()}: {error}"
    return None


def _check_dates_with_year(opened: RoundOpened) -> None:
    """A round of year Y takes filings from late Y-1 to early Y+1 at the widest, for
    achievements of Y and the two years before: a date outside is a typing mistake
    (year 14 for 2014), and would open or close the round at the wrong time."""
    year = opened.year
    for field, moment in (("opens_at", opened.opens_at), ("closes_at", opened.closes_at)):
        if not year - 1 <= moment.astimezone(UTC).year <= year + 1:
            raise InvalidInput(
                field,
                "within_round_year",
                f"a round of {year} opens and closes between {year - 1} and {year + 1}, "
                f"not at {moment.isoformat()}",
            )
    for field, day in (("period_start", opened.period_start), ("period_end", opened.period_end)):
        if not year - 2 <= day.year <= year:
            raise InvalidInput(
                field,
                "within_round_year",
                f"a round of {year} covers achievements of {year - 2} to {year}, "
                f"not {day.isoformat()}",
            )
