# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``utils ctl set-cluster mixed-mode | set-cluster non-secure-mode | update CTLFile | reset localkey``.

Seed 002 (CUCM 10.5)::

    This operation sets the cluster to Mixed mode. Do you want to continue? (y/n):y
    Moving Cluster to Mixed Mode
    Cluster set to Mixed Mode
    Please Restart the TFTP and Cisco CallManager services on all nodes in the cluster that run these services

``update CTLFile`` prints ``This operation updates the CTLFile. ...``, ``Updating CTL file``,
``CTL file Updated`` and the same reminder, wrapped over two lines. From cucm-cli-behaviour.md
[doc]: the later question ``This operation will set the cluster to Mixed mode.
Auto-registration is enabled on at least one CM node. Do you want to continue? (y/n):``, the
non-secure wording (``Moving Cluster to Non Secure Mode``, ``Cluster set to Non Secure Mode``),
and the later reminders ``You must reset all phones to ensure they received the updated CTL
file.`` and ``You must restart Cisco CTIManager services on all the nodes in the cluster that
have the service activated.``

Returned dict:

``operation``                  ``"mixed"``, ``"non_secure"``, ``"update"`` or ``"reset"``: from the
                               echoed command, else from the question or progress lines; None
                               when nothing tells.
``completed``                  True on the completion line of that operation (``Cluster set to
                               Mixed Mode``, ``Cluster set to Non Secure Mode``, ``CTL file
                               Updated``). GUESSED: ``reset localkey`` has no known completion
                               line; ``CTL file Updated`` is accepted for it.
``restart_services``           service names from the reminders, in order, without repeats:
                               ``TFTP`` -> ``Cisco Tftp``, ``Cisco CallManager``, ``Cisco
                               CTIManager``.
``reset_phones``               True on ``You must reset all phones ...``.
``auto_registration_warning``  True when the question (or a line) says auto-registration is on.
``licence_refused``            True on a line about the licence for mixed mode / export-controlled
                               functionality (GUESSED wording: any line with ``licens``/``licenc``
                               and ``export`` or ``mixed mode``); the line is also in ``errors``.
``errors``                     lines that say something failed.
``other``                      any other line, as printed (whitespace squeezed).

Raises ParserError on empty output.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .transcript import Rule, TranscriptReader

MIXED = "mixed"
NON_SECURE = "non_secure"
UPDATE = "update"
RESET = "reset"

_COMMANDS = (
    (re.compile(r"^utils ctl set-cluster mixed-mode$", re.IGNORECASE), MIXED),
    (re.compile(r"^utils ctl set-cluster non-secure-mode$", re.IGNORECASE), NON_SECURE),
    (re.compile(r"^utils ctl update CTLFile$", re.IGNORECASE), UPDATE),
    (re.compile(r"^utils ctl reset localkey$", re.IGNORECASE), RESET),
)
# What the question says the operation does (its first sentence).
_INTENTS = (
    (re.compile(r"set(?:s)? the cluster to Mixed mode", re.IGNORECASE), MIXED),
    (re.compile(r"set(?:s)? the cluster to non[ -]secure mode", re.IGNORECASE), NON_SECURE),
    (re.compile(r"updates? the CTL ?File", re.IGNORECASE), UPDATE),
)
_AUTO_REGISTRATION = re.compile(r"Auto-registration is enabled", re.IGNORECASE)
# Reminder wording -> service names as `utils service` spells them.
_SERVICE_NAMES = {
    "tftp": "Cisco Tftp",
    "cisco tftp": "Cisco Tftp",
    "callmanager": "Cisco CallManager",
    "cisco callmanager": "Cisco CallManager",
    "ctimanager": "Cisco CTIManager",
    "cisco ctimanager": "Cisco CTIManager",
}


def _service_names(phrase):
    """``TFTP and Cisco CallManager`` -> ``["Cisco Tftp", "Cisco CallManager"]``."""
    names = []
    for part in re.split(r",\s*|\s+and\s+", phrase):
        part = part.strip()
        if part:
            names.append(_SERVICE_NAMES.get(part.lower(), part))
    return names


