"""Lab time for things that take a while without a shell session: phones booting, RisPort's
rate window.

Like `Shell.sleep` (shell.py), a span of N lab seconds is over when N * time_scale real seconds
have passed or when the lab clock has moved N seconds (`POST /clock/advance`), whichever comes
first.
"""

from __future__ import annotations

import time
from typing import Callable


class Mark:
    """A moment: the monotonic clock and the lab clock together."""

    __slots__ = ("mono", "clock")

    def __init__(self, mono: float, clock):
        self.mono = mono
        self.clock = clock


class LabTimer:
    def __init__(self, clock, time_scale: Callable[[], float]):
        self.clock = clock  # model.LabClock
        self._time_scale = time_scale

    def mark(self) -> Mark:
        return Mark(time.monotonic(), self.clock.now())

    def elapsed(self, mark: Mark) -> float:
        """Lab seconds since `mark`."""
        scale = self._time_scale() or 1.0
        real = (time.monotonic() - mark.mono) / scale
        lab = (self.clock.now() - mark.clock).total_seconds()
        return max(real, lab)

    def epoch(self) -> int:
        """The lab clock now, as Unix seconds (RisPort's TimeStamp)."""
        return int(self.clock.now().timestamp())
