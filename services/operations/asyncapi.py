"""The AsyncAPI document of every topic the services publish and consume."""

from __future__ import annotations

import json
from typing import Any

from faststream.specification import AsyncAPI

from services.applications.bootstrap import ApplicationsSettings
from services.applications.bootstrap import build_app as build_applications
from services.notifications.bootstrap import NotificationsSettings
from services.notifications.bootstrap import build_app as build_notifications
from services.payments.bootstrap import PaymentsSettings
from services.payments.bootstrap import build_app as build_payments
from services.register.bootstrap import RegisterSettings
from services.register.bootstrap import build_app as build_register
from services.reports.bootstrap import ReportsSettings
from services.reports.bootstrap import build_app as build_reports
from services.scoring.bootstrap import ScoringSettings
from services.scoring.bootstrap import build_app as build_scoring


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
        build_payments(PaymentsSettings(**defaults)).state.broker,
        build_reports(ReportsSettings(**defaults)).state.broker,
        build_register(RegisterSettings(**defaults)).state.broker,
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