class _UtilsCtlReader(TranscriptReader):
    WHAT = "utils ctl"

    def __init__(self):
        super(_UtilsCtlReader, self).__init__()
        self.operation = None
        self.completed_as = []  # operations whose completion line was printed
        self.services = []
        self.reset_phones = False
        self.auto_registration = False
        self.licence_refused = False
        self.rules = [
            Rule(r"^This operation (?P<intent>.+?)\. (?P<notes>(?:.+ )?)Do you want to continue\? ?\(y/n\): ?"
                 r"(?P<answer>y|n|yes|no)?$", self._question, wraps=True, flags=re.IGNORECASE),
            Rule(r"^Moving Cluster to Mixed Mode\.*$", self._progress(MIXED), flags=re.IGNORECASE),
            Rule(r"^Moving Cluster to Non[ -]Secure Mode\.*$", self._progress(NON_SECURE), flags=re.IGNORECASE),
            Rule(r"^Updating CTL file\.*$", self._progress(UPDATE), flags=re.IGNORECASE),
            Rule(r"^Cluster set to Mixed Mode\.?$", self._completed(MIXED), flags=re.IGNORECASE),
            Rule(r"^Cluster set to Non[ -]Secure Mode\.?$", self._completed(NON_SECURE), flags=re.IGNORECASE),
            Rule(r"^CTL file Updated\.?$", self._completed(UPDATE, RESET), flags=re.IGNORECASE),
            Rule(r"^Please Restart the (?P<services>.+?) services? on all (?:the )?nodes in the cluster"
                 r" that (?:run|runs) (?:these|this) services?\.?$", self._restart, wraps=True),
            Rule(r"^You must restart (?P<services>.+?) services? on all (?:the )?nodes in the cluster"
                 r" that have the service activated\.?$", self._restart, wraps=True),
            Rule(r"^You must reset all phones to ensure they received the updated CTL file\.?$",
                 self._reset_phones, wraps=True),
            Rule(r"^(?=.*Auto-registration is enabled).*$", self._auto_registration, flags=re.IGNORECASE),
            # GUESSED: no transcript of the 11.5(1)SU3+ refusal without export-controlled licensing.
            Rule(r"^(?=.*licen[cs])(?=.*(?:export|mixed mode)).*$", self._licence, flags=re.IGNORECASE),
        ]

    def _intent(self, operation):
        if self.operation is None:
            self.operation = operation

    def _question(self, match):
        for pattern, operation in _INTENTS:
            if pattern.search(match.group("intent")):
                self._intent(operation)
                break
        if _AUTO_REGISTRATION.search(match.group("notes")):
            self.auto_registration = True

    def _progress(self, operation):
        return lambda match: self._intent(operation)

    def _completed(self, *operations):
        def handler(match):
            self._intent(operations[0])
            self.completed_as.extend(operations)
        return handler

    def _restart(self, match):
        for name in _service_names(match.group("services")):
            if name not in self.services:
                self.services.append(name)

    def _reset_phones(self, match):
        self.reset_phones = True

    def _auto_registration(self, match):
        self.auto_registration = True

    def _licence(self, match):
        self.licence_refused = True
        self.errors.append(match.group(0))

    def facts(self, command, unknown_errors):
        for pattern, operation in _COMMANDS:
            if pattern.match(command or ""):
                self.operation = operation
        return {
            "operation": self.operation,
            "completed": self.operation is not None and self.operation in self.completed_as,
            "restart_services": self.services,
            "reset_phones": self.reset_phones,
            "auto_registration_warning": self.auto_registration,
            "licence_refused": self.licence_refused,
        }


def parse_utils_ctl(text):
    """``utils ctl ...`` transcript -> dict (see the module docstring); raises ParserError."""
    return _UtilsCtlReader.parse(text)
