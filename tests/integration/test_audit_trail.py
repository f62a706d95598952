"""`qsfund-audit trail` and `as-of` as an auditor runs them, over a real broker: they read
the payments topic too, so an award's money follows its final decision."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from shared.topics import Topics
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import produce
from tests.support.payments_history import payments_history

AUDIT = str(Path(sys.executable).parent / "qsfund-audit")


def audit(infra: Infrastructure, topics: Topics, *args: str) -> Any:
    done = subprocess.run(
        [AUDIT, "--json", *args],
        env={
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
            "QSFUND_TOPIC_NAMESPACE": topics.namespace,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


async def test_trail_and_as_of_show_an_awards_payments_revocation_and_repayments(
    infra: Infrastructure, topics: Topics
) -> None:
    paid = payments_history()
    by_topic: dict[str, list[tuple[bytes, bytes]]] = defaultdict(list)
    for suffix, key, value in paid.made.records:
        by_topic[topics.name(f"{suffix}.events")].append((key, value))
    for topic, records in by_topic.items():
        await produce(infra.kafka_bootstrap, topic, records)
    revoked = paid.made.ids["A"]

    trail = audit(infra, topics, "trail", revoked)
    types = [step["event_type"] for step in trail]
    assert types[types.index("AwardFinalised") + 1 :] == [
        "PaymentInstructed",
        "PaymentAccepted",
        "PaymentSucceeded",
        "AwardRevoked",
        "RepaymentRecorded",
        "RepaymentRecorded",
        "ClawbackSettled",
    ]
    assert trail[-1]["where"].startswith(f"{topics.payments}/")

    state = audit(infra, topics, "as-of", "2040-01-01T00:00:00+08:00", "--application", revoked)
    assert state["payments"]["state"] == "settled"
    assert (state["payments"]["paid_yuan"], state["payments"]["repaid_yuan"]) == (300_000, 300_000)
