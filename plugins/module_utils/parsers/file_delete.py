# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``file delete tftp <file>`` (seed 002)::

    Delete the File CTLFile.tlv?
    Enter "y" followed by return to continue: y
    files: found = 1, deleted = 1

How it reads (transcript.py): wrapped lines are joined into sentences first (a long file name
can push the question's ``?`` onto the next line). The question and its confirmation are read
in any capitalisation; the result is any sentence starting ``file(s):`` that holds ``found =
N`` and ``deleted = N`` (either order, spaces around ``=`` optional, a final period allowed).
It is strict: a result sentence that also says something failed (``files: found = 1, deleted =
0, failed = 1``) sets neither count and goes to ``errors``.

Returned dict:

``file``      the file named by the echoed command, else None.
``found``     int from ``files: found = N``, or None when that line is missing.
``deleted``   int from ``deleted = N``, or None.
``errors``    sentences that say something failed (a missing file's wording is GUESSED: any
              failure-like sentence, e.g. ``No such file``).
``other``     any other sentence, as printed (wrapped lines joined, whitespace squeezed).

Raises ParserError on empty output.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .transcript import Rule, TranscriptReader, answered_question

_COMMAND = re.compile(r"^file delete \S+ (?P<file>.+)$")


class _FileDeleteReader(TranscriptReader):
    WHAT = "file delete"

    def __init__(self):
        super(_FileDeleteReader, self).__init__()
        self.found = None
        self.deleted = None
        self.rules = [
            Rule(r"^Delete the File\b.*\?$", strict=False),
            Rule(answered_question(r'Enter "y" followed by return to continue ?:'), strict=False),
            Rule(r"^files? ?:(?=.*\bfound ?= ?(?P<found>\d+)\b)(?=.*\bdeleted ?= ?(?P<deleted>\d+)\b)", self._counts),
        ]

    def _counts(self, match):
        self.found = int(match.group("found"))
        self.deleted = int(match.group("deleted"))

    def facts(self, command, unknown_errors):
        echoed = _COMMAND.match(command or "")
        return {
            "file": echoed.group("file") if echoed else None,
            "found": self.found,
            "deleted": self.deleted,
        }


def parse_file_delete(text):
    """``file delete <area> <file>`` transcript -> dict (see the module docstring)."""
    return _FileDeleteReader.parse(text)
