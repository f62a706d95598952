"""`qsfund-audit verify`'s run: the topics read sharded by partition over worker
processes, one a CPU (see `shards`), whose results `domain.verdict.merge` puts together."""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Callable

from shared.log_reader import partitions_of

from .collector import paused_collector
from .domain.kept import KeptList, Unreadable, read_kept
from .domain.lookups import lookups_of
from .domain.reproduction import reproduce_rounds
from .domain.verdict import Verdict, Verifier, merge
from .reading import read_register, replay
from .round_workers import rounds_in_processes
from .shards import Merging, Progress, shard, start_shards


def start_verify(
    bootstrap: str,
    topics: list[str],
    round_id: str | None = None,
    workers: int | None = None,
    kept: KeptList | None = None,
    register_topic: str | None = None,
) -> Callable[[Progress], Merging]:
    """Start every check over the topics, by `workers` processes (default: one a CPU).
    Call what it returns to read the topics, reporting progress; then what that returns
    for the verdict. Three steps because processes are forked at the first and the third,
    and a caller's threads (a progress bar's) must live only in the second. `kept`: a
    published list to hold the log to (`verify --published`). `register_topic`: the
    district's register, read whole by this process (allocations are held to it as of
    their moment)."""
    workers = workers or os.cpu_count() or 1
    numbers = asyncio.run(partitions_of(bootstrap, topics))
    shards = shard(numbers, workers)
    # The parent checks the limits meanwhile: one process fewer than the CPUs.
    reproduce = rounds_in_processes(workers - 1) if workers > 1 else reproduce_rounds
    if len(shards) > 1:
        return start_shards(bootstrap, topics, shards, round_id, reproduce, kept, register_topic)

    def in_this_process(progress: Progress) -> Merging:
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
        register = read_register(bootstrap, register_topic)
        with paused_collector():
            result = verifier.finish()
            found = verifier.look_up(lookups_of([result.round_streams], kept, result.revocations))

        def merged() -> Verdict:
            with paused_collector():
                return merge([result], (), round_id, reproduce, found, kept, register)

        return merged

    return in_this_process


def verify_history(
    bootstrap: str,
    topics: list[str],
    round_id: str | None = None,
    workers: int | None = None,
    progress: Progress = lambda _, __: None,
    kept: KeptList | None = None,
    register_topic: str | None = None,
) -> Verdict:
    return start_verify(bootstrap, topics, round_id, workers, kept, register_topic)(progress)()


def kept_list(path: str) -> KeptList:
    """`--published FILE`: the published list a portal kept, read for verify; refused with
    the reason (argparse names the option) when it is not one."""
    try:
        with open(path, "rb") as file:
            return read_kept(file.read())
    except OSError as error:
        raise argparse.ArgumentTypeError(f"cannot read {path}: {error.strerror}") from error
    except Unreadable as error:
        raise argparse.ArgumentTypeError(f"{path}: {error}") from error


def _note(counts: list[int], which: int, n: int, progress: Progress) -> None:
    counts[which] += n
    progress(counts[0], counts[1])
