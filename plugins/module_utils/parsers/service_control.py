# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``utils service restart|start|stop <name>``: the states the service went through.

From cucm-cli-behaviour.md [doc] (no seed has a transcript)::

     Don't press Ctrl-c while the service is getting RESTARTED.If Service has not Restarted Properly, execute the same Command Again
    Service Manager is running
    Cisco Tftp[STOPPING]
    Cisco Tftp[STOPPING]
    Cisco Tftp[STARTING]
    Cisco Tftp[STARTING]
    Cisco Tftp[STARTED]

Newer releases word the banner ``Do not press Ctrl+C while the service is restarting. If the
service has not restarted properly, execute the same command again.``; a space before ``[`` and
spaces inside it (``Cisco Tftp [ STARTED ]``) are read too. Some subscribers never print
``[STARTED]`` (primer section 7): check with ``utils service list``.

How it reads (transcript.py): a state line (``Name[STATE]``, optionally a note after it) is a
line of its own, never joined to a neighbour. The banner is joined back into one sentence when
wrapped (at 40 columns the old one takes four lines: ``... while the service is`` + ``getting
RESTARTED.If Service has not`` + ``Restarted Properly, execute the same`` + ``Command
Again``); it is known by ``Don't``/``Do not press Ctrl`` or, when cut after its first full stop,
by ``execute the same command again``, in any capitalisation. ``Service Manager is running``
is read in any capitalisation; ``Service Manager is not running`` is a failure (``errors``).

Returned dict:

``action``        ``"restart"``, ``"start"`` or ``"stop"`` from the echoed command, else None.
``service``       the service named by the command, else by the first state line; None if neither.
``transitions``   the states printed for that service, in order, repeats kept.
``final_state``   the last of them, or None.
``errors``        sentences that say something failed, e.g. ``Service Not Activated`` (alone or
                  after a state) or an unknown-service message (wording GUESSED: any
                  failure-like sentence).
``other``         any other sentence, as printed (wrapped lines joined, whitespace squeezed),
                  including state lines of other services.

Raises ParserError on empty output.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .transcript import Rule, TranscriptReader, is_error

_COMMAND = re.compile(r"^utils service (?P<action>restart|start|stop) (?P<service>.+)$", re.IGNORECASE)
_STATE = r"^(?P<name>\S.*?)\s*\[\s*(?P<state>[A-Z][A-Z ]*?)\s*\](?:\s+(?P<note>.*))?$"


class _ServiceControlReader(TranscriptReader):
    WHAT = "utils service"

    def __init__(self):
        super(_ServiceControlReader, self).__init__()
        self.states = []  # (service name, state, note, line) of every state line
        self.rules = [
            Rule(_STATE, self._state, line=True, flags=0),
            Rule(r"\b(?:Don't|Do not) press Ctrl\b", strict=False),
            # The banner's second sentence, when the line broke after the first full stop.
            Rule(r"\bexecute the same command again\b", strict=False),
            Rule(r"^Service Manager is (?:not )?running\b"),  # strict: "is not running" is an error
        ]

    def _state(self, match):
        self.states.append((match.group("name"), match.group("state"), match.group("note"), match.group(0)))

    def facts(self, command, unknown_errors):
        echoed = _COMMAND.match(command or "")
        service = echoed.group("service") if echoed else None
        if service is None and self.states:
            service = self.states[0][0]
        transitions = []
        for name, state, note, line in self.states:
            if name != service:
                self.other.append(line)
                continue
            transitions.append(state)
            if note and is_error(note):
                self.errors.append(line)
        return {
            "action": echoed.group("action").lower() if echoed else None,
            "service": service,
            "transitions": transitions,
            "final_state": transitions[-1] if transitions else None,
        }


def parse_service_control(text):
    """``utils service restart|start|stop`` transcript -> dict (see the module docstring)."""
    return _ServiceControlReader.parse(text)
