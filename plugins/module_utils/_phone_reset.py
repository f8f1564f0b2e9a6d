# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``phone_reset``: which phones, resetting them in paced batches, watching them come back.

Private to cucm.trust: used by plugins/modules/phone_reset.py only (and its tests); not an API.

Every phone is reset with its own AXL ``doDeviceReset`` (``deviceResetType`` ``Reset`` or
``Restart``), device pools included: per-phone calls give the batches and their pace, and a
precise list of which phones CUCM accepted and which it refused; ``resetDevicePool`` would be one
call with no pacing inside the pool and no list of what it reset.

A reset is fire-and-forget (cucm-phone-apis.md 2.4): a phone is back when RisPort70 shows it
``Registered`` with a ``TimeStamp`` (its last status change, on the node's clock) later than the
moment its reset was accepted - taken from the ``Date`` header of CUCM's answer, so the
controller's clock does not matter.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import math

from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError
from ansible_collections.cucm.trust.plugins.module_utils.cucm_api import (
    AXL,
    escape,
    find_phones,
    registration,
    text_of,
)

RESET_TYPES = {"reset": "Reset", "restart": "Restart"}
# This many refusals in a row mean something is wrong for every phone (rights, schema): stop.
MAX_CONSECUTIVE_REFUSALS = 5
REGISTERED = "Registered"
NOT_FOUND = "NotFound"


def select_targets(client, scope, names, device_pools):
    """``(phones, unmatched)`` the scope selects, from AXL ``listPhone``."""
    if scope == "all":
        return find_phones(client)
    if scope == "device_pools":
        return find_phones(client, None, device_pools)
    return find_phones(client, names)


def plan_batches(names, size):
    return [names[start:start + size] for start in range(0, len(names), size)]


def do_device_reset(client, name, action):
    """``doDeviceReset`` of one phone: ``(accepted, what CUCM returned)``. ``return`` may be
    ``true`` or the device's ``{uuid}`` (cucm-phone-apis.md 2.4, unconfirmed which); ``false`` or
    nothing means CUCM did not perform it."""
    inner = "<deviceName>%s</deviceName><deviceResetType>%s</deviceResetType>" % (escape(name), RESET_TYPES[action])
    answer = client.axl("doDeviceReset", inner)
    returned = text_of(answer, "return", "") or ""
    return returned.lower() not in ("", "false", "f", "0"), returned


class ResetRun(object):
    """The resets of one task, kept so that a failure still reports what was done."""

    def __init__(self):
        self.reset = []
        self.reset_times = {}
        self.refused = []
        self.batches_done = 0

    def details(self):
        return dict(changed=bool(self.reset), reset=list(self.reset), refused=list(self.refused),
                    batches_done=self.batches_done)


def reset_phones(client, names, action, batch_size, batch_interval, run):
    """Reset ``names`` in batches of ``batch_size``, ``batch_interval`` seconds apart, one AXL call
    at a time, into ``run``. A phone CUCM refuses (SOAP fault, ``false``) is recorded and the next
    one tried; anything else (401, unreachable, throttling beyond its bound) stops the task."""
    consecutive = 0
    for index, batch in enumerate(plan_batches(names, batch_size)):
        if index:
            client.clock.sleep(batch_interval)
        for name in batch:
            try:
                accepted, returned = do_device_reset(client, name, action)
            except CucmError as exc:
                if exc.reason != "soap_fault":
                    exc.details.update(run.details())
                    raise
                fault = exc.details.get("fault") or {}
                run.refused.append({"name": name, "error": fault.get("faultstring") or exc.message,
                                   "axlcode": fault.get("axlcode")})
                accepted = None
            if accepted is False:
                run.refused.append({"name": name, "error": "CUCM returned %r instead of true" % returned,
                                   "axlcode": None})
            if not accepted:
                consecutive += 1
                if consecutive >= MAX_CONSECUTIVE_REFUSALS:
                    raise CucmError("%s doDeviceReset on %s refused %d phones in a row, last %s: %s; stopped (%d "
                                    "phones were reset)" % (AXL, client.where, consecutive, name,
                                                            run.refused[-1]["error"], len(run.reset)),
                                    "%s doDeviceReset" % AXL, "soap_fault", **run.details())
                continue
            consecutive = 0
            run.reset.append(name)
            run.reset_times[name] = math.floor(client.server_time())
        run.batches_done = index + 1
    return run


def is_back(device, reset_time):
    return bool(device) and device.get("status") == REGISTERED and isinstance(device.get("timestamp"), int) \
        and device["timestamp"] > reset_time


def iso_time(timestamp):
    if not isinstance(timestamp, (int, float)) or timestamp <= 0:
        return None
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def straggler(name, device, reset_time):
    """A phone that did not come back, with what RisPort70 last said about it."""
    device = device or {}
    status = device.get("status") or NOT_FOUND
    if not device:
        why = "RisPort70 has no entry for it"
    elif status == REGISTERED:
        why = "registered, but not since its reset (TimeStamp %s is not after %s)" % (
            device.get("timestamp"), reset_time)
    else:
        why = "%s (status reason %s) since %s" % (
            status, device.get("status_reason"), iso_time(device.get("timestamp")) or "an unknown time")
    return {"name": name, "status": status, "status_reason": device.get("status_reason"),
            "timestamp": device.get("timestamp"), "node": device.get("node"), "reset_time": reset_time, "why": why}


def watch(client, reset_times, threshold, timeout, interval):
    """Poll RisPort70 (the phones not back yet only) every ``interval`` seconds until at least
    ``threshold`` of the reset phones are back or ``timeout`` seconds have passed."""
    clock = client.clock
    names = sorted(reset_times)
    total = len(names)
    needed = int(math.ceil(threshold * total - 1e-9))
    started = clock.monotonic()
    deadline = started + timeout
    pending, back, latest, polls = list(names), set(), {}, 0
    reached = len(back) >= needed
    while not reached:
        clock.sleep(max(0.0, min(interval, deadline - clock.monotonic())))
        devices = registration(client, pending)
        polls += 1
        for name in pending:
            latest[name] = devices.get(name.upper())
            if is_back(latest[name], reset_times[name]):
                back.add(name)
        pending = [name for name in pending if name not in back]
        reached = len(back) >= needed
        if clock.monotonic() >= deadline:
            break
    return {
        "threshold": threshold,
        "timeout": timeout,
        "total": total,
        "needed": needed,
        "registered": len(back),
        "share": round(float(len(back)) / total, 4) if total else 1.0,
        "reached": reached,
        "waited": round(clock.monotonic() - started, 3),
        "polls": polls,
        "stragglers": [straggler(name, latest.get(name), reset_times[name]) for name in pending],
    }


def describe_stragglers(stragglers, limit=20):
    shown = ["%s (%s)" % (s["name"], s["why"]) for s in stragglers[:limit]]
    more = len(stragglers) - limit
    return "; ".join(shown) + (" and %d more" % more if more > 0 else "")
