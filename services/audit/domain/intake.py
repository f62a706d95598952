"""The program's intake rules held to the history, for what was found eligible and scored:
a quality-brand title conferred inside the round's period; one lead drafter per
standard, a later claim to lead it by another enterprise paid as lead only on the
reviewer's recorded decision; an industry code (what policies from 2026.4 rank priority
industries by) that is the register's, where the register held the enterprise.

A shard keeps, of each scored application these rules concern (a small share), an
IntakeFacts; the parent, which has every round and every shard's facts, checks them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, cast

import msgspec

from shared.policy import UnknownPolicy, policy_version
from shared.rules.achievements import achievement_key
from shared.rules.claims import ClaimRecord

from .findings import Finding
from .records import Coordinates

if TYPE_CHECKING:
    from .register import RegisterAsOf
    from .rounds import Round

CHECK = "intake"


class IntakeFacts(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """Of a scored application: what its last score was priced from, and the review that
    caused it."""

    application_id: str
    round_id: str | None
    at: Coordinates  # its last score: what a finding names
    event_id: str
    submitted_at: int  # microseconds
    credit_code: Any
    conferred_on: Any  # a quality-brand title's; None otherwise or in older filings
    lead_key: str | None  # the standard it claims to lead, under its round's rules
    lead_decision: Any  # the reviewer's, when the lead was disputed
    industry_code: Any = None  # as the filing recorded it
    filed_at: int = 0  # when that filing was recorded, in microseconds


def intake_facts(
    application_id: str,
    round_id: str | None,
    claim: Any,
    policy: Any,
    credit_code: Any,
    submitted_at: int,
    score: tuple[Coordinates, str],
    lead_decision: Any,
    industry: tuple[Any, int] = (None, 0),
) -> IntakeFacts | None:
    """None for a claim these rules do not concern (nearly every one filed without an
    industry code). `industry`: the filing's industry code and when it was recorded."""
    if not isinstance(claim, dict):
        return None
    brand = claim.get("category") == "quality_brand"
    leads = claim.get("category") == "standard" and claim.get("role") == "lead"
    if not (brand or leads or industry[0] is not None):
        return None
    return IntakeFacts(
        application_id,
        round_id,
        score[0],
        score[1],
        submitted_at,
        credit_code,
        claim.get("conferred_on") if brand else None,
        _lead_key(claim, policy) if leads else None,
        lead_decision,
        *industry,
    )


def _lead_key(claim: dict[str, Any], version: Any) -> str | None:
    try:
        # Read from the log, unvalidated: a claim lacking what its rule reads raises.
        return achievement_key(
            cast(ClaimRecord, claim), policy_version(str(version)).achievement_rules
        )
    except (UnknownPolicy, KeyError, TypeError):
        return None  # the score's reproduction reports an unknown policy or claim


def check_intake(
    rounds: Mapping[str, Round], facts: Iterable[IntakeFacts], register: RegisterAsOf
) -> list[Finding]:
    found = list(facts)
    return [
        *_conferred_in_period(rounds, found),
        *_one_lead(found),
        *_industry_as_registered(found, register),
    ]


def _industry_as_registered(facts: list[IntakeFacts], register: RegisterAsOf) -> list[Finding]:
    """A scored filing's industry code is the register's as of the filing, where the
    register (in use) held the enterprise: intake records it so."""
    findings = []
    for fact in facts:
        if fact.industry_code is None or not register.in_use_at(fact.filed_at):
            continue
        record = register.record_at(str(fact.credit_code), fact.filed_at)
        if record is not None and record.industry_code != fact.industry_code:
            findings.append(
                _finding(
                    fact,
                    f"filed with industry code {fact.industry_code!r} while the register held "
                    f"the enterprise as {record.industry_code}, and scored so",
                )
            )
    return findings


def _conferred_in_period(rounds: Mapping[str, Round], facts: list[IntakeFacts]) -> list[Finding]:
    findings = []
    for fact in facts:
        if fact.conferred_on is None:
            continue  # not a title, or filed before the date was asked for
        round_ = rounds.get(fact.round_id or "")
        opened = round_.event("RoundOpened") if round_ else None
        if opened is None:
            continue  # causality reports an application of an unknown round
        start, end = opened.payload.get("period_start"), opened.payload.get("period_end")
        try:
            first, last = date.fromisoformat(str(start)), date.fromisoformat(str(end))
            inside = first <= date.fromisoformat(str(fact.conferred_on)) <= last
        except ValueError:
            inside = False  # a date that is no date was not inside the period either
        if not inside:
            findings.append(
                _finding(
                    fact,
                    f"a quality-brand title conferred on {fact.conferred_on!r}, outside the "
                    f"round's period {start} to {end}, was found eligible and scored",
                )
            )
    return findings


def _one_lead(facts: list[IntakeFacts]) -> list[Finding]:
    """A claim paid as lead of a standard that another enterprise had claimed to lead,
    earlier and also paid as lead, needs the reviewer's confirmed_lead."""
    as_lead: dict[str, list[IntakeFacts]] = defaultdict(list)
    for fact in facts:
        if fact.lead_key is not None and fact.lead_decision != "participant":
            as_lead[fact.lead_key].append(fact)
    findings = []
    for claims in as_lead.values():
        claims.sort(key=lambda f: (f.submitted_at, f.application_id))
        for index, claim in enumerate(claims):
            earlier = [c for c in claims[:index] if c.credit_code != claim.credit_code]
            if earlier and claim.lead_decision != "confirmed_lead":
                findings.append(
                    _finding(
                        claim,
                        "paid as lead drafter of a standard that application "
                        f"{earlier[0].application_id} of another enterprise claimed to lead "
                        "first, without the reviewer's confirmed_lead",
                    )
                )
    return findings


def _finding(fact: IntakeFacts, message: str) -> Finding:
    return Finding(CHECK, message, fact.at, fact.event_id, fact.application_id, fact.round_id)
