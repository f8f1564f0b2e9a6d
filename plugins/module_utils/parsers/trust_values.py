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

HEX_DIGITS = "0123456789abcdefABCDEF"
# Every way to print a byte (1 or 2 hex digits, either case) -> its two lower-case digits: one
# look-up per byte reads and checks a hex dump.
_BYTE_TEXT = dict(
    (digits, "%02x" % int(digits, 16))
    for digits in list(HEX_DIGITS) + [high + low for high in HEX_DIGITS for low in HEX_DIGITS]
)
# A whole line of space-separated 1-2 digit hex bytes: one match per line, not one per token
# (with re.UNICODE, regex whitespace is exactly what str.split() splits on).
_HEX_BYTES = re.compile(r"\s*[0-9A-Fa-f]{1,2}(?:\s+[0-9A-Fa-f]{1,2})*\s*\Z", re.UNICODE)
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


# Breaks in one name whose separators are searched exhaustively (2**N joins).
_MAX_SEARCHED_BREAKS = 10


def join_name(parts, length):
    """One name from the pieces printed on successive lines (first piece from the tag row).

    A wrap may have replaced a space or cut a word, so each break joins with "" or " ",
    whichever makes the value fit LENGTH. If nothing fits, the pieces are kept as printed.
    """
    parts = [part for part in parts if part]
    if not parts:
        return ""
    breaks = len(parts) - 1
    if breaks > _MAX_SEARCHED_BREAKS:
        # Garbled output, not a wrap (CUCM wraps a name once or twice): try the uniform joins
        # only, instead of 2**breaks combinations.
        choices = [("",) * breaks, (" ",) * breaks]
    else:
        choices = itertools.product(("", " "), repeat=breaks)
    for separators in choices:
        value = parts[0] + "".join(sep + part for sep, part in zip(separators, parts[1:]))
        for candidate in (value, _SPACE_AFTER_SEMICOLON.sub(";", value)):
            if fits(candidate, length):
                return candidate
    return " ".join(parts)


def is_hex_tokens(text):
    """True for a line of space-separated 1-2 digit hex bytes (``8f d4 0 cb``)."""
    return _HEX_BYTES.match(text) is not None


def hex_tokens(text):
    """Bytes of a hex dump as lower-case two-digit strings; None if a token is not a byte."""
    try:
        return [_BYTE_TEXT[token] for token in text.split()]
    except KeyError:
        return None


def is_serial(text):
    return bool(_SERIAL.match(text))


def is_serial_piece(text):
    """A whole serial or a piece of one wrapped at any colon."""
    return bool(_SERIAL_PIECE.match(text))


def serial_byte_count(text):
    return len([part for part in text.split(":") if part])
