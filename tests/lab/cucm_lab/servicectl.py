"""Stopping and starting a node's Cisco services over lab time.

`utils service restart|start|stop` and the Tftp restarts of `utils itl reset` go through here,
so every path changes the model the same way: the state moves STOPPING -> STOPPED ->
STARTING -> STARTED (or STOPPED when a `service_start_fails` fault fires) while the lab clock
runs, so `utils service list` in another session sees it change, and Cisco Tftp rebuilds the
node's ITL when it starts (bootstrap.start_tftp).

Durations and the poll interval are the node's settings (`service_stop_seconds`,
`service_start_seconds`, `service_poll_seconds`, all GUESSED). `report(state)` is called once
per poll with the state at that moment, which is what `utils service` prints.
"""

from __future__ import annotations

import math
from typing import Awaitable, Callable, Optional

from . import bootstrap
from .model import SERVICE_TFTP

STOPPING = "STOPPING"
STOPPED = "STOPPED"
STARTING = "STARTING"
STARTED = "STARTED"
MAX_POLLS = 10000  # bound for one phase, whatever the settings say

Sleep = Callable[[float], Awaitable[None]]
Report = Callable[[str], None]


def find_service(node, name: str) -> Optional[str]:
    """The node's service called `name` (GUESSED: spelled exactly, runs of spaces aside)."""
    wanted = " ".join(name.split())
    return wanted if wanted in node.services else None


class ServiceControl:
    """One node's services, driven with the lab's sleep and the node's timing settings."""

    def __init__(self, cluster, node, *, settings, faults, sleep: Sleep, command: Optional[str] = None):
        self.cluster = cluster
        self.node = node
        self.settings = settings  # the node's NodeSettings (read live)
        self.faults = faults
        self.sleep = sleep
        self.command = command  # the command line that drives it (for fault matching)

    async def stop(self, service: str, report: Optional[Report] = None) -> None:
        if self._state(service) != STOPPED:
            await self._phase(service, STOPPING, self.settings.service_stop_seconds, report)
            self._set(service, STOPPED)

    async def start(self, service: str, report: Optional[Report] = None) -> bool:
        """True when the service came up; False when a fault kept it STOPPED."""
        if self._state(service) == STARTED:
            return True
        fails = self.faults.take("service_start_fails", self.node.hostname, self.command,
                                 service=service)
        await self._phase(service, STARTING, self.settings.service_start_seconds, report)
        with self.cluster.lock:
            self._set(service, STOPPED if fails else STARTED)
            if not fails and service == SERVICE_TFTP:
                bootstrap.start_tftp(self.cluster, self.node)
        return not fails

    async def restart(self, service: str, report: Optional[Report] = None) -> bool:
        await self.stop(service, report)
        return await self.start(service, report)

    # -- internals ------------------------------------------------------------------------
    def _state(self, service: str) -> str:
        with self.cluster.lock:
            return self.node.services[service].state

    def _set(self, service: str, state: str) -> None:
        with self.cluster.lock:
            self.node.services[service].state = state

    async def _phase(self, service: str, state: str, seconds: float, report: Optional[Report]) -> None:
        """Hold `state` for `seconds`, reporting it once per poll interval (at least once)."""
        self._set(service, state)
        poll = self.settings.service_poll_seconds
        polls = min(MAX_POLLS, max(1, math.ceil(seconds / poll)))
        left = seconds
        for unused_poll in range(polls):
            if report:
                report(state)
            await self.sleep(min(poll, left))
            left -= poll
