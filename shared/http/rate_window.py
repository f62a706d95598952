"""The arithmetic of a rate limit shared by a service's instances, without I/O.

Requests are counted in fixed windows (a minute by default) per key: a token's subject,
or a client's address where no token is asked. Each instance admits or refuses at once
from what it knows: the shared total it last read from the database, plus what it
admitted itself since. Every half second (the sync) it adds what it admitted to the
shared count and reads the total back. So instances never wait on each other per
request, and together they overshoot a limit by at most what they admit between two
syncs.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class KeyCount:
    """One key's count in one window, as this instance knows it."""

    window: int
    shared: int = 0  # the total of all instances at the last sync
    pending: int = 0  # admitted here since the last sync


@dataclass
class Windows:
    """Every key's count in its current window, in one instance."""

    limit_of: dict[str, int]  # the limit of each kind of key ("subject", "address")
    window_seconds: int
    counts: dict[str, KeyCount] = field(default_factory=dict)

    def window_at(self, now: float) -> int:
        return int(now // self.window_seconds)

    def knows(self, key: str, now: float) -> bool:
        """Whether this instance has counted the key in the current window: if not, it
        reads the shared total first (`learn`), so a caller cannot start afresh on each
        instance."""
        counted = self.counts.get(key)
        return counted is not None and counted.window == self.window_at(now)

    def admit(self, kind: str, key: str, now: float) -> int | None:
        """None if the request is admitted (and counted); else the seconds until the
        window ends, when the caller may try again."""
        window = self.window_at(now)
        counted = self.counts.get(key)
        if counted is None or counted.window != window:
            counted = self.counts[key] = KeyCount(window)
        if counted.shared + counted.pending >= self.limit_of[kind]:
            return max(1, int((window + 1) * self.window_seconds - now + 0.999))
        counted.pending += 1
        return None

    def take_pending(self) -> list[tuple[str, int, int]]:
        """What to add to the shared counts: (key, window, admitted here), each once."""
        taken = [(k, c.window, c.pending) for k, c in self.counts.items() if c.pending]
        for key, _, _ in taken:
            self.counts[key].pending = 0
        return taken

    def give_back(self, taken: list[tuple[str, int, int]]) -> None:
        """A sync that failed: what it took is added at the next one."""
        for key, window, pending in taken:
            counted = self.counts.get(key)
            if counted is not None and counted.window == window:
                counted.pending += pending

    def learn(self, key: str, window: int, shared: int) -> None:
        """The shared total read from the database (at a sync, or on a key's first
        request in a window); a window already past is forgotten."""
        counted = self.counts.get(key)
        if counted is None or counted.window < window:
            counted = self.counts[key] = KeyCount(window)
        if counted.window == window:
            counted.shared = max(counted.shared, shared)

    def forget_before(self, window: int) -> None:
        """Drop keys whose window ended with nothing left to add: memory stays bounded
        by the callers of the current window."""
        for key in [k for k, c in self.counts.items() if c.window < window and not c.pending]:
            del self.counts[key]
