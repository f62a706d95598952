"""`qsfund-migrate`, `qsfund-topics`, `qsfund-asyncapi`: the operator's commands over
every service."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from importlib.resources.abc import Traversable

import services.applications
import services.notifications
import services.payments
import services.register
import services.reports
import services.scoring
from shared.admin import ensure_topics
from shared.migrations import upgrade
from shared.settings import KafkaSettings

# Each service's migrations, as it declares them; migrated in this order.
MIGRATIONS: dict[str, Traversable] = {
    "applications": services.applications.MIGRATIONS,
    "scoring": services.scoring.MIGRATIONS,
    "notifications": services.notifications.MIGRATIONS,
    "payments": services.payments.MIGRATIONS,
    "reports": services.reports.MIGRATIONS,
    "register": services.register.MIGRATIONS,
}
SERVICES = tuple(MIGRATIONS)


def migrate_main() -> None:
    """Upgrade each service's database whose URL is configured (all six by default)."""
    parser = argparse.ArgumentParser(description=migrate_main.__doc__)
    parser.add_argument("services", nargs="*", metavar="SERVICE", help=", ".join(SERVICES))
    chosen = parser.parse_args().services or list(SERVICES)
    unknown = sorted(set(chosen) - set(SERVICES))
    if unknown:
        parser.error(f"unknown service {', '.join(unknown)}; choose from {', '.join(SERVICES)}")
    for service in chosen:
        url = os.environ.get(f"{service.upper()}_DATABASE_URL") or (
            f"postgresql+asyncpg://qsfund:qsfund@127.0.0.1:5432/qsfund_{service}"
        )
        upgrade(MIGRATIONS[service], url)
        print(f"migrated {service}")


def topics_main() -> None:
    """Create the event and dead-letter topics, keyed by aggregate id, retained forever."""
    parser = argparse.ArgumentParser(description=topics_main.__doc__)
    parser.add_argument(
        "--partitions", type=int, default=int(os.environ.get("QSFUND_PARTITIONS", "12"))
    )
    args = parser.parse_args()
    settings = KafkaSettings()
    created = asyncio.run(
        ensure_topics(settings.kafka_bootstrap_servers, settings.topics.all(), args.partitions)
    )
    print(f"topics created: {', '.join(created) or 'none (all exist)'}")


def asyncapi_main() -> None:
    """Print the AsyncAPI document of all six services' events."""
    from .asyncapi import asyncapi_document

    json.dump(asyncapi_document(), sys.stdout, indent=2, sort_keys=True)
    print()
