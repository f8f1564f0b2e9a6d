# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``utils service restart|start|stop``: what to type, whether to, and waiting for the result.

Private to cucm.trust: used by plugins/modules/service.py only (and its tests); not an API.

Some nodes never print ``[STARTED]`` while restarting (cucm-trust-primer.md section 7), so
the outcome is read from ``utils service list``, polled a bounded number of times.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import time

ACTIONS = {"restarted": "restart", "started": "start", "stopped": "stop"}
TARGET_STATES = {"restarted": "STARTED", "started": "STARTED", "stopped": "STOPPED"}


def service_command(state, name):
    return "utils service %s %s" % (ACTIONS[state], name)


def needs_action(state, current_state):
    """A restart always runs; start/stop only when the service is not there yet."""
    return state == "restarted" or current_state != TARGET_STATES[state]


def listed_line(text, name):
    """The ``utils service list`` line of ``name`` as printed (e.g. ``Cisco DirSync[STOPPED]
    Service Not Activated``); None when absent."""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(name) and line[len(name):].lstrip().startswith("["):
            return line
    return None


def close_names(name, names, limit=3):
    """Service names that look like ``name``: the same name in another case, else typos."""
    lowered = dict((n.lower(), n) for n in names)
    if name.lower() in lowered:
        return [lowered[name.lower()]]
    return [lowered[n] for n in difflib.get_close_matches(name.lower(), list(lowered), n=limit, cutoff=0.75)]


def wait_for_state(read_state, target, timeout, interval, sleep=None, clock=None):
    """Call ``read_state()`` until it returns ``target``; at most ``timeout`` seconds and
    ``timeout / interval + 1`` reads. Returns ``(last state, reads, reached)``."""
    sleep = sleep or time.sleep
    clock = clock or time.monotonic
    deadline = clock() + timeout
    max_reads = int(timeout // interval) + 1 if interval > 0 else 1
    reads = 0
    while True:
        state = read_state()
        reads += 1
        if state == target:
            return state, reads, True
        if reads >= max_reads or clock() + interval > deadline:
            return state, reads, False
        sleep(interval)
