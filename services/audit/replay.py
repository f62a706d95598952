"""Reading the event topics into verifiers: in this process, or sharded by partition over
worker processes, one a CPU, whose results `merge` puts together."""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
from collections.abc import Callable, Collection
from multiprocessing.connection import Connection, wait
from typing import Any

from shared.log_reader import partitions_of, read_records

from .domain.records import Coordinates
from .domain.verify import Verdict, Verifier, ids_in_several, merge

Progress = Callable[[int, int], None]  # (events in all, events read so far)


async def replay(
    bootstrap: str,
    topics: list[str],
    observe: Callable[[bytes, Coordinates], None],
    partitions: Collection[int] | None = None,
    on_total: Callable[[int], None] = lambda _: None,
    on_read: Callable[[int], None] = lambda _: None,
) -> None:
    """Read the topics (or only the partitions numbered) from the beginning into `observe`
    (a Verifier's or a History's)."""
    new = tuple.__new__  # a NamedTuple without its Python-level __new__: once an event
    async for records in read_records(bootstrap, topics, on_total, partitions):
        for record in records:
            at = new(Coordinates, (record.topic, record.partition, record.offset))
            observe(record.value or b"", at)
        # A replay keeps millions of objects, none of them in a reference cycle: without
        # this the collector walks all of them again and again (a quarter of the CPU).
        gc.freeze()
        on_read(len(records))


def start_verify(
    bootstrap: str,
    topics: list[str],
    round_id: str | None = None,
    workers: int | None = None,
) -> Callable[[Progress], Verdict]:
    """Start every check over the topics, by `workers` processes (default: one a CPU);
    call what it returns for the verdict. Starting is separate so that a caller can start
    a thread (a progress bar's) afterwards: threads must not be forked."""
    numbers = asyncio.run(partitions_of(bootstrap, topics))
    shards = shard(numbers, workers or os.cpu_count() or 1)
    if len(shards) > 1:
        return _start_shards(bootstrap, topics, shards, round_id)

    def in_this_process(progress: Progress) -> Verdict:
        counts, verifier = [0, 0], Verifier()
        asyncio.run(
            replay(
                bootstrap,
                topics,
                verifier.observe,
                on_total=lambda n: _note(counts, 0, n, progress),
                on_read=lambda n: _note(counts, 1, n, progress),
            )
        )
        return verifier.verify(round_id)

    return in_this_process


def verify(
    bootstrap: str,
    topics: list[str],
    round_id: str | None = None,
    workers: int | None = None,
    progress: Progress = lambda _, __: None,
) -> Verdict:
    return start_verify(bootstrap, topics, round_id, workers)(progress)


def shard(numbers: dict[str, list[int]], workers: int) -> list[list[int]]:
    """Partition numbers dealt out to at most `workers` shards. One shard when the topics'
    partition counts differ: an application's events may then sit under different numbers
    on the two topics, and its checks need all of them in one place."""
    counts = {len(partitions) for partitions in numbers.values()}
    every = sorted({p for partitions in numbers.values() for p in partitions})
    if len(counts) != 1 or workers <= 1 or len(every) <= 1:
        return [every]
    count = min(workers, len(every))
    return [every[i::count] for i in range(count)]


def _note(counts: list[int], which: int, n: int, progress: Progress) -> None:
    counts[which] += n
    progress(counts[0], counts[1])


def _start_shards(
    bootstrap: str, topics: list[str], shards: list[list[int]], round_id: str | None
) -> Callable[[Progress], Verdict]:
    # fork: a worker starts in milliseconds with the modules already imported. No event
    # loop or thread is running in this process at this point.
    context = multiprocessing.get_context("fork")
    counters = context.Array("q", 2 * len(shards), lock=False)  # per shard: total, read
    connections: list[Connection] = []
    processes = []
    for index, partitions in enumerate(shards):
        ours, theirs = context.Pipe()
        process = context.Process(
            target=_work,
            args=(theirs, bootstrap, topics, partitions, counters, index),
            name=f"qsfund-audit-shard-{index}",
            daemon=True,
        )
        process.start()
        theirs.close()
        connections.append(ours)
        processes.append(process)

    def collect(progress: Progress) -> Verdict:
        try:
            answers = _gather(connections, counters, progress)
            several = ids_in_several([ids for _, ids in answers])
            for connection in connections:
                connection.send(several)
            shared = [event for connection in connections for event in _receive(connection)]
        finally:
            for process in processes:
                process.join(timeout=10)
                if process.is_alive():
                    process.kill()
        return merge([result for result, _ in answers], shared, round_id)

    return collect


def _gather(
    connections: list[Connection], counters: Any, progress: Progress
) -> list[tuple[Any, set[str]]]:
    """Every shard's answer, in shard order, reporting progress while they work."""
    answers: dict[int, Any] = {}
    waiting = dict(enumerate(connections))
    while waiting:
        for ready in wait(list(waiting.values()), timeout=0.2):
            index = connections.index(ready)  # type: ignore[arg-type]
            answers[index] = _receive(ready)  # type: ignore[arg-type]
            del waiting[index]
        progress(sum(counters[0::2]), sum(counters[1::2]))
    return [answers[i] for i in range(len(connections))]


def _receive(connection: Connection) -> Any:
    kind, value = connection.recv()
    if kind == "failed":
        raise RuntimeError(f"a replay worker failed: {value}")
    return value


def _work(
    connection: Connection,
    bootstrap: str,
    topics: list[str],
    partitions: list[int],
    counters: Any,
    index: int,
) -> None:
    """One shard, in its own process: replay, check, answer; then say which events bear
    the ids other shards read too."""
    try:

        def total(n: int) -> None:
            counters[2 * index] = n

        def read(n: int) -> None:
            counters[2 * index + 1] += n

        verifier = Verifier()
        asyncio.run(replay(bootstrap, topics, verifier.observe, partitions, total, read))
        connection.send(("done", (verifier.finish(), verifier.ids())))
        connection.send(("done", verifier.events_named(connection.recv())))
    except BaseException as error:
        connection.send(("failed", repr(error)))
        raise
    finally:
        connection.close()
