"""Turning an envelope's payload back into its contract, upcasting old schema versions."""

from __future__ import annotations

from shared.contracts import (
    applications,
    lists,
    payments,
    proposals,
    publicity,
    register,
    scoring,
)
from shared.contracts.base import Contract
from shared.envelope import Envelope

_ALL: tuple[type[Contract], ...] = (
    *applications.PUBLISHED,
    *publicity.PUBLISHED,
    *scoring.PUBLISHED,
    *payments.PUBLISHED,
    *register.PUBLISHED,
    *lists.PUBLISHED,
    *proposals.PUBLISHED,
)
REGISTRY: dict[str, type[Contract]] = {c.event_type: c for c in _ALL}


class UnknownEventType(ValueError):
    """The event's type is not one this code knows."""


class UnknownSchemaVersion(ValueError):
    """The event's schema version is newer than this code, or has no upcaster path."""


def contract_for(event_type: str) -> type[Contract]:
    try:
        return REGISTRY[event_type]
    except KeyError:
        raise UnknownEventType(f"unknown event type {event_type!r}") from None


def parse_payload(envelope: Envelope) -> Contract:
    """The envelope's payload as the current version of its contract."""
    contract = contract_for(envelope.event_type)
    version, data = envelope.schema_version, dict(envelope.payload)
    if version > contract.schema_version:
        raise UnknownSchemaVersion(
            f"{envelope.event_type} schema version {version} is newer than the "
            f"{contract.schema_version} this code knows"
        )
    while version < contract.schema_version:
        upcast = contract.upcasters.get(version)
        if upcast is None:
            raise UnknownSchemaVersion(
                f"no upcaster for {envelope.event_type} from schema version {version}"
            )
        data, version = upcast(data), version + 1
    return contract.model_validate(data)
