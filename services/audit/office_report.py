"""`qsfund-audit report`: the office's report regenerated from the log alone, by the
same rules the reports service applies (shared/rules/report), and compared with what the
service answers: a projection that missed, doubled or misread an event shows here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from shared.log_reader import read_values
from shared.rebuild import in_replay_order
from shared.rules.report.changes import changes
from shared.rules.report.facts import Facts
from shared.rules.report.figures import report
from shared.rules.report.policies import priorities
from shared.rules.report.shape import Report, Scope


def facts_of(records: Sequence[bytes]) -> Facts:
    """Every event of the log folded into the reporting facts."""
    facts = Facts()
    for envelope, event in in_replay_order(records):
        for change in changes(envelope, event):
            facts.apply(change)
    return facts


def regenerate(facts: Facts, scope: Scope) -> Report | None:
    """The scope's report from the facts; None for a round the log does not open."""
    if scope.kind == "round":
        opened = facts.rounds.get(scope.round_id or "")
        if opened is None or not opened.name:
            return None
        scope = scope.model_copy(update={"year": opened.year})
    rounds = [r for r in facts.rounds.values() if r.year == scope.year]
    ids = {r.round_id for r in rounds}
    applications = [a for a in facts.applications.values() if a.round_id in ids]
    return report(scope, rounds, applications, priorities(rounds))


async def from_the_log(bootstrap: str, topics: list[str], scope: Scope) -> Report | None:
    return regenerate(facts_of(await read_values(bootstrap, topics)), scope)


def service_report(base_url: str, scope: Scope, token: str) -> Any:
    """What the reports service at `base_url` answers for the same scope and filters."""
    path = f"rounds/{scope.round_id}" if scope.kind == "round" else f"years/{scope.year}"
    params = {k: v for k, v in (("category", scope.category), ("level", scope.level)) if v}
    answer = httpx.get(
        f"{base_url.rstrip('/')}/v1/reports/{path}",
        params=params,
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    answer.raise_for_status()
    return answer.json()


def differences(regenerated: Report, served: Any) -> list[str]:
    """The report's sections that differ, each with both values; none when equal."""
    mine = regenerated.model_dump(mode="json")
    theirs = Report.model_validate(served).model_dump(mode="json")
    return [
        f"{section}: from the log {mine[section]!r}, served {theirs.get(section)!r}"
        for section in mine
        if mine[section] != theirs.get(section)
    ]
