"""Optional sampling profiles of the service processes during a benchmark.

With BENCH_PROFILE=<directory> and py-spy on the PATH or in the virtualenv (it is not a
project dependency: `pip install py-spy`), each named process is sampled with
`py-spy record` for the length of the measurement; the collapsed stacks are kept in the
directory (speedscope or flamegraph tools read them) and the top frames are printed.
Sampling is non-blocking, so the services run at nearly full speed while observed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = f"{Path(__file__).resolve().parents[1]}/"
RATE = 97  # samples a second: prime, so it does not beat with periodic work
TOP = 12


def _py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


@contextmanager
def profiled(label: str, pids: dict[str, int]) -> Iterator[None]:
    """Sample `pids` while the block runs, if BENCH_PROFILE asks for it."""
    directory, py_spy = os.environ.get("BENCH_PROFILE"), _py_spy()
    if not directory or not py_spy:
        yield
        return
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    recorders: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}
    for name, pid in pids.items():
        path = out / f"{label}-{name.replace(' ', '-')}.txt"
        argv = [py_spy, "record", "--pid", str(pid), "--rate", str(RATE), "--nonblocking"]
        argv += ["--format", "raw", "--output", str(path)]
        recorders[name] = (subprocess.Popen(argv, stdout=subprocess.DEVNULL), path)
    try:
        yield
    finally:
        for recorder, _ in recorders.values():
            recorder.send_signal(signal.SIGINT)  # py-spy writes its output on Ctrl-C
        for name, (recorder, path) in recorders.items():
            recorder.wait(60)
            if path.exists():
                print(f"\nprofile of {name} ({path}):")
                print("\n".join(summary(path.read_text())))


def summary(collapsed: str) -> list[str]:
    """Top frames by own time and by time inside them (with callees), in percent of
    the samples in which the process was busy (py-spy leaves idle samples out)."""
    own: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        total += int(count)
        own[_short(frames[-1])] += int(count)
        for frame in {_short(frame) for frame in frames}:
            inside[frame] += int(count)
    if not total:
        return ["  no busy samples"]
    lines = [f"  {total:,} busy samples; own time:"]
    lines += [f"  {100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(TOP)]
    lines.append("  inclusive (the frame and what it called), below the event loop:")
    deep = [(frame, n) for frame, n in inside.most_common() if n < 0.9 * total][:TOP]
    lines += [f"  {100 * n / total:5.1f}%  {frame}" for frame, n in deep]
    return lines


def _short(frame: str) -> str:
    """`func (path/to/module.py:123)` without the virtualenv's prefix and line number."""
    function, _, where = frame.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", REPO, "lib/python3"):
        if marker in where:
            where = where.split(marker, 1)[1]
    return f"{function} ({where})"
