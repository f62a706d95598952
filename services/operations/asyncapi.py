"""The AsyncAPI document of every topic the three services publish and consume."""

from __future__ import annotations

import json
from typing import Any

from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

from services.applications.bootstrap import ApplicationsSettings
from services.applications.bootstrap import build_app as build_applications
from services.notifications.bootstrap import NotificationsSettings
from services.notifications.bootstrap import build_app as build_notifications
from services.scoring.bootstrap import ScoringSettings
from services.scoring.bootstrap import build_app as build_scoring
from shared.contracts.documentation import PaymentsTopicEvent
from shared.kafka import build_broker
from shared.topics import Topics


def asyncapi_document() -> dict[str, Any]:
    # The published document describes the default deployment, whatever this shell's
    # environment points at.
    defaults: dict[str, Any] = {
        "kafka_bootstrap_servers": "127.0.0.1:9092",
        "qsfund_topic_namespace": "qsfund",
    }
    brokers = [
        build_applications(ApplicationsSettings(**defaults)).state.broker,
        build_scoring(ScoringSettings(**defaults)).state.broker,
        build_notifications(NotificationsSettings(**defaults)).state.broker,
        _payments_broker(defaults),
    ]
    spec = AsyncAPI(
        *brokers,
        title="qsfund events",
        version="1",
        description=(
            "Events of the Quality Brand and Standardization incentive-funding program. "
            "Every message is a hash-chained envelope in canonical JSON, keyed by aggregate id."
        ),
    ).to_specification()
    document: dict[str, Any] = json.loads(spec.to_json())
    return document


def _payments_broker(defaults: dict[str, Any]) -> KafkaBroker:
    # The payments service is being built (issue 14); its topic's contract is published
    # first, so that the service and its readers are built against one document.
    broker = build_broker(defaults["kafka_bootstrap_servers"], client_id="payments")
    broker.publisher(
        Topics(defaults["qsfund_topic_namespace"]).payments,
        schema=PaymentsTopicEvent,
        description="Final awards instructed, paid, failed and reissued; revoked awards "
        "and what is repaid of them.",
    )
    return broker
