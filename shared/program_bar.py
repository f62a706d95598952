"""The three-year bar: an enterprise whose award was revoked for false materials may not
apply to the program for three years. A program rule, read by intake (which refuses the
application) and by the auditor (which holds intake to it), from `AwardRevoked` events.

The three years are counted as the Civil Code counts periods (arts. 201, 202): from the
day after the revocation, ending on the same day three years on (the last day of the
month when that day does not exist: 29 February), at midnight after it, Beijing time.
The revocation's own day is barred from the moment of revocation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from shared.contracts.payments import AwardRevoked

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
BAR_YEARS = 3
BARRING_REASONS = frozenset({"false_materials"})


@dataclass(frozen=True)
class Bar:
    credit_code: str
    since: datetime
    last_day: date
    until: datetime  # the first moment the enterprise may apply again
    application_id: str
    document_reference: str

    def reason(self) -> str:
        return (
            f"an award ({self.application_id}) was revoked for false materials "
            f"({self.document_reference}): barred from the program to {self.last_day} "
            "inclusive, Beijing time"
        )


def _years_on(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year: the month's last day
        return day.replace(year=day.year + years, day=28)


def bar_of(revocation: AwardRevoked) -> Bar | None:
    """The bar a revocation imposes; None when its reason bars nothing."""
    if revocation.reason not in BARRING_REASONS:
        return None
    last_day = _years_on(revocation.revoked_at.astimezone(BEIJING).date(), BAR_YEARS)
    return Bar(
        credit_code=revocation.credit_code,
        since=revocation.revoked_at,
        last_day=last_day,
        until=datetime.combine(last_day + timedelta(days=1), time(), BEIJING).astimezone(UTC),
        application_id=revocation.application_id,
        document_reference=revocation.document_reference,
    )


def barred(credit_code: str, revocations: Iterable[AwardRevoked], at: datetime) -> Bar | None:
    """The bar that keeps the enterprise out at `at`, the longest if several; else None."""
    bars = [
        bar
        for revocation in revocations
        if revocation.credit_code == credit_code
        for bar in [bar_of(revocation)]
        if bar is not None and bar.since <= at < bar.until
    ]
    return max(bars, key=lambda bar: bar.until, default=None)
