"""verify's worker processes: each replays a shard of partition numbers and checks all
it can alone; the parent gathers their results for `merge`."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from array import array
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from typing import Any

import msgspec

from .collector import paused_collector
from .domain.kept import KeptList
from .domain.lookups import Answers, lookups_of
from .domain.reproduction import RoundsReproduction
from .domain.verdict import ShardResult, Verdict, Verifier, ids_in_several, merge
from .reading import read_register, replay

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
    kept: KeptList | None = None,
    register_topic: str | None = None,
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
            # Read here while the shards read theirs: the rounds' workers, forked later,
            # find it in memory.
            register = read_register(bootstrap, register_topic)
            with paused_collector():  # while the shards' results are decoded
                answers = _gather(connections, counters, progress)
            several = ids_in_several([ids for _, ids in answers])
            results = [result for result, _ in answers]
            revocations = [r for result in results for r in result.revocations]
            wanted = lookups_of([result.round_streams for result in results], kept, revocations)
            for connection in connections:
                connection.send((several, wanted))
            shared, found = [], Answers()
            for connection in connections:
                events, answered = receive(connection)
                shared += events
                found.update(answered)
        finally:
            end(processes)

        def merged() -> Verdict:
            with paused_collector():
                return merge(results, shared, round_id, reproduce, found, kept, register)

        return merged

    return collect


# A shard's result is large (a struct for every application it read) and goes as msgpack
# through the pipe: several times cheaper than pickle at both ends. What follows it is
# small and pickled.
_RESULT = msgspec.msgpack.Decoder(ShardResult)
_RESULT_TAG, _FAILED_TAG = b"R", b"F"


def to_wire(result: ShardResult) -> bytes:
    return msgspec.msgpack.encode(result)


def from_wire(message: bytes | memoryview) -> ShardResult:
    return _RESULT.decode(message)


def _gather(
    connections: list[Connection], counters: Any, progress: Progress
) -> list[tuple[ShardResult, array[int]]]:
    """Every shard's result and id hashes, in shard order, reporting progress meanwhile."""
    answers: dict[int, tuple[ShardResult, array[int]]] = {}
    waiting = dict(enumerate(connections))
    while waiting:
        for ready in wait(list(waiting.values()), timeout=0.2):
            index = connections.index(ready)  # type: ignore[arg-type]
            answers[index] = _receive_result(ready)  # type: ignore[arg-type]
            del waiting[index]
        progress(sum(counters[0::2]), sum(counters[1::2]))
    return [answers[i] for i in range(len(connections))]


def _receive_result(connection: Connection) -> tuple[ShardResult, array[int]]:
    message = connection.recv_bytes()
    if message[:1] == _FAILED_TAG:
        raise RuntimeError(f"a replay worker failed: {message[1:].decode()}")
    ids = array("q")
    ids.frombytes(connection.recv_bytes())
    return from_wire(memoryview(message)[1:]), ids


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
    the ids other shards read too, and what it read of the streams and filings the
    rounds' published lists name."""
    answered = False
    try:

        def total(n: int) -> None:
            counters[2 * index] = n

        def read(n: int) -> None:
            counters[2 * index + 1] += n

        verifier = Verifier()
        asyncio.run(replay(bootstrap, topics, verifier.observe, partitions, total, read))
        with paused_collector():
            result = to_wire(verifier.finish())
        connection.send_bytes(_RESULT_TAG + result)
        connection.send_bytes(verifier.ids().tobytes())
        answered = True
        several, wanted = connection.recv()
        connection.send(("done", (verifier.events_named(several), verifier.look_up(wanted))))
        connection.close()
        # Returning would free the replay's millions of objects one by one (a second and
        # more): all is answered, so the process leaves without.
        os._exit(0)
    except BaseException as error:
        if answered:
            connection.send(("failed", repr(error)))
        else:
            connection.send_bytes(_FAILED_TAG + repr(error).encode())
        raise
    finally:
        connection.close()
