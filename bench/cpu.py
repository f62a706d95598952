"""Where the CPU went during a measurement: each named process, PostgreSQL, Kafka and the
machine as a whole, read from /proc so the benchmark needs nothing installed.

The machine figure matters on a shared 2-core box: what the named processes did not use
was used by someone else (other engineers' runs), and says how noisy the figure is.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1
# Server processes counted as a group by their command name: every PostgreSQL backend
# and the Kafka broker's JVM.
SERVERS = {"postgres": "postgres", "java": "kafka"}


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces and parentheses: fields start after the last ")".
    return raw[raw.rindex(")") + 2 :].split()


def process_seconds(pid: int, with_children: bool = False) -> float:
    """CPU seconds (user + system) a process has used so far, 0 once it is gone."""
    fields = _stat_fields(pid)
    if fields is None:
        return 0.0
    # utime, stime, cutime, cstime are fields 14-17 of stat(5); index 11 here is 14.
    ticks = int(fields[11]) + int(fields[12])
    if with_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / TICKS


def resident_mib(pid: int) -> float:
    """The process's resident memory (VmRSS), 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def server_seconds() -> dict[str, float]:
    """CPU seconds of each server group; a group's parent also counts its exited
    children, so backends that come and go during the measurement are not lost."""
    totals = dict.fromkeys(SERVERS.values(), 0.0)
    comms: dict[int, str] = {}
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                comms[int(entry.name)] = (entry / "comm").read_text().strip()
                fields = _stat_fields(int(entry.name))
            except OSError:
                continue
            if fields is not None:
                parents[int(entry.name)] = int(fields[1])
    for pid, comm in comms.items():
        if comm in SERVERS:
            top = comms.get(parents.get(pid, 0)) != comm
            totals[SERVERS[comm]] += process_seconds(pid, with_children=top)
    return totals


def machine_seconds() -> float:
    """Busy CPU seconds of the whole machine, all cores, since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle and iowait
    return (sum(values[:8]) - idle) / TICKS


@dataclass
class CpuMeter:
    """CPU seconds over one measurement window, per named process and server group."""

    processes: dict[str, int]
    started_at: float = 0.0
    before: dict[str, float] = field(default_factory=dict)
    used: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    def _sample(self) -> dict[str, float]:
        sample = {name: process_seconds(pid) for name, pid in self.processes.items()}
        sample.update(server_seconds())
        sample["machine"] = machine_seconds()
        return sample

    def start(self) -> CpuMeter:
        self.started_at = time.perf_counter()
        self.before = self._sample()
        return self

    def stop(self) -> CpuMeter:
        self.seconds = time.perf_counter() - self.started_at
        after = self._sample()
        self.used = {name: after[name] - self.before.get(name, 0.0) for name in after}
        return self

    def per_unit(self, units: int, unit: str) -> list[str]:
        """CPU milliseconds per unit of work of each named process and server group (those
        count other users of the same servers too): figures that depend far less on the
        machine's other load than a rate does. Their sum bounds the rate these cores allow."""
        names = [*self.processes, *SERVERS.values()]
        spent = {name: 1000 * self.used.get(name, 0.0) / units for name in names}
        lines = [
            f"  {name:<34} {ms:6.2f} ms CPU {unit}"
            for name, ms in sorted(spent.items(), key=lambda item: -item[1])
        ]
        total = sum(spent.values())
        lines.append(
            f"  {'all of them':<34} {total:6.2f} ms CPU {unit}: at most "
            f"{CORES * 1000 / total:,.0f} a second on {CORES} cores at this cost"
        )
        return lines

    def lines(self) -> list[str]:
        """One line per consumer of CPU, in cores busy on average, largest first;
        `others` is what the machine did beyond everything named."""
        seconds = self.seconds or 1.0
        named = {name: used for name, used in self.used.items() if name != "machine"}
        named["others (not this benchmark)"] = max(
            0.0, self.used.get("machine", 0.0) - sum(named.values())
        )
        lines = [
            f"  {name:<34} {used / seconds:5.2f} cores  ({used:6.1f} CPU s)"
            for name, used in sorted(named.items(), key=lambda item: -item[1])
        ]
        total = self.used.get("machine", 0.0) / seconds
        lines.append(f"  {'machine, all processes':<34} {total:5.2f} of {CORES} cores")
        return lines
