# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``show itl`` and ``show ctl``: the CLI's dump of a trust list file, as data.

Both commands print the same layout (ITL and CTL files share one binary format)::

    The checksum value of the ITL file:
    b331e5bfb450926e816be37f2d8c24a2(MD5)
    9d7da73d16c1501b4d27dc1ed79211f390659982(SHA1)
    Length of ITL file: 5302
    The ITL File was last modified on Wed Feb 26 10:24:27 PST 2014
            Parse ITL File
    Version:        1.2
    HeaderLength:   324 (BYTES)
    BYTEPOS TAG             LENGTH  VALUE
    3       SIGNERID        2       139
    ...                               header rows, then the signature bytes after 12 SIGNATURE
            ITL Record #:1
    1       RECORDLENGTH    2       1115
    ...                               record rows
    This etoken was used to sign the ITL file.
    The ITL file was verified successfully.

The first column holds the TLV tag number; the parser identifies rows by tag name.

Returned dict (``parse_show_itl`` and ``parse_show_ctl`` alike):

``present``         False when the CLI says the file is missing or its length is 0.
``md5``, ``sha1``   checksums of the whole file, lower-case hex, or None.
``length``          file size in bytes (int) or None.
``last_modified``   the date string exactly as printed, or None.
``version``         e.g. ``"1.2"``, or None; ``header_length`` int or None.
``header``          one entry per header row, None when the row was not printed:
                    ``signer_id_length``, ``signature_info_length``, ``signature_algo_info_length``
                    (containers: the CLI prints LENGTH 2 and the container length in VALUE, this is
                    that VALUE), and the LENGTH column of the other rows: ``signer_name_length``,
                    ``serial_number_length``, ``ca_name_length``, ``digest_algorithm_length``,
                    ``signature_algorithm_length``, ``signature_modulus_length``,
                    ``signature_length``, ``filename_length``, ``timestamp_length``; plus ``tags``,
                    the tag numbers in printed order.
``signer``          ``{name, serial, ca_name}`` from SIGNERNAME / SERIALNUMBER / CANAME, or None.
``signature_hex``   the header signature, lower-case hex, 2 digits a byte, when every byte was
                    printed; else None.
``records``         in printed order, each ``{index, length, dns_name, subject, function, issuer,
                    serial, public_key_length, signature_length, certificate_length,
                    certificate_sha1, cert_hash, hash_algorithm, signer, tags, lengths}``: a row
                    that is absent gives None (``dns_name`` is "" when printed empty); ``length`` is
                    RECORDLENGTH; ``signer`` is True / False when ``This etoken was (not) used ...``
                    follows the record, else None; ``tags`` lists the tag numbers in printed
                    order and ``lengths`` maps each printed tag name to its LENGTH column.
``verified``        True on ``... verified successfully.``, False on a verification or parsing
                    error line, else None.
``errors``          the error lines the CLI printed (a wrapped message joined with spaces).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .errors import ParserError
from .lines import output_lines, squeeze, untable
from .trust_rows import HEADER_KEYS, HEADER_TAGS, NUMBER, RECORD_TAGS, TAG_ROW, TagRow
from .trust_values import HEX_DIGITS

_SEPARATOR = re.compile(r"^[-\s]*-[-\s]*$")
_CHECKSUMS = re.compile(r"^(?:[0-9A-Fa-f]+\s*\((?:MD5|SHA1)\)\s*)+$")
_CHECKSUM = re.compile(r"([0-9A-Fa-f]+)\s*\((MD5|SHA1)\)")
_CHECKSUM_SIZES = {"MD5": 32, "SHA1": 40}

# The wrapped message CUCM prints when there is no CTL file (seed 002, reference). GUESSED: no
# transcript shows `show itl` without an ITL file; "ITL File not found..." is read like it, one line.
_CTL_NOT_FOUND = "CTL File not found. Please run CTLClient plugin or run the CLI - utils ctl.. to generate the CTL file."


def _no_space(text):
    return "".join(text.split())


class _Message(object):
    """An error message the CLI may wrap over several lines (``CTL File not found ...``)."""

    def __init__(self, text, expected):
        self.parts = [text]
        self.expected = _no_space(expected) if expected else None

    @property
    def text(self):
        return " ".join(self.parts)

    def takes_bytes(self, text):
        return False

    def takes(self, text, indented):
        if not self.expected:
            return False
        so_far = _no_space(self.text)
        return so_far != self.expected and self.expected.startswith(so_far + _no_space(text))

    def add(self, text):
        self.parts.append(text)


