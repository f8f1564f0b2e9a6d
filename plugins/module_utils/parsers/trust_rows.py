# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tag rows of ``show itl`` / ``show ctl``: which tags exist and how their values read.

A row is ``<tag number> <TAG NAME> <LENGTH> [VALUE]``; a value may continue on the next lines
(wrapped, alone on the next line, or the header signature's bytes). ``TagRow`` collects those
lines and turns them into the value once the row is complete.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .errors import ParserError
from .trust_values import (
    SHA1_MARKER,
    could_grow,
    fits,
    hex_tokens,
    is_hex_tokens,
    is_serial,
    is_serial_piece,
    join_name,
    serial_byte_count,
)

# How the VALUE column of a row reads.
NAME = "name"  # NUL-terminated string: LENGTH - 1 characters
WORDS = "words"  # free text whose size LENGTH does not give (FUNCTION is a 2-byte code)
NUMBER = "number"  # an integer in VALUE (RECORDLENGTH, and the header containers)
SERIAL = "serial"  # XX:XX:...
BLANK = "blank"  # the CLI prints LENGTH only
CERT_SHA1 = "cert_sha1"  # SHA-1 of the certificate, then "(SHA1 Hash HEX)"
HEX = "hex"  # LENGTH bytes in hex (CERTHASH)
SIGNATURE_BYTES = "signature_bytes"  # LENGTH bytes on the lines that follow the row

# printed tag name -> (canonical name, key, kind). The misspellings are CUCM's own.
HEADER_TAGS = {
    "SIGNERID": ("SIGNERID", "signer_id", NUMBER),
    "SIGNERNAME": ("SIGNERNAME", "signer_name", NAME),
    "SERIALNUMBER": ("SERIALNUMBER", "serial_number", SERIAL),
    "CANAME": ("CANAME", "ca_name", NAME),
    "SIGNATUREINFO": ("SIGNATUREINFO", "signature_info", NUMBER),
    "DIGESTALGORTITHM": ("DIGESTALGORTITHM", "digest_algorithm", BLANK),
    "DIGESTALGORITHM": ("DIGESTALGORTITHM", "digest_algorithm", BLANK),
    "SIGNATUREALGOINFO": ("SIGNATUREALGOINFO", "signature_algo_info", NUMBER),
    "SIGNATUREALGORTITHM": ("SIGNATUREALGORTITHM", "signature_algorithm", BLANK),
    "SIGNATUREALGORITHM": ("SIGNATUREALGORTITHM", "signature_algorithm", BLANK),
    "SIGNATUREMODULUS": ("SIGNATUREMODULUS", "signature_modulus", BLANK),
    "SIGNATURE": ("SIGNATURE", "signature", SIGNATURE_BYTES),
    "FILENAME": ("FILENAME", "filename", BLANK),
    "TIMESTAMP": ("TIMESTAMP", "timestamp", BLANK),
}
HEADER_KEYS = (
    "signer_id", "signer_name", "serial_number", "ca_name", "signature_info", "digest_algorithm",
    "signature_algo_info", "signature_algorithm", "signature_modulus", "signature", "filename", "timestamp",
)

RECORD_TAGS = {
    "RECORDLENGTH": ("RECORDLENGTH", "length", NUMBER),
    "DNSNAME": ("DNSNAME", "dns_name", NAME),
    "SUBJECTNAME": ("SUBJECTNAME", "subject", NAME),
    "FUNCTION": ("FUNCTION", "function", WORDS),
    "ISSUERNAME": ("ISSUERNAME", "issuer", NAME),
    "ISSUERNAM": ("ISSUERNAME", "issuer", NAME),
    "ISSUENAME": ("ISSUERNAME", "issuer", NAME),
    "SERIALNUMBER": ("SERIALNUMBER", "serial", SERIAL),
    "PUBLICKEY": ("PUBLICKEY", "public_key", BLANK),
    "SIGNATURE": ("SIGNATURE", "signature", BLANK),
    "CERTIFICATE": ("CERTIFICATE", "certificate", CERT_SHA1),
    "IPADDRESS": ("IPADDRESS", "ip_address", BLANK),
    "CERTHASH": ("CERTHASH", "cert_hash", HEX),
    "HASH ALGORITHM": ("HASH ALGORITHM", "hash_algorithm", WORDS),
}

# <tag number> <UPPER-CASE NAME> <LENGTH> [VALUE]; signature bytes never match (lower-case hex).
TAG_ROW = re.compile(r"^(?P<tag>\d+)\s+(?P<name>HASH\s+ALGORITHM|[A-Z]+)\s+(?P<length>\d+)(?:\s+(?P<value>.*?))?\s*$")


_UNREAD = object()  # TagRow.value() not worked out yet


class TagRow(object):
    """One tag row and the lines that continue it."""

    def __init__(self, match, spec, line, line_number):
        self.tag = int(match.group("tag"))
        self.name, self.key, self.kind = spec
        self.length = int(match.group("length"))
        self.parts = []
        self.line = line
        self.line_number = line_number
        self._text = None
        self._value = _UNREAD
        # Kept up to date line by line, so a long value is never re-read as a whole: whether the
        # "(SHA1 Hash HEX)" after a certificate's SHA-1 was printed, and for hex values how many
        # bytes were printed (None once a piece is not hex bytes: then the count stays 0).
        self.marked = False
        self.byte_count = 0 if self.kind in (HEX, SIGNATURE_BYTES) else None
        self.add(match.group("value") or "")

    @property
    def text(self):
        """The printed pieces of the value joined with spaces (joined again only after an add)."""
        if self._text is None:
            self._text = " ".join(part for part in self.parts if part)
        return self._text

    def _byte_count(self):
        return self.byte_count or 0

    def _count_bytes(self, text):
        # Pieces join with a space and a marker never spans two pieces (continuations are hex
        # bytes), so counting piece by piece counts the joined value.
        if self.byte_count is not None:
            digest = hex_tokens(text.replace(SHA1_MARKER, ""))
            self.byte_count = None if digest is None else self.byte_count + len(digest)

    def takes_bytes(self, text):
        """Hex bytes continuing a hex value: checked before tag rows, as they may start with digits."""
        if self.kind == CERT_SHA1:
            if self.marked:
                return False
            head = text[:-len(SHA1_MARKER)] if text.endswith(SHA1_MARKER) else text
            return not head.strip() or is_hex_tokens(head)
        if self.kind in (HEX, SIGNATURE_BYTES):
            return self._byte_count() < self.length and is_hex_tokens(text)
        return False

    def takes(self, text, indented):
        """Whether a line that is no tag row continues this row's value."""
        empty = not self.text
        if self.kind == NAME:
            if empty:
                return fits(text, self.length)  # a value alone on the next line
            return indented and could_grow(self.text, self.length)
        if self.kind == WORDS:
            return empty
        if self.kind == NUMBER:
            return empty and text.isdigit()
        if self.kind == SERIAL:
            if not is_serial_piece(text):
                return False
            return empty or (indented and serial_byte_count(self.text) < self.length)
        return self.takes_bytes(text)

    def add(self, text):
        self.parts.append(text)
        self._text = None
        self._value = _UNREAD
        self.marked = self.marked or SHA1_MARKER in text
        self._count_bytes(text)

    def fail(self, reason):
        raise ParserError("%s row %s" % (self.name, reason), self.line, self.line_number)

    def value(self):
        """The row's value, checked and normalised; worked out once, result() asks several times."""
        if self._value is _UNREAD:
            self._value = self._read()
        return self._value

    def _read(self):
        text = self.text
        if self.kind == NAME:
            return join_name(self.parts, self.length)
        if self.kind == WORDS:
            return text or None
        if self.kind == NUMBER:
            if not text.isdigit():
                self.fail("needs a number, got %r" % text)
            return int(text)
        if self.kind == SERIAL:
            serial = "".join(part for part in self.parts if part)
            if not is_serial(serial):
                self.fail("has no serial number (XX:XX:...), got %r" % serial)
            return serial.upper()
        if self.kind == BLANK:
            if text:
                self.fail("should have no value, got %r" % text)
            return None
        if self.kind == CERT_SHA1:
            digest_text, _marker, after = text.partition(SHA1_MARKER)
            digest = hex_tokens(digest_text)
            if after.strip() or digest is None or len(digest) != 20:
                self.fail("needs the 20-byte SHA-1 of the certificate, got %r" % text)
            return "".join(digest)
        digest = hex_tokens(text)
        if self.kind == HEX and (digest is None or len(digest) != self.length):
            self.fail("needs %d hex bytes, got %r" % (self.length, text))
        if self.kind == SIGNATURE_BYTES and digest is None:
            self.fail("is followed by something that is not hex bytes: %r" % text)
        return "".join(digest) if len(digest) == self.length else None
