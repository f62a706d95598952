from typing import Any, ClassVar

import pytest

from shared.contracts import (
    UnknownEventType,
    UnknownSchemaVersion,
    applications,
    parse_payload,
    scoring,
)
from shared.contracts.applications import ApplicationWithdrawn
from shared.contracts.base import Contract
from shared.contracts.registry import REGISTRY
from shared.envelope import Envelope
from tests.support.events import stream


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
        for module in (applications, scoring)
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Contract) and value is not Contract
    }
    assert defined == set(REGISTRY.values())
    for contract in defined:
        assert contract.schema_version >= 1, contract
        assert contract.aggregate_type in {"application", "round"}, contract