class _Section(object):
    """The rows of the header or of one record, in printed order."""

    def __init__(self, tags, index=None):
        self.tags = tags
        self.index = index
        self.rows = []
        self.by_key = {}  # a key is printed at most once (the reader rejects a second row)
        self.signer = None

    def add(self, row):
        self.rows.append(row)
        self.by_key[row.key] = row

    def row(self, key):
        return self.by_key.get(key)

    def value(self, key):
        row = self.row(key)
        return row.value() if row else None

    def length(self, key):
        row = self.row(key)
        return row.length if row else None

    def check(self):
        """Read every row, so a value nobody asks for (e.g. under PUBLICKEY) is still checked."""
        for row in self.rows:
            row.value()


class _TrustListReader(object):
    """Line-by-line reader for one ``show itl`` / ``show ctl`` output."""

    def __init__(self, kind):
        self.kind = kind
        self.md5 = self.sha1 = self.file_length = self.last_modified = None
        self.version = self.header_length = None
        self.verified = None
        self.not_found = False
        self.error_messages = []
        self.header = _Section(HEADER_TAGS)
        self.records = []
        self.pending = None
        self.seen_output = False
        self.fixed = _fixed_lines(kind)

    # -- fixed lines -------------------------------------------------------------------------

    def _checksum_heading(self, match, number, line):
        rest = match.group("rest").strip()
        if rest:
            if not _CHECKSUMS.match(rest):
                raise ParserError("cannot read the checksums", line, number)
            self._checksums(_CHECKSUMS.match(rest), number, line)

    def _checksums(self, match, number, line):
        for digest, algorithm in _CHECKSUM.findall(match.group(0)):
            if len(digest) != _CHECKSUM_SIZES[algorithm]:
                raise ParserError("%s checksum of the wrong size" % algorithm, line, number)
            setattr(self, algorithm.lower(), digest.lower())

    def _file_length(self, match, number, line):
        self.file_length = int(match.group("n"))

    def _last_modified(self, match, number, line):
        self.last_modified = match.group("when")

    def _version(self, match, number, line):
        self.version = match.group("version")

    def _header_length(self, match, number, line):
        self.header_length = int(match.group("n"))

    def _record_heading(self, match, number, line):
        self.records.append(_Section(RECORD_TAGS, int(match.group("index"))))

    def _etoken(self, match, number, line):
        if not self.records:
            raise ParserError("etoken line before any record", line, number)
        record = self.records[-1]
        if record.signer is not None:
            raise ParserError("second etoken line for record %s" % record.index, line, number)
        record.signer = not match.group("not")

    def _verified(self, match, number, line):
        if self.verified is None:
            self.verified = True

    def _failure(self, match, number, line):
        self.verified = False
        self._error(line)

    def _not_found(self, match, number, line):
        self.not_found = True
        self._error(line, _CTL_NOT_FOUND if self.kind == "CTL" else None)

    def _error(self, line, expected=None):
        message = _Message(squeeze(line), expected)
        self.error_messages.append(message)
        self.pending = message

    # -- tag rows ------------------------------------------------------------------------------

    def _tag_row(self, match, number, line):
        name = squeeze(match.group("name"))
        section = self.records[-1] if self.records else self.header
        spec = section.tags.get(name)
        if spec is None:
            if not self.records and name in RECORD_TAGS:
                raise ParserError("record row before any '%s Record #' heading" % self.kind, line, number)
            raise ParserError("unknown %s tag %s" % ("record" if self.records else "header", name), line, number)
        row = TagRow(match, spec, line, number)
        if section.row(row.key) is not None:
            raise ParserError("%s printed twice" % row.name, line, number)
        section.add(row)
        self.pending = row

    # -- the loop ------------------------------------------------------------------------------

    def feed(self, number, raw):
        line = untable(raw)
        text = line.strip()
        if not text:
            return  # blank lines never end a value: web copies put them inside rows
        self.seen_output = True
        indented = line[:1].isspace()
        candidates = self.fixed.get(text[0], ())
        plain = squeeze(text) if candidates else None
        for pattern, handler in candidates:
            match = pattern.match(plain)
            if match:
                self.pending = None
                if handler:
                    getattr(self, handler)(match, number, raw)
                return
        if self.pending is not None and self.pending.takes_bytes(text):
            self.pending.add(text)
            return
        match = TAG_ROW.match(text)
        if match:
            self._tag_row(match, number, raw)
            return
        if self.pending is not None and self.pending.takes(text, indented):
            self.pending.add(text)
            return
        raise ParserError("unexpected line in show %s output" % self.kind.lower(), raw, number)

    def result(self):
        if not self.seen_output:
            raise ParserError("no show %s output" % self.kind.lower())
        header = self.header
        for section in [header] + self.records:
            section.check()
        signer = None
        if any(header.row(key) for key in ("signer_name", "serial_number", "ca_name")):
            signer = {
                "name": header.value("signer_name"),
                "serial": header.value("serial_number"),
                "ca_name": header.value("ca_name"),
            }
        header_dict = {"tags": [row.tag for row in header.rows]}
        for key in HEADER_KEYS:
            row = header.row(key)
            header_dict[key + "_length"] = None if row is None else (row.value() if row.kind == NUMBER else row.length)
        return {
            "present": not (self.not_found or self.file_length == 0),
            "md5": self.md5,
            "sha1": self.sha1,
            "length": self.file_length,
            "last_modified": self.last_modified,
            "version": self.version,
            "header_length": self.header_length,
            "header": header_dict,
            "signer": signer,
            "signature_hex": header.value("signature"),
            "records": [self._record(record) for record in self.records],
            "verified": self.verified,
            "errors": [message.text for message in self.error_messages],
        }

    @staticmethod
    def _record(record):
        dns_name = record.value("dns_name")
        return {
            "index": record.index,
            "length": record.value("length"),
            "dns_name": dns_name,
            "subject": record.value("subject"),
            "function": record.value("function"),
            "issuer": record.value("issuer"),
            "serial": record.value("serial"),
            "public_key_length": record.length("public_key"),
            "signature_length": record.length("signature"),
            "certificate_length": record.length("certificate"),
            "certificate_sha1": record.value("certificate"),
            "cert_hash": record.value("cert_hash"),
            "hash_algorithm": record.value("hash_algorithm"),
            "signer": record.signer,
            "tags": [row.tag for row in record.rows],
            "lengths": dict((row.name, row.length) for row in record.rows),
        }


