# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``utils itl reset localkey`` / ``utils itl reset remotekey <host> <user> <path>``.

Seed 001 (CUCM 10.0), the whole dialog as the collection records it::

    Enter CCM Administrator password :
    Locating active Tftp servers in the cluster.....
    Following is the list of Active tftp servers in the cluster
    ['test10pub', 'test10sub']
    The reset ITL file was generated successfully
    Transferring new reset ITL file to the TFTP server nodes in the cluster.....
    Restarting Cisco Tftp service on host test10pub
    Cisco Tftp service restarted on host test10pub
    Successfully transferred reset ITL to node test10sub
    Restarting Cisco Tftp service on host test10sub
    Cisco Tftp service restarted on host test10sub

``remotekey`` first asks ``Enter Sftp password :`` and prints debug noise (``Processing token
in else 0 tac``, ``count is 1``), on the question's line too. 12.5 (cucm-cli-behaviour.md, no
verbatim transcript) prints ``Generating the reset ITL file.....``, the node names one per line
between ``====`` lines, and ``Number of Active TFTP servers in the cluster : 1``. On a subscriber
the command answers ``This is not a Publisher Node``.

Returned dict:

``recovery_key``        ``"localkey"`` / ``"remotekey"`` from the echoed command, else None.
``publisher_refused``   True on ``This is not a Publisher Node``.
``tftp_servers``        the active TFTP nodes as listed, in order.
``tftp_server_count``   the ``Number of Active TFTP servers`` figure (12.5), else None.
``generated``           True on ``The reset ITL file was generated successfully``; on 12.5, which
                        prints only ``Generating the reset ITL file.....``, True when that line
                        came and no error line did.
``nodes``               ``[{name, transferred, tftp_restarted}]`` in ``tftp_servers`` order (then
                        any other node the output names). ``transferred``: True on ``Successfully
                        transferred reset ITL to node <name>``, else None: the node the command
                        runs on gets no transfer line (the file is written in place), so None
                        means "not printed", and only the caller knows which node is local.
                        ``tftp_restarted``: True on ``Cisco Tftp service restarted on host
                        <name>``, False when only ``Restarting ...`` came, None when neither.
``errors``              lines that say something failed (the refusal included).
``noise``               the remotekey debug lines.
``other``               any other line, as printed (whitespace squeezed).

Raises ParserError on empty output.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .transcript import Rule, TranscriptReader, after_secret, secret_question

_COMMAND = re.compile(r"^utils itl reset (?P<key>localkey|remotekey)\b")
_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"")
_HOSTNAME = r"[A-Za-z0-9][A-Za-z0-9._-]*"
# GUESSED layout of the 12.5 list (described, not transcribed): a run of '=', one name a line,
# a run of '='. Read as one wrapped "sentence" of up to this many lines.
_MAX_LISTED_NODES = 64


class _ItlResetReader(TranscriptReader):
    WHAT = "utils itl reset"

    def __init__(self):
        super(_ItlResetReader, self).__init__()
        self.publisher_refused = False
        self.servers = []
        self.server_count = None
        self.generated = False
        self.generating = False
        self.nodes = {}
        self.mentioned = []  # node names in the order the output first names them
        self.noise = []
        self.rules = [
            Rule(secret_question(r"Enter CCM Administrator password ?:"), after_secret),
            Rule(secret_question(r"Enter Sftp password ?:"), after_secret),
            Rule(r"^Processing token in else\b.*$", self._noise),
            Rule(r"^count is \d+$", self._noise),
            Rule(r"^This is not a Publisher Node\.?$", self._refused, flags=re.IGNORECASE),
            Rule(r"^Locating active Tftp servers in the cluster\.*$", flags=re.IGNORECASE),
            Rule(r"^Following is the list of Active tftp servers in the cluster\.*:?$", flags=re.IGNORECASE),
            Rule(r"^\[(?P<names>.*)\]$", self._python_list),
            Rule(r"^=+(?P<names>(?: %s)+) =+$" % _HOSTNAME, self._ruled_list, wraps=True,
                 max_lines=_MAX_LISTED_NODES + 2),
            Rule(r"^Number of Active TFTP servers in the cluster ?: ?(?P<count>\d+)$", self._count,
                 flags=re.IGNORECASE),
            Rule(r"^The reset ITL file was generated successfully\.?$", self._generated, wraps=True),
            Rule(r"^Generating the reset ITL file\.*$", self._generating),
            Rule(r"^Transferring new reset ITL file to the TFTP server nodes in the cluster\.*$", wraps=True),
            Rule(r"^Restarting Cisco Tftp service on host (?P<name>%s)$" % _HOSTNAME, self._restarting),
            Rule(r"^Cisco Tftp service restarted on host (?P<name>%s)$" % _HOSTNAME, self._restarted),
            Rule(r"^Successfully transferred reset ITL to node (?P<name>%s)$" % _HOSTNAME, self._transferred,
                 wraps=True),
        ]

    def _node(self, name):
        if name not in self.nodes:
            self.nodes[name] = {"name": name, "transferred": None, "tftp_restarted": None}
            self.mentioned.append(name)
        return self.nodes[name]

    def _noise(self, match):
        self.noise.append(match.group(0))

    def _refused(self, match):
        self.publisher_refused = True
        self.errors.append(match.group(0))

    def _python_list(self, match):
        self._add_servers(single or double for single, double in _QUOTED.findall(match.group("names")))

    def _ruled_list(self, match):
        self._add_servers(match.group("names").split())

    def _add_servers(self, names):
        for name in names:
            if name not in self.servers:
                self.servers.append(name)
                self._node(name)

    def _count(self, match):
        self.server_count = int(match.group("count"))

    def _generated(self, match):
        self.generated = True

    def _generating(self, match):
        self.generating = True

    def _restarting(self, match):
        node = self._node(match.group("name"))
        if node["tftp_restarted"] is None:
            node["tftp_restarted"] = False

    def _restarted(self, match):
        self._node(match.group("name"))["tftp_restarted"] = True

    def _transferred(self, match):
        self._node(match.group("name"))["transferred"] = True

    def facts(self, command, unknown_errors):
        key = _COMMAND.match(command or "")
        named = self.servers + [name for name in self.mentioned if name not in self.servers]
        return {
            "recovery_key": key.group("key") if key else None,
            "publisher_refused": self.publisher_refused,
            "tftp_servers": list(self.servers),
            "tftp_server_count": self.server_count,
            "generated": self.generated or (self.generating and not (self.errors or unknown_errors)),
            "nodes": [self.nodes[name] for name in named],
            "noise": self.noise,
        }


def parse_itl_reset(text):
    """``utils itl reset localkey|remotekey`` transcript -> dict (see the module docstring)."""
    return _ItlResetReader.parse(text)
