"""The whole round, step by step, timed; returns what the awards table shows."""

from __future__ import annotations

import random
import time
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, cast

import httpx

from shared.policy import Policy, policy_version
from shared.rules.allocation import Outcome
from shared.rules.claims import ClaimRecord
from shared.rules.pricing import assess

from . import lists, story
from .api import Api
from .budget import SHARE, choose_budget, expected, scored
from .firms import credit_codes
from .payments import Payments, payments
from .plan import Entry, build
from .publicity import Publicity, publicity
from .story import say

SEED, POLICY = 2026, "2026.4"
DECIDED = {"awarded", "not_awarded", "ineligible", "withdrawn"}


@dataclass
class Result:
    round: dict[str, Any]
    entries: dict[str, Entry]  # by application id, in filing order
    views: dict[str, dict[str, Any]]
    histories: dict[str, list[dict[str, Any]]]
    expected: dict[str, Outcome]  # the policy applied here, to compare with the system's
    publicity: Publicity
    payments: Payments | None  # None when the round could not be made final


@dataclass(frozen=True)
class Finance:
    """The payments API and the finance bureau's stand-in the demo pays through."""

    payments: Api
    bureau: httpx.AsyncClient


async def run(api: Api, finance: Finance, register: Api, patience: float) -> Result:
    policy = policy_version(POLICY)
    plan = build(random.Random(SEED))
    # The bodies the demo files, priced here as the scoring service will price them.
    claimed = sum(
        assess(cast(ClaimRecord, e.claim), "", e.firm.industry, policy).claimed_amount_yuan
        for e in plan
    )
    stand_ins = [scored(e, str(n), e.firm.key, policy) for n, e in enumerate(plan) if e.allocated]
    budget = choose_budget(stand_ins, claimed, policy)

    start = time.perf_counter()
    round_ = await story.open_round(api, budget, policy)
    say(f"opened round {round_['id']}, policy {policy.version} ({policy.allocation_mode})", start)
    say(
        f"  budget {budget:,} yuan: {SHARE:.0%} of the {claimed:,} yuan to be claimed is "
        f"{claimed * SHARE:,.0f}, moved to the nearest edge between two scores"
    )
    codes = credit_codes(round_["id"])
    await lists.load_register(api, register, round_["id"], codes, patience)
    start = time.perf_counter()
    entries: dict[str, Entry] = {}
    for e in plan:
        rule = lists.REFUSED_AT_INTAKE.get(e.reason or "")
        if rule is None:
            entries[await story.submit(api, round_["id"], e, codes[e.firm.key])] = e
        else:
            await story.refused(api, round_["id"], e, codes[e.firm.key], rule)
    firms = len({e.firm.key for e in entries.values()})
    say(f"submitted {len(entries)} applications from {firms} enterprises", start)

    start = time.perf_counter()
    await story.review(api, entries, codes)
    first = [e.decision for e in entries.values()]
    amended = sum(e.amend is not None for e in entries.values())
    say(
        f"reviewed: {first.count('eligible')} eligible, {first.count('ineligible')} "
        f"ineligible, {first.count('returned')} returned for amendment, of which {amended} "
        f"were amended and found eligible",
        start,
    )
    start = time.perf_counter()
    eligible = [i for i, e in entries.items() if e.decision == "eligible" or e.amend is not None]
    await api.wait_for(round_["id"], {"scored"}, len(eligible), "scored", patience)
    say(f"scored: all {len(eligible)} eligible applications", start)
    await story.withdraw(api, entries, codes)
    proposed = await lists.official_lists(api, register, round_["id"], entries, codes, patience)

    start = time.perf_counter()
    await story.close(api, round_["id"])
    await api.wait_for(round_["id"], DECIDED, len(entries), "decided", patience)
    say(f"closed the round; all {len(entries)} applications decided", start)
    await lists.after_close(api, round_["id"], proposed, patience)
    paid = None
    with ExitStack() as moved:  # the development clock, if moved, goes back at its end
        shown = await publicity(api, round_["id"], entries, codes, patience, moved)
        if shown.final:
            paid = await payments(
                api, finance.payments, finance.bureau, round_["id"], entries, codes, patience
            )
    return Result(
        round=await api.call("GET", f"/v1/rounds/{round_['id']}"),
        entries=entries,
        views=await api.views(list(entries)),
        histories=await api.histories(list(entries)),
        expected=_expected(entries, codes, budget, policy, set(shown.excluded)),
        publicity=shown,
        payments=paid,
    )


def _expected(
    entries: dict[str, Entry],
    codes: dict[str, str],
    budget: int,
    policy: Policy,
    excluded: set[str],
) -> dict[str, Outcome]:
    """The round as the policy allocates it without the applications `excluded` on a
    second review: what the last allocation must have decided."""
    claims = [
        scored(e, i, codes[e.firm.key], policy)
        for i, e in entries.items()
        if e.allocated and i not in excluded
    ]
    return {o.application_id: o for o in expected(claims, budget, policy)}
