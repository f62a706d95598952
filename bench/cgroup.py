"""A CPU cap of its own for each process a benchmark starts, so that on a small machine
an instance, not the machine, is what runs out: cgroup v2's `cpu.max` where the unified
hierarchy offers the cpu controller, else cgroup v1's `cpu.cfs_quota_us`. Where neither
can be created (no permission, a container without its own cgroups) `cpu_cap` says why
and the benchmark runs uncapped."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

V2 = Path("/sys/fs/cgroup")
V1 = Path("/sys/fs/cgroup/cpu")
PERIOD_US = 100_000


@dataclass(frozen=True)
class CpuCap:
    path: Path
    cores: float
    kind: str  # "cgroup v2 cpu.max" or "cgroup v1 cpu.cfs_quota_us"

    def add(self, pid: int) -> None:
        """Move the process, all its threads, into the group."""
        (self.path / "cgroup.procs").write_text(str(pid))

    def throttled_seconds(self) -> float:
        """How long the group was held back by its quota."""
        try:
            for line in (self.path / "cpu.stat").read_text().splitlines():
                name, _, value = line.partition(" ")
                if name == "throttled_usec":
                    return int(value) / 1e6
                if name == "throttled_time":  # v1, in nanoseconds
                    return int(value) / 1e9
        except OSError:
            pass
        return 0.0

    def remove(self) -> None:
        """Delete the group once its processes are gone (an empty group only)."""
        with contextlib.suppress(OSError):
            self.path.rmdir()


def cpu_cap(label: str, cores: float) -> tuple[CpuCap | None, str]:
    """A new group capped at `cores`, or None and the reason none could be made."""
    quota = max(1000, int(cores * PERIOD_US))
    name = f"qsfund-bench-{label}-{uuid4().hex[:6]}"
    reasons = []
    controllers = V2 / "cgroup.controllers"
    if controllers.exists() and "cpu" in controllers.read_text().split():
        try:
            subtree = V2 / "cgroup.subtree_control"
            if "cpu" not in subtree.read_text().split():
                subtree.write_text("+cpu")
            path = V2 / name
            path.mkdir()
            (path / "cpu.max").write_text(f"{quota} {PERIOD_US}")
            return CpuCap(path, cores, "cgroup v2 cpu.max"), ""
        except OSError as error:
            reasons.append(f"cgroup v2: {error}")
    else:
        reasons.append("cgroup v2: no cpu controller in the unified hierarchy")
    if (V1 / "cpu.cfs_quota_us").exists():
        try:
            path = V1 / name
            path.mkdir()
            (path / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (path / "cpu.cfs_quota_us").write_text(str(quota))
            return CpuCap(path, cores, "cgroup v1 cpu.cfs_quota_us"), ""
        except OSError as error:
            reasons.append(f"cgroup v1: {error}")
    else:
        reasons.append("cgroup v1: no cpu hierarchy mounted")
    return None, "; ".join(reasons)
