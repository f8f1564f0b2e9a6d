# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``set cert regen <unit>`` (seed 001)::

    WARNING: This operation will overwrite any CA signed certificate
    previously imported for CallManager
    Proceed with regeneration (yes|no)? yes
    Successfully Regenerated Certificate for CallManager.
    Please do a backup of the server as soon as possible. Failure to do
    so can stale the cluster in case of a crash.
    You must restart services related to CallManager for the regenerated
    certificates to become active.

Within the hold time after another regeneration on the node, instead::

    CallManager certificate was modified in the last 5 minutes. Please re-try
    regenerating TVS certificate at a later time

How it reads (transcript.py): wrapped lines are joined into sentences first (seed 001 wraps
every long sentence here, at about 70 columns), then each sentence is matched on its key
words, case-insensitively:

* the warning: ``[WARNING:] This operation will overwrite ... certificate ... [for <unit>]``;
* the question ``Proceed with regeneration (yes|no)?`` and its answer;
* the result: ``regenerated`` + ``certificate`` (``Successfully Regenerated Certificate for
  CallManager.``, ``Successfully regenerated the CallManager certificate.``, ``Certificate for
  TVS regenerated successfully``); the unit is the word after ``for``, else the one before
  ``certificate``;
* the advice: ``backup of the server`` / ``back up the server`` (with or without its ``Failure
  to do so ...`` sentence, which alone is known too); ``restart ... services related to
  <unit>`` or ``restart ... for the regenerated certificates to become active``;
* the hold: ``<unit> certificate was modified in the last N minute(s)`` and ``re-try/retry
  regenerating [the] <unit> certificate``, in one sentence or, when the line broke after the
  first full stop, in two (they then make one ``errors`` entry).

The result is strict: ``Certificate for CallManager was not regenerated`` or ``Regenerated
certificate for CallManager failed`` leave ``regenerated`` False and go to ``errors``, as does
``Failed to regenerate certificate for CallManager`` (no rule: an unknown failure). The
restart advice never counts as the result (``for the regenerated certificates``).

Returned dict:

``unit``            the unit named by the echoed command, else by the result or hold line.
``regenerated``     True on ``Successfully Regenerated Certificate for <unit>.``
``hold``            ``{blocking_unit, requested_unit, minutes}`` from the hold message, else None
                    (the message is also in ``errors``; a part not printed is None).
``restart_advice``  True on ``You must restart services related to <unit> ...``.
``backup_advice``   True on ``Please do a backup of the server ...``.
``errors``          sentences that say something failed.
``other``           any other sentence, as printed (wrapped lines joined, whitespace squeezed);
                    ``set cert regen ITLRecovery`` prints a warning about tokenless CTLs whose
                    wording is unknown.

Raises ParserError on empty output.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .transcript import Rule, TranscriptReader, answered_question

_COMMAND = re.compile(r"^set cert regen (?P<unit>\S+)$")
_UNIT = r"[A-Za-z][A-Za-z0-9-]*"
# The unit a result sentence names: after "for", else before "certificate" (not a filler word).
_UNIT_AFTER_FOR = re.compile(r"\bcertificates? for (?:the )?(?P<unit>%s)\b" % _UNIT, re.IGNORECASE)
_UNIT_BEFORE = re.compile(r"\b(?!(?:the|successfully|regenerated|new)\b)(?P<unit>%s) certificates?\b" % _UNIT,
                          re.IGNORECASE)
_REQUESTED = r"re-?try regenerating (?:the )?(?P<requested>%s) certificates?\b" % _UNIT


class _CertRegenReader(TranscriptReader):
    WHAT = "set cert regen"

    def __init__(self):
        super(_CertRegenReader, self).__init__()
        self.unit = None
        self.regenerated = False
        self.hold = None
        self.hold_error = None  # index in self.errors of the hold message
        self.restart_advice = False
        self.backup_advice = False
        self.rules = [
            Rule(r"^(?:the )?(?P<blocking>%s) certificate was (?:modified|regenerated|changed) in the last"
                 r" (?P<minutes>\d+) minutes?\b(?:.*?\b%s)?" % (_UNIT, _REQUESTED), self._hold, strict=False),
            Rule(r"^(?:please )?" + _REQUESTED, self._hold_rest, strict=False),
            Rule(r"^(?:WARNING ?: ?)?This operation will overwrite\b(?=.*\bcertificates?\b)"),
            Rule(answered_question(r"Proceed with regeneration \((?:yes\|no|yes/no)\)\?"), strict=False),
            Rule(r"\brestart (?:the |all (?:of )?(?:the )?)?services related to (?P<unit>%s)\b"
                 r"|\brestart\b.*\bfor the regenerated certificates? to (?:become|take) (?:active|effect)\b" % _UNIT,
                 self._restart),
            Rule(r"^(?=.*\bregenerated\b)(?=.*\bcertificates?\b)", self._regenerated),
            Rule(r"\bbackup of the server\b|\bback up the server\b", self._backup, strict=False),
            Rule(r"^Failure to do so\b.*\bcrash\b", strict=False),
        ]

    def _regenerated(self, match):
        self.regenerated = True
        named = _UNIT_AFTER_FOR.search(match.string) or _UNIT_BEFORE.search(match.string)
        if named and not self.unit:
            self.unit = named.group("unit")

    def _backup(self, match):
        self.backup_advice = True

    def _restart(self, match):
        self.restart_advice = True

    def _hold(self, match):
        self.hold = {
            "blocking_unit": match.group("blocking"),
            "requested_unit": match.group("requested"),
            "minutes": int(match.group("minutes")),
        }
        self.unit = self.unit or match.group("requested")
        self.hold_error = len(self.errors)
        self.errors.append(match.string)

    def _hold_rest(self, match):
        """The hold message's second sentence, on its own: it names the unit asked for."""
        if self.hold is None or self.hold["requested_unit"] is not None or self.hold_error != len(self.errors) - 1:
            self.hold = {"blocking_unit": None, "requested_unit": None, "minutes": None}
            self.hold_error = len(self.errors)
            self.errors.append(match.string)
        else:
            self.errors[self.hold_error] += " " + match.string
        self.hold["requested_unit"] = match.group("requested")
        self.unit = self.unit or match.group("requested")

    def facts(self, command, unknown_errors):
        echoed = _COMMAND.match(command or "")
        return {
            "unit": echoed.group("unit") if echoed else self.unit,
            "regenerated": self.regenerated,
            "hold": self.hold,
            "restart_advice": self.restart_advice,
            "backup_advice": self.backup_advice,
        }


def parse_cert_regen(text):
    """``set cert regen <unit>`` transcript -> dict (see the module docstring); raises ParserError."""
    return _CertRegenReader.parse(text)
