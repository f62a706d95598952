"""Rounds' allocations run again in forked processes: rounds are independent of each
other, and reproducing them is the costliest part of what the parent does alone."""

from __future__ import annotations

import multiprocessing
from collections.abc import Mapping
from multiprocessing.connection import Connection

from .collector import paused_collector
from .domain.facts import ApplicationFacts
from .domain.findings import Finding
from .domain.register import RegisterAsOf
from .domain.reproduction import Pending, RoundsReproduction, reproduce_round, reproduce_rounds
from .domain.rounds import Round
from .shards import end, receive


def rounds_in_processes(workers: int) -> RoundsReproduction:
    """Rounds' allocations run again in `workers` forked processes, which find the facts
    already in their memory, while this one checks the limits."""

    def start(
        rounds: Mapping[str, Round], facts: Mapping[str, ApplicationFacts], register: RegisterAsOf
    ) -> Pending:
        ids = list(rounds)
        count = min(workers, len(ids))
        if count < 1:
            return reproduce_rounds(rounds, facts, register)
        context = multiprocessing.get_context("fork")
        running = []
        for index in range(count):
            ours, theirs = context.Pipe()
            process = context.Process(
                target=_reproduce,
                args=(theirs, rounds, facts, register, ids[index::count]),
                name=f"qsfund-audit-rounds-{index}",
                daemon=True,
            )
            process.start()
            theirs.close()
            running.append((process, ours))

        def findings() -> list[Finding]:
            try:
                return [f for _, connection in running for f in receive(connection)]
            finally:
                end([process for process, _ in running])

        return findings

    return start


def _reproduce(
    connection: Connection,
    rounds: Mapping[str, Round],
    facts: Mapping[str, ApplicationFacts],
    register: RegisterAsOf,
    ids: list[str],
) -> None:
    try:
        with paused_collector():
            findings = [f for i in ids for f in reproduce_round(rounds[i], facts, register)]
        connection.send(("done", findings))
    except BaseException as error:
        connection.send(("failed", repr(error)))
        raise
    finally:
        connection.close()
