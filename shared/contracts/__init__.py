"""Event contracts, one module per producing service, and the registry that decodes them."""

from shared.contracts.base import Contract
from shared.contracts.registry import (
    UnknownEventType,
    UnknownSchemaVersion,
    contract_for,
    parse_payload,
)

__all__ = [
    "Contract",
    "UnknownEventType",
    "UnknownSchemaVersion",
    "contract_for",
    "parse_payload",
]
