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

How it reads (transcript.py): the questions, the noise and the node lists (Python list, also
wrapped over several lines; ``====`` rules) are line rules, never joined to a neighbour; every
other line is joined into sentences first, so ``Successfully transferred reset ITL to`` +
``node test10sub`` or ``Restarting Cisco Tftp service on host`` + ``TEST10SUB`` read as one.
Sentences are matched on their key words, case-insensitively:

* refusal: ``not a/the publisher``;
* per node (the name is the last word, after ``host``/``node``/``server``): a TFTP restart
  begun (``Restarting [the] [Cisco] Tftp [service] on host X``), done (``restarted`` + ``Tftp``:
  ``Cisco Tftp service restarted on host X``, ``Successfully restarted the Cisco TFTP service
  on node X.``), the file transferred (``transferred`` + ``ITL``: ``Successfully transferred
  reset ITL to node X``, ``The reset ITL file was transferred successfully to node X.``);
* ``reset ITL`` + ``generated`` (not ``will``); ``Generating ... reset ITL file``;
  ``Locating ... tftp servers``; ``list of ... tftp servers``; ``Transferring ... reset ITL``;
  ``Number of ... active TFTP servers ... : N``.

A sentence with those key words and a negation or failure word is never read as the event:
``Cisco Tftp service could not be restarted on host X``, ``Reset ITL was not transferred to
node X``, ``The reset ITL file was not generated`` go to ``errors``; ``Failed to restart Cisco
Tftp service on host X`` matches no rule and goes to ``errors`` as an unknown failure. Either
way the node keeps ``tftp_restarted`` False/None and ``transferred`` None.

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
``errors``              sentences that say something failed (the refusal included; a sentence
                        with a success's key words and a negation, see above).
``noise``               the remotekey debug lines.
``other``               any other sentence, as printed (wrapped lines joined, whitespace
                        squeezed).

Raises ParserError on empty output.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .transcript import Rule, TranscriptReader, after_secret, secret_question

_COMMAND = re.compile(r"^utils itl reset (?P<key>localkey|remotekey)\b")
_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"")
_HOSTNAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
# The node a sentence is about: its last word, after host/node/server (trailing dots aside).
_ON_NODE = r"\b(?:host|node|server) (?P<name>%s)\.*$" % _HOSTNAME
# GUESSED layout of the 12.5 list (described, not transcribed): a run of '=', one name a line,
# a run of '='. Read as one block of up to this many lines; a long Python list may wrap too.
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
            # Physical lines, never joined to a neighbour.
            Rule(secret_question(r"Enter CCM Administrator password ?:"), after_secret, line=True),
            Rule(secret_question(r"Enter Sftp password ?:"), after_secret, line=True),
            Rule(r"^Processing token in else \S+ \S+$", self._noise, line=True, flags=0,
                 first=r"^Processing token\b", max_lines=3),
            Rule(r"^count is \d+$", self._noise, line=True, flags=0),
            Rule(r"^\[(?P<names>[^\[\]]*)\]$", self._python_list, line=True, first=r"^\[",
                 max_lines=_MAX_LISTED_NODES),
            Rule(r"^=+(?P<names>(?: %s)+) =+$" % _HOSTNAME, self._ruled_list, line=True, first=r"^=+$",
                 max_lines=_MAX_LISTED_NODES + 2),
            # Sentences.
            Rule(r"\bnot (?:a|the) publisher\b", self._refused, strict=False),
            Rule(r"^(?:the )?number of (?:the )?active tftp servers\b.*?: ?(?P<count>\d+)\.?$", self._count),
            Rule(r"^locating (?:the |all )?(?:active )?tftp servers\b"),
            Rule(r"\blist of (?:the |all )?(?:active )?tftp servers\b"),
            Rule(r"^generating (?:the |a )?(?:new )?reset ITL\b", self._generating),
            Rule(r"^(?=.*\breset ITL\b)(?=.*\bgenerated\b)(?!.*\bwill\b)", self._generated),
            Rule(r"^transferring (?:the |a )?(?:new )?reset ITL\b"),
            Rule(r"^restarting (?:the )?(?:cisco )?tftp(?: service)? on (?:the )?" + _ON_NODE, self._restarting),
            Rule(r"^(?=.*\brestarted\b)(?=.*\btftp\b).*" + _ON_NODE, self._restarted),
            Rule(r"^(?=.*\btransferred\b)(?=.*\bITL\b).*" + _ON_NODE, self._transferred),
        ]

    def _node(self, name):
        if name not in self.nodes:
            self.nodes[name] = {"name": name, "transferred": None, "tftp_restarted": None}
            self.mentioned.append(name)
        return self.nodes[name]

    def _noise(self, match):
        self.noise.append(match.string)

    def _refused(self, match):
        self.publisher_refused = True
        self.errors.append(match.string)

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
