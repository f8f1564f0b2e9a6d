# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Values of the ``show itl`` / ``show ctl`` tables: names, serials and hex dumps.

The CLI prints each TLV of the file; its LENGTH column is the TLV length in bytes. For names
(NUL-terminated strings) that length tells how a value wrapped over several lines joins back.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools
import re

SHA1_MARKER = "(SHA1 Hash HEX)"

_HEX_TOKEN = re.compile(r"^[0-9A-Fa-f]{1,2}$")
_SERIAL = re.compile(r"^[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2})*$")
_SERIAL_PIECE = re.compile(r"^:?[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2})*:?$")
# Web copies of the transcripts insert a space after ';' in names (seed 000 prints
# "CN=CUCM8-Publisher.bbbburns.lab; OU=TAC;..." with LENGTH 76 although the value without that
# space has exactly 75 characters); CUCM itself joins name attributes with a bare ';'.
_SPACE_AFTER_SEMICOLON = re.compile(r";\s+")


def fits(value, length):
    """True when ``value`` is what a NUL-terminated string of ``length`` bytes holds.

    Characters or UTF-8 bytes may match: CUCM counts bytes, but web copies turned some ASCII
    letters into non-ASCII ones ("Malopolska" -> "Małopołska") without changing the count.
    """
    return length - 1 in (len(value), len(value.encode("utf-8")))


def could_grow(value, length):
    """True while a wrapped name is still shorter than its LENGTH allows."""
    return len(value) < length - 1


def join_name(parts, length):
    """One name from the pieces printed on successive lines (first piece from the tag row).

    A wrap may have replaced a space or cut a word, so each break joins with "" or " ",
    whichever makes the value fit LENGTH. If nothing fits, the pieces are kept as printed.
    """
    parts = [part for part in parts if part]
    if not parts:
        return ""
    for separators in itertools.product(("", " "), repeat=len(parts) - 1):
        value = parts[0] + "".join(sep + part for sep, part in zip(separators, parts[1:]))
        for candidate in (value, _SPACE_AFTER_SEMICOLON.sub(";", value)):
            if fits(candidate, length):
                return candidate
    return " ".join(parts)


def is_hex_tokens(text):
    """True for a line of space-separated 1-2 digit hex bytes (``8f d4 0 cb``)."""
    tokens = text.split()
    return bool(tokens) and all(_HEX_TOKEN.match(token) for token in tokens)


def hex_tokens(text):
    """Bytes of a hex dump as lower-case two-digit strings; None if a token is not a byte."""
    tokens = text.split()
    if not all(_HEX_TOKEN.match(token) for token in tokens):
        return None
    return ["%02x" % int(token, 16) for token in tokens]


def is_serial(text):
    return bool(_SERIAL.match(text))


def is_serial_piece(text):
    """A whole serial or a piece of one wrapped at any colon."""
    return bool(_SERIAL_PIECE.match(text))


def serial_byte_count(text):
    return len([part for part in text.split(":") if part])
