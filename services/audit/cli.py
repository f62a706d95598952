"""`qsfund-audit`: replay the event history, read-only, and account for every yuan."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from shared.rules.report.shape import Scope
from shared.settings import KafkaSettings

from . import office_report, render
from .domain.history import History
from .domain.views import application_as_of, application_trail, round_allocation, round_as_of
from .reading import replay
from .verify_run import kept_list, start_verify


@contextmanager
def progress_bar(show: bool) -> Iterator[Callable[[int, int], None]]:
    """A bar on stderr for long replays: `update(total, done)`."""
    with Progress(
        TextColumn("replaying"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not show,
        transient=True,
    ) as progress:
        task = progress.add_task("replay", total=None)
        yield lambda total, done: progress.update(task, total=total or None, completed=done)


def emit_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    print()


def verify(args: argparse.Namespace, settings: KafkaSettings, console: Console) -> int:
    topics = [settings.topics.applications, settings.topics.scoring, settings.topics.payments]
    # Processes are forked before and after the bar, never while its thread runs.
    read = start_verify(
        settings.kafka_bootstrap_servers,
        topics,
        args.round,
        args.workers,
        args.published,
        settings.topics.register,
    )
    with progress_bar(args.progress) as update:
        merging = read(update)
    verdict = merging()
    findings = verdict.findings
    summary = {
        "events read": verdict.events_read,
        "applications": verdict.applications,
        "rounds": verdict.rounds,
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


def read_all(args: argparse.Namespace, settings: KafkaSettings) -> History:
    """The whole history in this process, for the commands that look into it."""
    # The register topic too: the official lists an application may have come from.
    topics = [
        settings.topics.applications,
        settings.topics.scoring,
        settings.topics.payments,
        settings.topics.register,
    ]
    with progress_bar(args.progress) as update:
        counts = [0, 0]

        def total(n: int) -> None:
            counts[0] = n
            update(*counts)

        def read(n: int) -> None:
            counts[1] += n
            update(*counts)

        history = History()
        asyncio.run(
            replay(
                settings.kafka_bootstrap_servers,
                topics,
                history.observe,
                on_total=total,
                on_read=read,
            )
        )
    history.settle_order()
    return history


def trail(args: argparse.Namespace, settings: KafkaSettings, console: Console) -> int:
    history = read_all(args, settings)
    entries = application_trail(history, args.application_id)
    if not entries:
        console.print(f"no events about application {args.application_id}")
        return 2
    # An explicit --format wins; else --json (before or after the command) means json.
    shape = args.format or ("json" if args.json else "text")
    if shape == "json":
        emit_json(entries)
    elif shape == "html":
        page = render.trail_html(args.application_id, entries)
        if args.output:
            with open(args.output, "w", encoding="utf-8") as out:
                out.write(page)
        else:
            sys.stdout.write(page)
    else:
        render.trail_table(console, args.application_id, entries)
    return 0


def as_of(args: argparse.Namespace, settings: KafkaSettings, console: Console) -> int:
    history = read_all(args, settings)
    moment = datetime.fromisoformat(args.timestamp)
    if moment.tzinfo is None:
        raise SystemExit("give the moment with its time zone, e.g. 2026-11-27T09:00:00+08:00")
    if args.application:
        state = application_as_of(history, args.application, moment)
    else:
        state = round_as_of(history, args.round, moment)
    emit_json(state) if args.json else console.print_json(json.dumps(state, default=str))
    return 0


def round_(args: argparse.Namespace, settings: KafkaSettings, console: Console) -> int:
    history = read_all(args, settings)
    allocation = round_allocation(history, args.round_id)
    if not allocation["claims"]:
        console.print(f"round {args.round_id} has not been allocated (or does not exist)")
        return 2
    emit_json(allocation) if args.json else render.round_table(console, allocation)
    return 0


def report_(args: argparse.Namespace, settings: KafkaSettings, console: Console) -> int:
    topics = [settings.topics.applications, settings.topics.scoring, settings.topics.payments]
    kind = "round" if args.round else "year"
    filters = {"category": args.category, "level": args.level}
    scope = Scope(kind=kind, round_id=args.round, year=args.year or 0, **filters)
    made = asyncio.run(office_report.from_the_log(settings.kafka_bootstrap_servers, topics, scope))
    if made is None:
        console.print(f"round {args.round} is not opened in the log")
        return 2
    if not args.compare:
        emit_json(made.model_dump(mode="json"))
        return 0
    token = args.token or os.environ.get("QSFUND_AUDIT_TOKEN", "")
    served = office_report.service_report(args.compare, made.scope, token)
    found = office_report.differences(made, served)
    if args.json:
        emit_json({"equal": not found, "differences": found})
    else:
        console.print("the service's report equals the log's" if not found else "DIFFERENT:")
        for line in found:
            console.print(f"  {line}")
    return 1 if found else 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="qsfund-audit",
        description="Replay qsfund's event topics (read-only) and account for every decision. "
        "The broker and topic namespace come from KAFKA_BOOTSTRAP_SERVERS and "
        "QSFUND_TOPIC_NAMESPACE.",
    )
    top.add_argument("--json", action="store_true", help="machine-readable output")
    # `--json` after the command too (`verify --json`), where people put it. SUPPRESS
    # keeps a subcommand that was not given it from overwriting the one given before.
    after = argparse.ArgumentParser(add_help=False)
    after.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output"
    )
    commands = top.add_subparsers(dest="command", required=True)
    v = commands.add_parser(
        "verify", help="check chains, causality, reproduce every score and award", parents=[after]
    )
    v.add_argument("--round", help="only findings about this round")
    v.add_argument(
        "--workers",
        type=int,
        help="processes reading the partitions side by side (default: one a CPU)",
    )
    v.add_argument(
        "--published",
        metavar="FILE",
        type=kept_list,
        help="a round's published list as kept (GET /v1/public/rounds/ID/list): "
        "check that the history still has the heads its digest seals",
    )
    t = commands.add_parser(
        "trail", help="one application's full decision history", parents=[after]
    )
    t.add_argument("application_id")
    t.add_argument("--format", choices=("text", "json", "html"), help="default text (--json: json)")
    t.add_argument("--output", help="write the HTML page to this file")
    a = commands.add_parser(
        "as-of", help="a round or an application as known at a moment", parents=[after]
    )
    a.add_argument("timestamp", help="ISO 8601 with time zone")
    which = a.add_mutually_exclusive_group(required=True)
    which.add_argument("--round")
    which.add_argument("--application")
    r = commands.add_parser("round", help="a round's allocation laid out", parents=[after])
    r.add_argument("round_id")
    o = commands.add_parser(
        "report",
        help="the office's report regenerated from the log; --compare checks the service's",
        parents=[after],
    )
    scope = o.add_mutually_exclusive_group(required=True)
    scope.add_argument("--round", help="a round's report")
    scope.add_argument("--year", type=int, help="a year's report")
    o.add_argument("--category", help="only this category, as the service's filter")
    o.add_argument("--level", help="only this level, as the service's filter")
    o.add_argument(
        "--compare",
        metavar="URL",
        help="the reports service (http://127.0.0.1:8005): say whether its report is equal",
    )
    o.add_argument("--token", help="an auditor's token for --compare (or QSFUND_AUDIT_TOKEN)")
    return top


COMMANDS = {
    "verify": verify,
    "trail": trail,
    "as-of": as_of,
    "round": round_,
    "report": report_,
}


def console_on(out: TextIO) -> Console:
    """Rich's console on `out`; off a terminal (a pipe, a file) it is as wide as the
    longest line, so nothing is wrapped or cut short for the program reading it."""
    return Console(file=out, width=None if out.isatty() else UNBOUNDED_WIDTH)


# Wide enough for any line we print; Rich pads nothing to it (tables do not expand).
UNBOUNDED_WIDTH = 100_000


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    args.progress = not args.json and sys.stderr.isatty()
    raise SystemExit(COMMANDS[args.command](args, KafkaSettings(), console_on(sys.stdout)))
