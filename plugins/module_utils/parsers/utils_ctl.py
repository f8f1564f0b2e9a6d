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

How it reads (transcript.py): wrapped lines are joined into sentences first (the reminder of
seed 002's update, the later question cut anywhere, even right after its first full stop).
Each sentence is then matched on its key words, case-insensitively, in this order:

* licence refusal: ``licen[cs]`` and ``export`` or ``mixed mode`` (GUESSED wording);
* the question: a sentence starting ``This operation`` says the operation (``set(s) the cluster
  to mixed mode`` / ``non secure``, ``update(s) the CTL file``, ``reset(s) the CTL file``) and
  maybe ``Auto-registration is enabled``; ``Do you want to continue`` alone, or
  ``Auto-registration is enabled`` alone, when the question was cut into pieces;
* progress: ``Moving [the] cluster to mixed mode`` / ``non secure`` / ``Non-Secure``,
  ``Updating [the] CTL file``;
* ``reset ... phones`` (before the next, which it must not feed: ``the updated CTL file``);
* completion: ``cluster`` + ``set``/``moved``/``changed``/``switched``/``put``/``now in`` + the
  mode (``Cluster set to Mixed Mode``, ``The cluster was set to mixed mode.``, ``Cluster set
  to Non-Secure Mode``); ``CTL file`` + ``updated`` (``CTL file Updated``, ``Successfully
  updated the CTL file``, ``The CTL file was updated successfully.``);
* restart reminder: ``restart <names> service(s) on|in|across|for ...`` then ``node(s)``,
  ``cluster`` or ``server(s)``: both known wordings and variants (``Please restart the Cisco
  Tftp service and the Cisco CallManager service on all the nodes.``); the names are split at
  ``,``/``and``.

Completion and reminders are strict: with a negation or failure word (``CTL file not
updated``, ``The cluster was not set to mixed mode``, ``Failed to set the cluster to Mixed
Mode``, ``Failed to restart the TFTP and Cisco CallManager services on all nodes``) they count
for nothing and the sentence goes to ``errors``.

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
                               CTIManager`` (any capitalisation, with or without ``Cisco``);
                               another name is kept as printed.
``reset_phones``               True on ``You must reset all phones ...``.
``auto_registration_warning``  True when the question (or a line) says auto-registration is on.
``licence_refused``            True on a sentence about the licence for mixed mode /
                               export-controlled functionality (GUESSED wording: any sentence
                               with ``licens``/``licenc`` and ``export`` or ``mixed mode``); the
                               sentence is also in ``errors``.
``errors``                     sentences that say something failed (with the negated
                               completions and reminders above).
``other``                      any other sentence, as printed (wrapped lines joined, whitespace
                               squeezed).

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
_MIXED_MODE = r"mixed[ -]?mode"
_NON_SECURE_MODE = r"non[ -]?secure"
_CTL_FILE = r"CTL ?file"
# What the question says the operation does.
_INTENTS = (
    (re.compile(r"\bsets? the cluster to (?:the )?" + _MIXED_MODE, re.IGNORECASE), MIXED),
    (re.compile(r"\bsets? the cluster to (?:the )?" + _NON_SECURE_MODE, re.IGNORECASE), NON_SECURE),
    (re.compile(r"\bupdates? the " + _CTL_FILE, re.IGNORECASE), UPDATE),
    (re.compile(r"\bresets? the " + _CTL_FILE, re.IGNORECASE), RESET),
)
_AUTO_REGISTRATION = re.compile(r"\bAuto-?registration is enabled\b", re.IGNORECASE)
# Reminder wording -> service names as `utils service` spells them.
_SERVICE_NAMES = {
    "tftp": "Cisco Tftp",
    "cisco tftp": "Cisco Tftp",
    "callmanager": "Cisco CallManager",
    "cisco callmanager": "Cisco CallManager",
    "ctimanager": "Cisco CTIManager",
    "cisco ctimanager": "Cisco CTIManager",
}
_FILLER = re.compile(r"^(?:all (?:of )?)?(?:the )?|\s+services?$", re.IGNORECASE)


def _completion(mode):
    """Key words of "the cluster is now in ``mode``", whatever the wording."""
    return (r"^(?!.*\bmoving\b)(?=.*\bcluster\b)"
            r"(?=.*\b(?:set|moved|changed|switched|put|now in)\b.*\b%s\b)" % mode)


def _service_names(phrase):
    """``TFTP and Cisco CallManager`` -> ``["Cisco Tftp", "Cisco CallManager"]``."""
    names = []
    for part in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", phrase):
        part = _FILLER.sub("", part.strip()).strip()
        if part:
            names.append(_SERVICE_NAMES.get(part.lower(), part))
    return names


class _UtilsCtlReader(TranscriptReader):
    WHAT = "utils ctl"

    def __init__(self):
        super(_UtilsCtlReader, self).__init__()
        self.operation = None
        self.completed_as = []  # operations whose completion sentence was printed
        self.services = []
        self.reset_phones = False
        self.auto_registration = False
        self.licence_refused = False
        self.rules = [
            # GUESSED: no transcript of the 11.5(1)SU3+ refusal without export-controlled licensing.
            Rule(r"^(?=.*licen[cs])(?=.*(?:export|%s))" % _MIXED_MODE, self._licence, strict=False),
            Rule(r"^This operation\b", self._question, strict=False),
            Rule(r"\bDo you want to continue\b", self._notes, strict=False),
            Rule(_AUTO_REGISTRATION.pattern, self._auto_registration),
            Rule(r"^Moving (?:the )?cluster to (?:the )?" + _MIXED_MODE, self._progress(MIXED)),
            Rule(r"^Moving (?:the )?cluster to (?:the )?" + _NON_SECURE_MODE, self._progress(NON_SECURE)),
            Rule(r"^Updating (?:the )?" + _CTL_FILE, self._progress(UPDATE)),
            Rule(r"\breset (?:all |every |each )?(?:of )?(?:the )?(?:IP )?phones\b", self._reset_phones),
            Rule(_completion(_MIXED_MODE), self._completed(MIXED)),
            Rule(_completion(_NON_SECURE_MODE), self._completed(NON_SECURE)),
            Rule(r"^(?!.*\bthe updated CTL)(?=.*\b%s\b)(?=.*\bupdated\b)" % _CTL_FILE, self._completed(UPDATE, RESET)),
            Rule(r"\brestart (?P<services>.+?) services? (?:on|in|across|for|throughout)\b"
                 r"(?=.*\b(?:nodes?|cluster|servers?)\b)", self._restart),
        ]

    def _intent(self, operation):
        if self.operation is None:
            self.operation = operation

    def _question(self, match):
        for pattern, operation in _INTENTS:
            if pattern.search(match.string):
                self._intent(operation)
                break
        self._notes(match)

    def _notes(self, match):
        if _AUTO_REGISTRATION.search(match.string):
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
        self.errors.append(match.string)

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
