"""Models that exist only to describe each topic's messages in the AsyncAPI document."""

from __future__ import annotations

from typing import Any, Union

from pydantic import create_model

from shared.contracts import (
    applications,
    lists,
    payments,
    proposals,
    publicity,
    register,
    scoring,
)
from shared.envelope import Envelope


def envelope_of(name: str, *contracts: type[Any]) -> type[Envelope]:
    """An envelope whose payload is one of `contracts`: how a topic's or a subscriber's
    messages are described."""
    payload = Union[contracts]  # type: ignore[valid-type]  # noqa: UP007
    model: type[Envelope] = create_model(name, __base__=Envelope, payload=(payload, ...))
    model.__doc__ = (
        "An event envelope; event_type names the payload's contract and schema_version its "
        "version. Keyed by aggregate_id, so one aggregate's events stay in order."
    )
    return model


ApplicationsTopicEvent = envelope_of(
    "ApplicationsTopicEvent", *applications.PUBLISHED, *publicity.PUBLISHED, *proposals.PUBLISHED
)
ScoringTopicEvent = envelope_of("ScoringTopicEvent", *scoring.PUBLISHED)
PaymentsTopicEvent = envelope_of("PaymentsTopicEvent", *payments.PUBLISHED)
RegisterTopicEvent = envelope_of("RegisterTopicEvent", *register.PUBLISHED, *lists.PUBLISHED)
