"""`show itl` / `show ctl`: what the CLI prints, rendered from the bytes on disk.

Everything comes from parsing the stored file (never from the cluster model), so a corrupted
or stale file shows exactly what a real node would show. Layout: trust-file-format.md
section 12 and the seeds (000/003/004: 8.x ITL, 001: 10.0 ITL, 002: 10.5 CTL): one TAB between
columns, `%x` signature bytes 8 a line, container rows printed with LENGTH 2 and their length as
VALUE, `(SHA1 Hash HEX)` after a certificate's SHA-1, an "etoken" sentence after every SAST
record. Where the seeds print a line in more than one way, `TrustListStyle` holds the choice
(default: the seeds' most common form) and each node can have its own (`Node.trust_list_style`,
`--trust-list-style`). Lines end in LF; the shell turns them into CRLF.

A file a node holds (`Node.tftp_files`) carries that node (`StoredFile.holder`): its time zone
and style apply unless the caller passes `tz_name` / `style`.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Dict, List, Mapping, Optional, Sequence

from . import trustfile as tf
from .model import StoredFile

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
except ImportError:  # pragma: no cover - Python < 3.9
    ZoneInfo = None
    ZoneInfoNotFoundError = KeyError

HEADER_NAMES = {
    tf.H_SIGNER_ID: "SIGNERID",
    tf.H_SIGNER_NAME: "SIGNERNAME",
    tf.H_SERIAL_NUMBER: "SERIALNUMBER",
    tf.H_CA_NAME: "CANAME",
    tf.H_SIGNATURE_INFO: "SIGNATUREINFO",
    tf.H_DIGEST_ALGORITHM: "DIGESTALGORTITHM",  # sic, as CUCM prints it
    tf.H_SIGNATURE_ALGO_INFO: "SIGNATUREALGOINFO",
    tf.H_SIGNATURE_ALGORITHM: "SIGNATUREALGORTITHM",  # sic
    tf.H_SIGNATURE_MODULUS: "SIGNATUREMODULUS",
    tf.H_SIGNATURE: "SIGNATURE",
    tf.H_FILENAME: "FILENAME",
    tf.H_TIMESTAMP: "TIMESTAMP",
}
# The canonical tag names (the parser reports these); tag 5 prints as TrustListStyle.issuer_tag.
RECORD_NAMES = {
    tf.R_RECORD_LENGTH: "RECORDLENGTH",
    tf.R_DNS_NAME: "DNSNAME",
    tf.R_SUBJECT_NAME: "SUBJECTNAME",
    tf.R_FUNCTION: "FUNCTION",
    tf.R_ISSUER_NAME: "ISSUERNAME",
    tf.R_SERIAL_NUMBER: "SERIALNUMBER",
    tf.R_PUBLIC_KEY: "PUBLICKEY",
    tf.R_SIGNATURE: "SIGNATURE",
    tf.R_CERTIFICATE: "CERTIFICATE",
    tf.R_IP_ADDRESS: "IPADDRESS",
    tf.R_CERT_HASH: "CERTHASH",
    tf.R_HASH_ALGORITHM: "HASH ALGORITHM",
}
# Seeds 000/003/004 (the copies that keep the TABs): one TAB between the heading's columns.
TABLE_HEADING = "BYTEPOS\tTAG\tLENGTH\tVALUE"
SHA1_SUFFIX = "(SHA1 Hash HEX)"
# Wrapped values continue under the VALUE column: seed 000 indents them by 32 columns, which
# is where four TABs end (the other copies show 6, 10, 35 or 37 spaces: web reflow).
CONTINUATION = "\t\t\t\t"

# Tag 5 as the seeds print it. No rule tells them apart: seed 002 prints the same CTL bytes
# (checksum 1d97d908...) once with ISSUENAME (lines 396/428) and once with ISSUERNAME (533/552)
# and ISSUERNAM (593); seed 004 prints ISSUERNAME (lines 286/310) where seeds 000/003, copies of
# the same 8.x dump, print ISSUENAME (000 lines 279/305); seed 001 prints ISSUERNAME, then
# ISSUERNAM on records 5-6 after the reset (lines 483/501).
ISSUER_TAGS = ("ISSUENAME", "ISSUERNAME", "ISSUERNAM")
# How `Version:` and `HeaderLength:` are followed by their value:
#   aligned  `Version:      1.2` / `HeaderLength: 324 (BYTES)`: seed 004 line 217-218, the one copy
#            of these lines that keeps its spacing (the others collapse it to one space);
#   space    one space after both (seeds 000/001/002/003 as the web copies print them);
#   tab      a TAB after both (trust-file-format S12, inferred from pages the seeds are not).
VERSION_LAYOUTS = ("aligned", "space", "tab")
# The dash lines under `Parse ITL File`, under `ITL Record #:n` and under the BYTEPOS heading:
#   seed  what the seeds print: `-----` (seeds 001 line 368, 004 line 213), `-----` (000 line 271,
#         002 lines 185/963, 003 line 231; 004 line 278 and 002 line 379 have `----`) and
#         `-----<TAB>---<TAB>-----<TAB>-----` (002's tables, lines 384/418/495/994; other copies
#         cut the line short);
#   long  runs as long as what they underline (reference layout, and what the seeds show if the web
#         copies shortened every longer run to five, as they did with `run sql`'s `=====`).
RULE_STYLES = ("seed", "long")
_RULES = {
    "seed": ("-----", "-----", "-----\t---\t-----\t-----"),
    "long": ("-" * 16, "----", "-------\t---\t------\t-----"),
}


@dataclass(frozen=True)
class TrustListStyle:
    """How one node's CLI lays out `show itl` / `show ctl` where the seeds disagree.

    issuer_tag             spelling of tag 5. GUESSED: the seeds show all three with no rule;
                           ISSUENAME is the most common (seeds 000/003 and most of 002's dumps,
                           every eToken record); seed 001 prints ISSUERNAME (and ISSUERNAM).
    checksum_space         a space before `(MD5)` / `(SHA1)`: only seed 001's first dump has one
                           (lines 171/173; its next dump of the same node, line 357, has none,
                           nor has any of seed 002's seven): default without.
    version_layout         see VERSION_LAYOUTS (default: seed 004's aligned values).
    record_heading_indent  spaces before `ITL Record #:n` and its dash line: 10 in the copies that
                           keep leading blanks (seeds 000 line 270, 002 line 184, 004 line 277);
                           others strip them. `Parse ITL File` is never indented in the seeds.
    rules                  see RULE_STYLES (default: the seeds' dash counts).
    wrap_width             characters of a wrapped VALUE line (only when the node wraps): names
                           break at `;`, hashes between bytes. 44 reproduces seed 002's full dump
                           (lines 590/598: 44-character name line, 15 hash bytes); its first dump
                           (lines 190/200: 16 bytes) needs 47 to 56. GUESSED: what sets the width
                           on a real node (maybe the terminal). Seeds 000/003/004 (names cut after
                           CN=, 11 or 12 bytes a line) follow no width: hand-wrapped for the web.
    """

    issuer_tag: str = "ISSUENAME"
    checksum_space: bool = False
    version_layout: str = "aligned"
    record_heading_indent: int = 10
    rules: str = "seed"
    wrap_width: int = 44

    def __post_init__(self):
        if self.issuer_tag not in ISSUER_TAGS:
            raise ValueError("issuer_tag must be one of %s" % ", ".join(ISSUER_TAGS))
        if self.version_layout not in VERSION_LAYOUTS:
            raise ValueError("version_layout must be one of %s" % ", ".join(VERSION_LAYOUTS))
        if self.rules not in RULE_STYLES:
            raise ValueError("rules must be one of %s" % ", ".join(RULE_STYLES))
        if not isinstance(self.checksum_space, bool):
            raise ValueError("checksum_space must be true or false")
        for name, low, high in (("record_heading_indent", 0, 40), ("wrap_width", 20, 200)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError("%s must be an integer from %d to %d" % (name, low, high))

    def with_overrides(self, overrides: Optional[Mapping[str, Any]]) -> "TrustListStyle":
        """This style with some fields changed (ValueError on an unknown field or a bad value)."""
        if not overrides:
            return self
        unknown = sorted(set(overrides) - set(STYLE_FIELDS))
        if unknown:
            raise ValueError("unknown trust-list style field(s): %s (known: %s)"
                             % (", ".join(unknown), ", ".join(STYLE_FIELDS)))
        return replace(self, **dict(overrides))

    def to_json(self) -> Dict[str, Any]:
        return asdict(self)


DEFAULT_STYLE = TrustListStyle()
STYLE_FIELDS = tuple(f.name for f in fields(TrustListStyle))


def parse_style_overrides(spec: str) -> Dict[str, Any]:
    """`issuer_tag=ISSUERNAME,wrap_width=47` -> {"issuer_tag": "ISSUERNAME", "wrap_width": 47},
    checked against TrustListStyle (ValueError with a message for the command line)."""
    overrides: Dict[str, Any] = {}
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        name, sep, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or name not in STYLE_FIELDS:
            raise ValueError("expected FIELD=VALUE with FIELD one of %s, got %r" % (", ".join(STYLE_FIELDS), item))
        kind = type(getattr(DEFAULT_STYLE, name))
        if kind is bool:
            if text.lower() not in ("true", "false", "yes", "no", "1", "0"):
                raise ValueError("%s must be true or false, got %r" % (name, text))
            overrides[name] = text.lower() in ("true", "yes", "1")
        elif kind is int:
            try:
                overrides[name] = int(text)
            except ValueError:
                raise ValueError("%s must be an integer, got %r" % (name, text))
        else:
            overrides[name] = text
    DEFAULT_STYLE.with_overrides(overrides)  # validates the values
    return overrides


def node_style(node) -> TrustListStyle:
    """The trust-list style of `node` (a model.Node, or None for the defaults)."""
    return DEFAULT_STYLE.with_overrides(getattr(node, "trust_list_style", None))


# Seed 002, wrapped exactly as the CLI printed it.
CTL_MISSING = [
    "Length of CTL file: 0",
    "CTL File not found. Please run CTLClient plugin or run the CLI - utils ctl.. to",
    "generate the CTL file.",
    "Error parsing the CTL File.",
]
# GUESSED: no transcript of `show itl` without an ITL file; the ITL failure line is seed 000's.
ITL_MISSING = ["Length of ITL file: 0", "ITL File not found.", "Error parsing the ITL file!!"]


def render_show_itl(stored: Optional[StoredFile], **options) -> str:
    return render_show_trust("itl", stored, **options)


def render_show_ctl(stored: Optional[StoredFile], **options) -> str:
    return render_show_trust("ctl", stored, **options)


def render_show_trust(
    kind: str,
    stored: Optional[StoredFile],
    *,
    wrap: bool = False,
    tz_name: Optional[str] = None,
    missing_lines: Optional[Sequence[str]] = None,
    style: Optional[TrustListStyle] = None,
) -> str:
    """The full output of `show itl` (kind "itl") or `show ctl` (kind "ctl").

    wrap           continue long names and hashes on indented lines (style.wrap_width).
    tz_name        IANA zone for the "last modified" line (default: the time zone of the node
                   holding the file, else the mtime's own zone).
    missing_lines  what to print when there is no file (default CTL_MISSING / ITL_MISSING).
    style          layout choices (default: those of the node holding the file, else DEFAULT_STYLE).
    """
    if kind not in ("itl", "ctl"):
        raise ValueError("kind must be 'itl' or 'ctl', not %r" % (kind,))
    label = kind.upper()
    if stored is None:
        default = CTL_MISSING if label == "CTL" else ITL_MISSING
        return _text(list(missing_lines if missing_lines is not None else default))

    holder = stored.holder
    if tz_name is None and holder is not None:
        tz_name = holder.time_zone
    if style is None:
        style = node_style(holder)
    parse_rule, record_rule, table_rule = _RULES[style.rules]
    space = " " if style.checksum_space else ""

    data = stored.data
    lines = [
        "The checksum value of the %s file:" % label,
        "%s%s(MD5)" % (hashlib.md5(data).hexdigest(), space),
        "%s%s(SHA1)" % (hashlib.sha1(data).hexdigest(), space),
        "",
        "Length of %s file: %d" % (label, len(data)),
        "The %s File was last modified on %s" % (label, _cli_date(stored.mtime, tz_name)),
        "",
        "Parse %s File" % label,
        parse_rule,
        "",
    ]
    try:
        parsed = tf.parse_trust_file(data)
    except tf.TrustFileError:
        # GUESSED: what the CLI prints for a file it cannot parse at all.
        return _text(lines + _failure(label))

    lines += _version_lines(style.version_layout, parsed) + ["", TABLE_HEADING, table_rule]
    for tag, length, value in parsed.header_tlvs:
        if tag in (tf.H_VERSION, tf.H_HEADER_LENGTH):
            continue
        lines += _header_row(tag, length, value, wrap, style)

    indent = " " * style.record_heading_indent
    signers = set(tf.signer_record_indexes(parsed))
    for index, record in enumerate(parsed.records):
        lines += ["", "%s%s Record #:%d" % (indent, label, index + 1), indent + record_rule,
                  TABLE_HEADING, table_rule]
        for tag, length, value in record.tlvs:
            lines += _record_row(tag, length, value, wrap, style)
        if record.function == tf.FUNCTION_SAST:
            used = "used" if index in signers else "not used"
            lines += ["", "This etoken was %s to sign the %s file." % (used, label)]
    lines.append("")
    if tf.verify_trust_file(parsed):
        lines.append("The %s file was verified successfully." % label)
    else:
        lines += _failure(label)
    return _text(lines)


# ---------------------------------------------------------------------------------------------


def _version_lines(layout: str, parsed) -> List[str]:
    version, header_length = parsed.version, "%d (BYTES)" % parsed.header_length
    if layout == "tab":
        return ["Version:\t" + version, "HeaderLength:\t" + header_length]
    if layout == "space":
        return ["Version: " + version, "HeaderLength: " + header_length]
    return ["Version:      " + version, "HeaderLength: " + header_length]  # aligned (seed 004)


def _header_row(tag: int, length: int, value: bytes, wrap: bool, style: TrustListStyle) -> List[str]:
    # GUESSED: tags CUCM 10.x never writes (e.g. 0x1C) print as their number.
    name = HEADER_NAMES.get(tag, "TAG%d" % tag)
    if tag in tf.HEADER_CONTAINERS:
        return [_row(tag, name, 2, str(length))]
    if tag in (tf.H_SIGNER_NAME, tf.H_CA_NAME):
        return _wrapped_name(tag, name, length, tf.c_string(value), wrap, style)
    if tag == tf.H_SERIAL_NUMBER:
        return [_row(tag, name, length, _serial(value))]
    if tag == tf.H_SIGNATURE:
        # `%x` without leading zeros, 8 a line; "%-4x" gives the 2-3 spaces of seed 002.
        chunks = [value[i : i + 8] for i in range(0, len(value), 8)]
        return [_row(tag, name, length, "")] + [
            "".join("%-4x" % b for b in chunk).rstrip() for chunk in chunks
        ]
    return [_row(tag, name, length, "")]


def _record_row(tag: int, length: int, value: bytes, wrap: bool, style: TrustListStyle) -> List[str]:
    name = style.issuer_tag if tag == tf.R_ISSUER_NAME else RECORD_NAMES.get(tag, "TAG%d" % tag)
    if tag == tf.R_RECORD_LENGTH:
        return [_row(tag, name, length, str(int.from_bytes(value, "big")))]
    if tag == tf.R_DNS_NAME:
        return [_row(tag, name, length, tf.c_string(value))]
    if tag in (tf.R_SUBJECT_NAME, tf.R_ISSUER_NAME):
        return _wrapped_name(tag, name, length, tf.c_string(value), wrap, style)
    if tag == tf.R_FUNCTION:
        code = int.from_bytes(value, "big")
        return [_row(tag, name, length, tf.FUNCTION_NAMES.get(code, str(code)))]
    if tag == tf.R_SERIAL_NUMBER:
        return [_row(tag, name, length, _serial(value))]
    if tag == tf.R_CERTIFICATE:
        return _wrapped_hex(tag, name, length, hashlib.sha1(value).digest(), SHA1_SUFFIX, wrap, style)
    if tag == tf.R_CERT_HASH:
        return _wrapped_hex(tag, name, length, value, "", wrap, style)
    if tag == tf.R_HASH_ALGORITHM:
        code = value[0] if value else None
        return [_row(tag, name, length, tf.DIGEST_NAMES.get(code, str(code)))]
    return [_row(tag, name, length, "")]


def _row(tag: int, name: str, length: int, value: str) -> str:
    return "%d\t%s\t%d\t%s" % (tag, name, length, value)


def _wrapped_name(tag: int, name: str, length: int, text: str, wrap: bool, style: TrustListStyle) -> List[str]:
    """A distinguished name, wrapped after a `;` so that each line has at most wrap_width
    characters (a single longer attribute keeps its own line)."""
    if not wrap:
        return [_row(tag, name, length, text)]
    parts = text.split(";")
    pieces = _pack([part + ";" for part in parts[:-1]] + [parts[-1]], "", style.wrap_width)
    return [_row(tag, name, length, pieces[0])] + [CONTINUATION + piece for piece in pieces[1:]]


def _wrapped_hex(tag: int, name: str, length: int, digest: bytes, suffix: str, wrap: bool,
                 style: TrustListStyle) -> List[str]:
    """Upper-case hex bytes, wrapped between bytes at wrap_width characters; the suffix
    (`(SHA1 Hash HEX)`) follows the last byte on its line, as in seed 002."""
    words = ["%02X" % b for b in digest]
    pieces = _pack(words, " ", style.wrap_width) if wrap else [" ".join(words)]
    if suffix:
        pieces[-1] = (pieces[-1] + " " + suffix).strip()
    return [_row(tag, name, length, pieces[0])] + [CONTINUATION + piece for piece in pieces[1:]]


def _pack(tokens: List[str], joiner: str, width: int) -> List[str]:
    """Greedy lines of joined tokens, each at most `width` characters (one token per line at least)."""
    lines: List[str] = []
    for token in tokens:
        if lines and len(lines[-1]) + len(joiner) + len(token) <= width:
            lines[-1] += joiner + token
        else:
            lines.append(token)
    return lines or [""]


def _serial(value: bytes) -> str:
    return ":".join("%02X" % b for b in value)


def _failure(label: str) -> List[str]:
    if label == "ITL":
        return ["Verification of the ITL file failed.", "Error parsing the ITL file!!"]
    # GUESSED: the CTL wording of a failed verification (no transcript).
    return ["Verification of the CTL file failed.", "Error parsing the CTL File."]


def valid_time_zone(name: str) -> str:
    """`name` if it is an IANA time zone this system knows (ValueError otherwise)."""
    if ZoneInfo is None:  # pragma: no cover - Python < 3.9
        if name != "UTC":
            raise ValueError("time zones other than UTC need Python 3.9+ (zoneinfo)")
        return name
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("unknown time zone %r (an IANA name such as UTC, Europe/Warsaw)" % (name,))
    return name


def _cli_date(mtime: datetime.datetime, tz_name: Optional[str]) -> str:
    """`date` style, e.g. `Wed Feb 26 10:24:27 PST 2014`."""
    when = mtime
    if tz_name and ZoneInfo is not None:
        try:
            when = mtime.astimezone(ZoneInfo(tz_name))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return when.strftime("%a %b %d %H:%M:%S ") + (when.strftime("%Z") or "UTC") + when.strftime(" %Y")


def _text(lines: List[str]) -> str:
    return "\n".join(lines) + "\n"
