"""verify's worker processes: each replays a shard of partition numbers and checks all
it can alone; the parent gathers their results for `merge`."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from typing import Any

from .domain.reproduction import RoundsReproduction
from .domain.verify import Verdict, Verifier, ids_in_several, merge
from .reading import replay

Progress = Callable[[int, int], None]  # (events in all, events read so far)
Merging = Callable[[], Verdict]


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


def start_shards(
    bootstrap: str,
    topics: list[str],
    shards: list[list[int]],
    round_id: str | None,
    reproduce: RoundsReproduction,
) -> Callable[[Progress], Merging]:
    # fork: a worker starts in milliseconds with the modules already imported.
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

    def collect(progress: Progress) -> Merging:
        try:
            answers = _gather(connections, counters, progress)
            several = ids_in_several([ids for _, ids in answers])
            for connection in connections:
                connection.send(several)
            shared = [event for connection in connections for event in receive(connection)]
        finally:
            end(processes)
        results = [result for result, _ in answers]
        return lambda: merge(results, shared, round_id, reproduce)

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
            answers[index] = receive(ready)  # type: ignore[arg-type]
            del waiting[index]
        progress(sum(counters[0::2]), sum(counters[1::2]))
    return [answers[i] for i in range(len(connections))]


def receive(connection: Connection) -> Any:
    kind, value = connection.recv()
    if kind == "failed":
        raise RuntimeError(f"a replay worker failed: {value}")
    return value


def end(processes: list[Any]) -> None:
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()


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
