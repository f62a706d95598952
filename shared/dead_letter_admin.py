"""`qsfund-dead-letters`: what consumers could not apply, and sending it back.

Listing reads the dead-letter topic from the beginning, read-only. Replaying publishes a
parked record's original bytes, with its original key, to the topic it came from: once
the cause is fixed (a consumer bug, a missing upcaster), the consumer applies it; an
event applied meanwhile is absorbed by the consumer's inbox; one still broken is parked
again. Nothing is removed: the dead-letter topic stays the record of what happened.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from aiokafka import AIOKafkaProducer

from shared import deadletter
from shared.log_reader import Record, read_log
from shared.settings import KafkaSettings

REPLAYED_FROM = "x-replayed-from-offset"


def describe(record: Record) -> dict[str, Any]:
    headers = {name: value.decode(errors="replace") for name, value in record.headers}
    return {
        "record": f"{record.partition}:{record.offset}",
        "consumer": headers.get(deadletter.CONSUMER),
        "error_type": headers.get(deadletter.ERROR_TYPE),
        "reason": headers.get(deadletter.REASON),
        "original": f"{headers.get(deadletter.ORIGINAL_TOPIC)}/"
        f"{headers.get(deadletter.ORIGINAL_PARTITION)}@{headers.get(deadletter.ORIGINAL_OFFSET)}",
        "key": record.key.decode(errors="replace"),
        "bytes": len(record.value),
    }


async def parked(settings: KafkaSettings) -> list[Record]:
    topic = settings.topics.dead_letters
    return [r async for batch in read_log(settings.kafka_bootstrap_servers, [topic]) for r in batch]


async def replay(settings: KafkaSettings, records: list[Record]) -> int:
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers, enable_idempotence=True
    )
    await producer.start()
    try:
        for record in records:
            headers = dict(record.headers)
            original = headers[deadletter.ORIGINAL_TOPIC].decode()
            await producer.send_and_wait(
                original,
                record.value,
                key=record.key or None,
                headers=[(REPLAYED_FROM, f"{record.partition}:{record.offset}".encode())],
            )
    finally:
        await producer.stop()
    return len(records)


def list_text(rows: list[dict[str, Any]], topic: str, as_json: bool) -> str:
    """What `list` prints: JSON for machines (`[]` when empty), a line a record for
    people, or a sentence saying there is nothing, so silence is never the answer."""
    if as_json:
        return json.dumps(rows, indent=2, ensure_ascii=False)
    if not rows:
        return f"no dead letters: nothing is parked in {topic}"
    return "\n".join(
        f"{row['record']}  {row['consumer']}  {row['original']}  "
        f"{row['error_type']}: {row['reason']}"
        for row in rows
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="qsfund-dead-letters", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="every parked record, with its reason")
    listing.add_argument("--json", action="store_true")
    again = commands.add_parser("replay", help="publish parked records back to their topic")
    which = again.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--record", nargs="+", metavar="PARTITION:OFFSET", help="dead-letter records to replay"
    )
    which.add_argument("--consumer", help="every record parked by this consumer")
    args = parser.parse_args()
    settings = KafkaSettings()
    records = asyncio.run(parked(settings))
    if args.command == "list":
        print(list_text([describe(r) for r in records], settings.topics.dead_letters, args.json))
        return
    chosen = [
        r
        for r in records
        if (args.record and f"{r.partition}:{r.offset}" in args.record)
        or (args.consumer and describe(r)["consumer"] == args.consumer)
    ]
    print(f"replayed {asyncio.run(replay(settings, chosen))} records")
