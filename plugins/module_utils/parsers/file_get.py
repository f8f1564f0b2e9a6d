# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``file get tftp <file>``: CUCM pushes a file to an SFTP server (seed 001).

::

    Please wait while the system is gathering files info ...done.
    Sub-directories were not traversed.
    Number of files affected: 1
    Total size in Bytes: 1709
    Total size in Kbytes: 1.6689453
    Would you like to proceed [y/n]? y
    SFTP server IP: joemar2-server.cisco.com
    SFTP server port [22]:
    User ID: joemar2
    Password: *****
    Download directory: /home/joemar2/
    The authenticity of host 'joemar2-server.cisco.com (172.18.172.254)' can't be
    established.
    RSA key fingerprint is 2c:8f:9b:b2:ff:f7:a6:31:61:1b:bc:95:cc:bc:ba:bd.
    Are you sure you want to continue connecting (yes/no)? yes
    .
    Transfer completed.
    Downloading file: /usr/local/cm/tftp/ITLRecovery.p12

How it reads (transcript.py): the questions with their typed answers end a sentence; the
``Password:`` question is a line of its own (what follows it on the line is output). Wrapped
lines are joined into sentences first (the host-key sentence of seed 001 is cut before
``established.``; at 40 columns also before the quoted host and its address). Sentences are
matched case-insensitively on their key words: the ``label: value`` lines with or without a
space before the colon, ``The authenticity of host '...' can't/cannot be established``, ``<type>
key fingerprint is <fp>``, and the transfer completion: ``transfer``/``transferred`` +
``complete``/``completed`` (``Transfer completed.``, ``File transfer complete``, ``Transfer
completed successfully``). The completion is strict: ``Transfer not completed``, ``Transfer
completed with errors`` or ``File transfer failed to complete`` leave ``transfer_completed``
False and go to ``errors``.

Returned dict:

``file``                the file named by the echoed command, else None.
``files_affected``      int, or None when not printed.
``size_bytes``          int, or None.
``host_key``            ``{host, address, key_type, fingerprint}`` when CUCM asked to accept the
                        SFTP server's key (a part not printed is None), else None.
``transfer_completed``  True on ``Transfer completed.`` (or a variant, see above).
``downloaded_file``     the path after ``Downloading file:``, or None.
``not_found``           True on ``Number of files affected: 0``, or on an error line saying
                        ``No such file`` / ``not found`` (wording GUESSED: seed 001 only says a
                        subscriber does not find ITLRecovery.p12).
``errors``              sentences that say something failed.
``other``               any other sentence, as printed (wrapped lines joined, whitespace
                        squeezed).

The answers typed to the SFTP questions are not returned. Raises ParserError on empty output.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .transcript import Rule, TranscriptReader, after_secret, answered_question, secret_question

_COMMAND = re.compile(r"^file get \S+ (?P<file>.+)$")
_NOT_FOUND = re.compile(r"\bno such file\b|\bnot found\b", re.IGNORECASE)


class _FileGetReader(TranscriptReader):
    WHAT = "file get"

    def __init__(self):
        super(_FileGetReader, self).__init__()
        self.files_affected = None
        self.size_bytes = None
        self.host_key = None
        self.transfer_completed = False
        self.downloaded_file = None
        self.not_found = False
        self.rules = [
            Rule(secret_question(r"Password:"), after_secret, line=True),
            Rule(r"^Please wait while the system is gathering files? info\b"),
            Rule(r"^Sub-?directories were not traversed\.?$", strict=False),
            Rule(r"^Number of files affected ?: ?(?P<n>\d+)\.?$", self._files_affected),
            Rule(r"^Total size in Bytes ?: ?(?P<n>\d+)\.?$", self._size_bytes),
            Rule(r"^Total size in Kbytes ?: ?[\d.]+$"),
            Rule(answered_question(r"Would you like to proceed \[y/n\]\?"), strict=False),
            Rule(answered_question(r"SFTP server IP ?:"), strict=False),
            Rule(answered_question(r"SFTP server port \[\d+\] ?:"), strict=False),
            Rule(answered_question(r"User ID ?:"), strict=False),
            Rule(answered_question(r"Download directory ?:"), strict=False),
            Rule(r"^The authenticity of host '(?P<host>[^' ]+)(?: \((?P<address>[^)]*)\))?' can(?:'t|not) be"
                 r" established\.?$", self._authenticity, strict=False),
            Rule(r"^(?P<key_type>\S+) key fingerprint is (?P<fingerprint>\S+?)\.?$", self._fingerprint),
            # Newer OpenSSH clients add a line and a third choice; read both forms.
            Rule(r"^This key is not known by any other names\.?$", strict=False),
            Rule(answered_question(r"Are you sure you want to continue connecting \(yes/no(?:/\[fingerprint\])?\)\?"),
                 strict=False),
            Rule(r"^\.+$"),  # progress dots
            Rule(r"^(?=.*\btransfer(?:red)?\b)(?=.*\bcompleted?\b)", self._completed),
            Rule(r"^Downloading file ?: ?(?P<path>\S.*)$", self._downloading),
        ]

    def _files_affected(self, match):
        self.files_affected = int(match.group("n"))

    def _size_bytes(self, match):
        self.size_bytes = int(match.group("n"))

    def _key(self):
        if self.host_key is None:
            self.host_key = {"host": None, "address": None, "key_type": None, "fingerprint": None}
        return self.host_key

    def _authenticity(self, match):
        self._key().update(host=match.group("host"), address=match.group("address"))

    def _fingerprint(self, match):
        self._key().update(key_type=match.group("key_type"), fingerprint=match.group("fingerprint"))

    def _completed(self, match):
        self.transfer_completed = True

    def _downloading(self, match):
        self.downloaded_file = match.group("path")

    def facts(self, command, unknown_errors):
        echoed = _COMMAND.match(command or "")
        return {
            "file": echoed.group("file") if echoed else None,
            "files_affected": self.files_affected,
            "size_bytes": self.size_bytes,
            "host_key": self.host_key,
            "transfer_completed": self.transfer_completed,
            "downloaded_file": self.downloaded_file,
            "not_found": self.files_affected == 0 or any(_NOT_FOUND.search(line) for line in unknown_errors),
        }


def parse_file_get(text):
    """``file get tftp <file>`` transcript -> dict (see the module docstring); raises ParserError."""
    return _FileGetReader.parse(text)