def _fixed_line_patterns(kind):
    """(first characters, pattern, handler name) of each line with a fixed wording, in the order
    they are tried. A pattern can only match a line that starts with one of its characters."""
    k = re.escape(kind)
    return [
        ("T", re.compile(r"^The checksum value of the %s file:(?P<rest>.*)$" % k), "_checksum_heading"),
        (HEX_DIGITS, _CHECKSUMS, "_checksums"),
        ("L", re.compile(r"^Length of %s file: (?P<n>\d+)$" % k), "_file_length"),
        ("T", re.compile(r"^The %s File was last modified on (?P<when>.+)$" % k), "_last_modified"),
        ("P", re.compile(r"^Parse %s File$" % k), None),
        ("V", re.compile(r"^Version: ?(?P<version>\d+\.\d+)$"), "_version"),
        ("H", re.compile(r"^HeaderLength: ?(?P<n>\d+) \(BYTES\)$"), "_header_length"),
        ("B", re.compile(r"^BYTEPOS TAG LENGTH VALUE$"), None),
        ("-", _SEPARATOR, None),
        (kind[0], re.compile(r"^%s Record #: ?(?P<index>\d+)$" % k), "_record_heading"),
        ("T", re.compile(r"^This etoken was (?P<not>not )?used to sign the %s file\.$" % k), "_etoken"),
        ("T", re.compile(r"^The %s file was verified successfully\.$" % k), "_verified"),
        ("V", re.compile(r"^Verification of the %s file failed\.$" % k), "_failure"),
        ("Ee", re.compile(r"^Error parsing the %s file(?:!!|\.)$" % k, re.IGNORECASE), "_failure"),
        (kind[0], re.compile(r"^%s File not found\b.*$" % k), "_not_found"),
    ]


_FIXED_LINES = {}


def _fixed_lines(kind):
    """First character of a line -> the fixed-line (pattern, handler name) pairs to try on it,
    in order: most lines (tag rows, hex bytes) then try one pattern or none instead of fifteen."""
    if kind not in _FIXED_LINES:
        table = {}
        for firsts, pattern, handler in _fixed_line_patterns(kind):
            for first in firsts:
                table.setdefault(first, []).append((pattern, handler))
        _FIXED_LINES[kind] = table
    return _FIXED_LINES[kind]


def _parse(text, kind):
    reader = _TrustListReader(kind)
    for number, line in output_lines(text):
        reader.feed(number, line)
    return reader.result()


def parse_show_itl(text):
    """``show itl`` output -> dict (see the module docstring); raises ParserError."""
    return _parse(text, "ITL")


def parse_show_ctl(text):
    """``show ctl`` output -> dict (see the module docstring); raises ParserError."""
    return _parse(text, "CTL")
