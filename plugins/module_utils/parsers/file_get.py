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

Returned dict:

``file``                the file named by the echoed command, else None.
``files_affected``      int, or None when not printed.
``size_bytes``          int, or None.
``host_key``            ``{host, address, key_type, fingerprint}`` when CUCM asked to accept the
                        SFTP server's key (a part not printed is None), else None.
``transfer_completed``  True on ``Transfer completed.``
``downloaded_file``     the path after ``Downloading file:``, or None.
``not_found``           True on ``Number of files affected: 0``, or on an error line saying
                        ``No such file`` / ``not found`` (wording GUESSED: seed 001 only says a
                        subscriber does not find ITLRecovery.p12).
``errors``              lines that say something failed.
``other``               any other line, as printed (whitespace squeezed).

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
            Rule(r"^Please wait while the system is gathering files info\b.*$"),
            Rule(r"^Sub-directories were not traversed\.?$"),
            Rule(r"^Number of files affected: ?(?P<n>\d+)$", self._files_affected),
            Rule(r"^Total size in Bytes: ?(?P<n>\d+)$", self._size_bytes),
            Rule(r"^Total size in Kbytes: ?[\d.]+$"),
            Rule(answered_question(r"Would you like to proceed \[y/n\]\?")),
            Rule(answered_question(r"SFTP server IP:")),
            Rule(answered_question(r"SFTP server port \[\d+\]:")),
            Rule(answered_question(r"User ID:")),
            Rule(secret_question(r"Password:"), after_secret),
            Rule(answered_question(r"Download directory:")),
            Rule(r"^The authenticity of host '(?P<host>[^' ]+)(?: \((?P<address>[^)]*)\))?' can't be"
                 r" established\.?$", self._authenticity, wraps=True),
            Rule(r"^(?P<key_type>\S+) key fingerprint is (?P<fingerprint>\S+?)\.?$", self._fingerprint),
            # Newer OpenSSH clients add a line and a third choice; read both forms.
            Rule(r"^This key is not known by any other names\.?$"),
            Rule(answered_question(r"Are you sure you want to continue connecting \(yes/no(?:/\[fingerprint\])?\)\?")),
            Rule(r"^\.+$"),  # progress dots
            Rule(r"^Transfer completed\.?$", self._completed),
            Rule(r"^Downloading file: ?(?P<path>\S.*)$", self._downloading),
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
