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

Layout from cucm-cli-behaviour.md [doc]; no seed has a transcript. Returns ``{services: {name:
{state, activated}}, unparsed: [lines]}``. Platform services (``System SSH``) are services too;
IM and Presence and Unity Connection print their own services in the same form.

A service line is ``<name>[<STATE>]``, optionally followed by whitespace and a reason: the name
starts with a capital letter or a digit, holds no ``:`` or bracket and does not end in
punctuation; a space before the bracket and spaces inside it (``[ STOPPED ]``) are allowed; the
state is one or more upper-case words (``STARTED``, ``STOPPED``, ``STARTING``, ``STOPPING``...).
A sentence is not a service even when it ends in brackets.

``activated`` is False only when the reason says ``Service Not Activated`` (any case). The other
documented reason, ``Component is not running``, is printed for an activated service that is
down (the lab does the same); a service that is not activated always says so, and no wording
implies it by elimination. Any other reason (e.g. ``Commanded Out of Service``, which field
reports show for a service an administrator stopped) leaves ``activated`` True: the name and
state are read, and the line is listed in ``unparsed`` too, so that the reason is shown.

Accepted and dropped: blank lines, pager residue (``unpaged_lines``), and the status lines
``Requesting service status, please wait...``, ``Service Manager is running``, ``Getting list
of all services``, ``>> Return code = 0``, ``Primary Node =<value>``.

``unparsed`` lists, stripped and in order, every other line (notices and progress lines before
or after the list, ``Service Manager is not running``, a non-zero return code, sentences) and
the service lines with an unknown reason.

ParserError when no service line is found (quoting the first line not understood), on
``Executed command unsuccessfully``, and when the output ends at the pager or was paged out of
order.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .errors import ParserError
from .lines import FAILURE_TRAILER, squeeze, unpaged_lines

_WHAT = "utils service list"

_SERVICE = re.compile(
    r"^(?P<name>[A-Z0-9](?:[^\[\]:]*[^\[\]:\s.,;!?])?)\s*"
    r"\[\s*(?P<state>[A-Z]+(?:[ _][A-Z]+)*)\s*\]"
    r"(?:\s+(?P<reason>\S.*))?$"
)
_NOT_ACTIVATED = re.compile(r"^Service Not Activated\.?$", re.I)
# Reasons of activated services that carry nothing more than the state already says.
_KNOWN_REASONS = (re.compile(r"^Component is not running\.?$", re.I),)
# Status lines around the list (cucm-cli-behaviour.md); they carry no service.
_NOISE = (
    re.compile(r"^Requesting service status, please wait\.\.\.$"),
    re.compile(r"^Service Manager is running$"),
    re.compile(r"^Getting list of all services$"),
    re.compile(r"^>> Return code = 0$"),
    re.compile(r"^Primary Node ?= ?\w+$"),
)


def parse_utils_service_list(text):
    """``utils service list`` output -> ``{services, unparsed}``; raises ParserError."""
    services = {}
    unparsed = []
    first_unparsed = None
    for number, line in unpaged_lines(text, _WHAT):
        plain = squeeze(line)
        if not plain or any(noise.match(plain) for noise in _NOISE):
            continue
        if FAILURE_TRAILER.match(plain):
            raise ParserError("%s failed%s" % (_WHAT, ": " + " / ".join(unparsed) if unparsed else ""), line, number)
        match = _SERVICE.match(plain)
        if match:
            reason = match.group("reason")
            not_activated = bool(reason) and bool(_NOT_ACTIVATED.match(reason))
            services[match.group("name")] = {"state": match.group("state"), "activated": not not_activated}
            if not reason or not_activated or any(known.match(reason) for known in _KNOWN_REASONS):
                continue
        unparsed.append(line.strip())
        if first_unparsed is None:
            first_unparsed = (number, line)
    if not services:
        raise ParserError("no service in %s output" % _WHAT, *(first_unparsed[::-1] if first_unparsed else ()))
    return {"services": services, "unparsed": unparsed}
