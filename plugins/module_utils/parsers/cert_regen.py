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

Returned dict:

``unit``            the unit named by the echoed command, else by the result or hold line.
``regenerated``     True on ``Successfully Regenerated Certificate for <unit>.``
``hold``            ``{blocking_unit, requested_unit, minutes}`` from the hold message, else None
                    (the message is also in ``errors``).
``restart_advice``  True on ``You must restart services related to <unit> ...``.
``backup_advice``   True on ``Please do a backup of the server ...``.
``errors``          lines that say something failed.
``other``           any other line, as printed (whitespace squeezed); ``set cert regen
                    ITLRecovery`` prints a warning about tokenless CTLs whose wording is unknown.

Raises ParserError on empty output.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .transcript import Rule, TranscriptReader, answered_question

_COMMAND = re.compile(r"^set cert regen (?P<unit>\S+)$")
_UNIT = r"[A-Za-z][A-Za-z0-9-]*"


class _CertRegenReader(TranscriptReader):
    WHAT = "set cert regen"

    def __init__(self):
        super(_CertRegenReader, self).__init__()
        self.unit = None
        self.regenerated = False
        self.hold = None
        self.restart_advice = False
        self.backup_advice = False
        self.rules = [
            Rule(r"^WARNING: This operation will overwrite any CA signed certificate previously imported"
                 r" for (?P<unit>%s)\.?$" % _UNIT, wraps=True),
            Rule(answered_question(r"Proceed with regeneration \(yes\|no\)\?")),
            Rule(r"^Successfully Regenerated Certificate for (?P<unit>%s)\.?$" % _UNIT, self._regenerated),
            Rule(r"^Please do a backup of the server as soon as possible\. Failure to do so can stale the"
                 r" cluster in case of a crash\.?$", self._backup, wraps=True),
            Rule(r"^You must restart services related to (?P<unit>%s) for the regenerated certificates to"
                 r" become active\.?$" % _UNIT, self._restart, wraps=True),
            Rule(r"^(?P<blocking>%s) certificate was modified in the last (?P<minutes>\d+) minutes\. Please"
                 r" re-try regenerating (?P<requested>%s) certificate at a later time\.?$" % (_UNIT, _UNIT),
                 self._hold, wraps=True),
        ]

    def _regenerated(self, match):
        self.regenerated = True
        self.unit = self.unit or match.group("unit")

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
        self.errors.append(match.group(0))

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
