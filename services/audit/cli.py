"""`qsfund-audit`: replay the event history, read-only, and account for every yuan."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from shared.log_reader import read_log
from shared.settings import KafkaSettings

from . import render
from .domain.records import Coordinates
from .domain.verify import Verifier
from .domain.views import application_as_of, application_trail, round_allocation, round_as_of


async def replay(settings: KafkaSettings, show_progress: bool) -> Verifier:
    """Read both event topics from the beginning into a verifier."""
    verifier = Verifier()
    topics = [settings.topics.applications, settings.topics.scoring]
    with Progress(
        TextColumn("replaying"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not show_progress,
        transient=True,
    ) as progress:
        task = progress.add_task("replay", total=None)
        async for batch in read_log(
            settings.kafka_bootstrap_servers, topics, lambda n: progress.update(task, total=n)
        ):
            for record in batch:
                verifier.observe(
                    record.value, Coordinates(record.topic, record.partition, record.offset)
                )
            progress.advance(task, len(batch))
    return verifier


def emit_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    print()


def verify(args: argparse.Namespace, verifier: Verifier, console: Console) -> int:
    findings = verifier.finish(round_id=args.round)
    summary = {
        "events read": verifier.events_read,
        "applications": len(verifier.history.applications),
        "rounds": len(verifier.history.rounds),
        "findings": len(findings),
    }
    if args.json:
        emit_json(
            {
                "verified": not findings,
                "summary": summary,
                "findings": [f.as_dict() for f in findings],
            }
        )
    else:
        render.findings_table(console, findings, summary)
    return 1 if findings else 0


def trail(args: argparse.Namespace, verifier: Verifier, console: Console) -> int:
    verifier.history.settle_order()
    entries = application_trail(verifier.history, args.application_id)
    if not entries:
        console.print(f"no events about application {args.application_id}")
        return 2
    if args.format == "json":
        emit_json(entries)
    elif args.format == "html":
        page = render.trail_html(args.application_id, entries)
        if args.output:
            with open(args.output, "w", encoding="utf-8") as out:
                out.write(page)
        else:
            sys.stdout.write(page)
    else:
        render.trail_table(console, args.application_id, entries)
    return 0


def as_of(args: argparse.Namespace, verifier: Verifier, console: Console) -> int:
    verifier.history.settle_order()
    moment = datetime.fromisoformat(args.timestamp)
    if moment.tzinfo is None:
        raise SystemExit("give the moment with its time zone, e.g. 2026-11-27T09:00:00+08:00")
    if args.application:
        state = application_as_of(verifier.history, args.application, moment)
    else:
        state = round_as_of(verifier.history, args.round, moment)
    emit_json(state) if args.json else console.print_json(json.dumps(state, default=str))
    return 0


def round_(args: argparse.Namespace, verifier: Verifier, console: Console) -> int:
    verifier.history.settle_order()
    allocation = round_allocation(verifier.history, args.round_id)
    if not allocation["claims"]:
        console.print(f"round {args.round_id} has not been allocated (or does not exist)")
        return 2
    emit_json(allocation) if args.json else render.round_table(console, allocation)
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="qsfund-audit",
        description="Replay qsfund's event topics (read-only) and account for every decision. "
        "The broker and topic namespace come from KAFKA_BOOTSTRAP_SERVERS and "
        "QSFUND_TOPIC_NAMESPACE.",
    )
    top.add_argument("--json", action="store_true", help="machine-readable output")
    commands = top.add_subparsers(dest="command", required=True)
    v = commands.add_parser(
        "verify", help="check chains, causality, reproduce every score and award"
    )
    v.add_argument("--round", help="only findings about this round")
    t = commands.add_parser("trail", help="one application's full decision history")
    t.add_argument("application_id")
    t.add_argument("--format", choices=("text", "json", "html"), default="text")
    t.add_argument("--output", help="write the HTML page to this file")
    a = commands.add_parser("as-of", help="a round or an application as known at a moment")
    a.add_argument("timestamp", help="ISO 8601 with time zone")
    which = a.add_mutually_exclusive_group(required=True)
    which.add_argument("--round")
    which.add_argument("--application")
    r = commands.add_parser("round", help="a round's allocation laid out")
    r.add_argument("round_id")
    return top


COMMANDS = {"verify": verify, "trail": trail, "as-of": as_of, "round": round_}


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    console = Console()
    show_progress = not args.json and sys.stderr.isatty()
    verifier = asyncio.run(replay(KafkaSettings(), show_progress))
    raise SystemExit(COMMANDS[args.command](args, verifier, console))
