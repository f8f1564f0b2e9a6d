# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``utils service list``: the state of every service on the node.

::

    Requesting service status, please wait...
    System SSH [STARTED]
    Service Manager is running
    Getting list of all services
    >> Return code = 0
    Cisco Tftp[STARTED]
    Cisco DirSync[STOPPED]  Service Not Activated
    Cisco X[ STOPPED ]  Component is not running
    Primary Node =true

Returns ``{services: {name: {state, activated}}}``; ``activated`` is False only on
``Service Not Activated``. Platform services (``System SSH``) are services too. Layout from
cucm-cli-behaviour.md [doc]; no seed has a transcript.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .errors import ParserError
from .lines import output_lines, squeeze

_SERVICE = re.compile(r"^(?P<name>\S.*?)\s*\[\s*(?P<state>[A-Z][A-Z ]*?)\s*\](?:\s+(?P<note>.*))?$")
_NOT_ACTIVATED = "Service Not Activated"
# Status lines around the list (cucm-cli-behaviour.md); they carry no service.
_NOISE = (
    re.compile(r"^Requesting service status, please wait\.\.\.$"),
    re.compile(r"^Service Manager is running$"),
    re.compile(r"^Getting list of all services$"),
    re.compile(r"^>> Return code = \d+$"),
    re.compile(r"^Primary Node ?= ?\w+$"),
)


def parse_utils_service_list(text):
    """``utils service list`` output -> ``{services: {...}}``; raises ParserError."""
    services = {}
    for number, line in output_lines(text):
        plain = squeeze(line)
        if not plain or any(noise.match(plain) for noise in _NOISE):
            continue
        match = _SERVICE.match(plain)
        if not match:
            raise ParserError("unexpected line in utils service list output", line, number)
        services[match.group("name")] = {
            "state": match.group("state"),
            "activated": (match.group("note") or "").strip() != _NOT_ACTIVATED,
        }
    if not services:
        raise ParserError("no service in utils service list output")
    return {"services": services}
