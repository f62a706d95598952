from datetime import date
from typing import Any, ClassVar

import pytest
from pydantic import ValidationError

from services.applications.entrypoints.errors import field_name
from services.applications.entrypoints.schemas import ApplicationRequest
from shared.contracts import (
    UnknownEventType,
    UnknownSchemaVersion,
    applications,
    lists,
    parse_payload,
    payments,
    proposals,
    publicity,
    register,
    scoring,
)
from shared.contracts.applications import ApplicationWithdrawn
from shared.contracts.base import Contract
from shared.contracts.registry import REGISTRY
from shared.contracts.values import QualityBrandClaim
from shared.envelope import Envelope
from tests.support.events import stream, submitted
from tests.support.program import application


def _as(event: Envelope, **changes: Any) -> Envelope:
    return Envelope.model_validate({**event.model_dump(), **changes})


def test_unknown_event_type_is_refused_by_name() -> None:
    [event] = stream([ApplicationWithdrawn(application_id="a", round_id="r")])
    with pytest.raises(UnknownEventType, match="ApplicationTeleported"):
        parse_payload(_as(event, event_type="ApplicationTeleported"))


def test_a_newer_schema_version_than_the_code_knows_is_refused() -> None:
    [event] = stream([ApplicationWithdrawn(application_id="a", round_id="r")])
    with pytest.raises(UnknownSchemaVersion, match="version 2"):
        parse_payload(_as(event, schema_version=2))


def test_an_old_schema_version_is_upcast(monkeypatch: pytest.MonkeyPatch) -> None:
    class Withdrawn(ApplicationWithdrawn):
        schema_version: ClassVar[int] = 2
        upcasters: ClassVar[dict[int, Any]] = {
            1: lambda v1: {**v1, "reason": v1.get("reason") or "not stated (v1)"}
        }

    monkeypatch.setitem(REGISTRY, "ApplicationWithdrawn", Withdrawn)
    [event] = stream([ApplicationWithdrawn(application_id="a", round_id="r")])
    upcast = parse_payload(event)
    assert isinstance(upcast, Withdrawn)
    assert upcast.reason == "not stated (v1)"


def test_every_contract_defined_is_registered_so_consumers_can_read_it() -> None:
    # PUBLISHED is kept by hand: an event left out would be dead-lettered by every
    # consumer as an unknown type.
    defined = {
        value
        for module in (applications, lists, payments, proposals, publicity, register, scoring)
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Contract) and value is not Contract
    }
    # A base that only shares fields (a published list's) is not an event itself.
    defined -= {base for contract in defined for base in contract.__mro__[1:]}
    assert defined == set(REGISTRY.values())
    for contract in defined:
        assert contract.schema_version >= 1, contract
        assert contract.aggregate_type in {
            "application",
            "round",
            "award",
            "register-load",
            "official-list",
            "proposal",
        }, contract


TITLE = {"category": "quality_brand", "award": "mayor_quality_award", "tier": "winner"}


def test_a_title_filed_before_conferred_on_existed_still_reads_as_recorded() -> None:
    [event] = stream([submitted()])
    recorded = {**event.payload, "claim": {**TITLE, "year": 2025}}  # as written then
    claim = parse_payload(_as(event, payload=recorded)).claim  # type: ignore[attr-defined]
    assert (claim.year, claim.conferred_on) == (2025, None)


def test_a_new_filing_through_the_api_must_say_when_its_title_was_conferred() -> None:
    body = application("r1", "91110108551385082Q", {**TITLE, "year": 2026})
    with pytest.raises(ValidationError) as refused:
        ApplicationRequest.model_validate(body)
    [error] = refused.value.errors()
    assert (field_name(error["loc"]), error["type"]) == ("claim.conferred_on", "missing")
    body["claim"]["conferred_on"] = "2026-03-15"
    filing = ApplicationRequest.model_validate(body).filing()
    assert type(filing.claim) is QualityBrandClaim  # recorded as the contract, not the body
    assert filing.claim.conferred_on == date(2026, 3, 15)
