"""`show itl` / `show ctl`: what the CLI prints, rendered from the bytes on disk.

Everything comes from parsing the stored file (never from the cluster model), so a corrupted
or stale file shows exactly what a real node would show. Layout: trust-file-format.md
section 12 and seeds 000/001/002 (one TAB between columns, `%x` signature bytes 8 a line,
container rows printed with LENGTH 2 and their length as VALUE, `(SHA1 Hash HEX)` after a
certificate's SHA-1, an "etoken" sentence after every SAST record). Lines end in LF; the shell
turns them into CRLF.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import List, Optional, Sequence

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
TABLE_HEADING = ["BYTEPOS\tTAG\t\tLENGTH\tVALUE", "-------\t---\t\t------\t-----"]
SHA1_SUFFIX = "(SHA1 Hash HEX)"
CONTINUATION = "\t\t\t\t"  # wrapped values continue under the VALUE column
WRAP_NAME_WIDTH = 44  # characters of a distinguished name per line when wrapping
WRAP_HEX_BYTES = 16  # hash bytes per line when wrapping (seed 002)

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
) -> str:
    """The full output of `show itl` (kind "itl") or `show ctl` (kind "ctl").

    wrap           continue long names and hashes on an indented line, like seed 002's dumps.
    tz_name        IANA zone for the "last modified" line (default: the mtime's own zone).
    missing_lines  what to print when there is no file (default CTL_MISSING / ITL_MISSING).
    """
    if kind not in ("itl", "ctl"):
        raise ValueError("kind must be 'itl' or 'ctl', not %r" % (kind,))
    label = kind.upper()
    if stored is None:
        default = CTL_MISSING if label == "CTL" else ITL_MISSING
        return _text(list(missing_lines if missing_lines is not None else default))

    data = stored.data
    lines = [
        "The checksum value of the %s file:" % label,
        "%s(MD5)" % hashlib.md5(data).hexdigest(),
        "%s(SHA1)" % hashlib.sha1(data).hexdigest(),
        "",
        "Length of %s file: %d" % (label, len(data)),
        "The %s File was last modified on %s" % (label, _cli_date(stored.mtime, tz_name)),
        "",
        "\tParse %s File" % label,
        "\t----------------",
        "",
    ]
    try:
        parsed = tf.parse_trust_file(data)
    except tf.TrustFileError:
        # GUESSED: what the CLI prints for a file it cannot parse at all.
        return _text(lines + _failure(label))

    lines += ["Version:\t%s" % parsed.version, "HeaderLength:\t%d (BYTES)" % parsed.header_length, ""]
    lines += TABLE_HEADING
    for tag, length, value in parsed.header_tlvs:
        if tag in (tf.H_VERSION, tf.H_HEADER_LENGTH):
            continue
        lines += _header_row(tag, length, value, wrap)

    signers = set(tf.signer_record_indexes(parsed))
    for index, record in enumerate(parsed.records):
        lines += ["", "\t%s Record #:%d" % (label, index + 1), "\t----"] + TABLE_HEADING
        for tag, length, value in record.tlvs:
            lines += _record_row(tag, length, value, wrap)
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


def _header_row(tag: int, length: int, value: bytes, wrap: bool) -> List[str]:
    # GUESSED: tags CUCM 10.x never writes (e.g. 0x1C) print as their number.
    name = HEADER_NAMES.get(tag, "TAG%d" % tag)
    if tag in tf.HEADER_CONTAINERS:
        return [_row(tag, name, 2, str(length))]
    if tag in (tf.H_SIGNER_NAME, tf.H_CA_NAME):
        return _wrapped_name(tag, name, length, tf.c_string(value), wrap)
    if tag == tf.H_SERIAL_NUMBER:
        return [_row(tag, name, length, _serial(value))]
    if tag == tf.H_SIGNATURE:
        # `%x` without leading zeros, 8 a line; "%-4x" gives the 2-3 spaces of seed 002.
        chunks = [value[i : i + 8] for i in range(0, len(value), 8)]
        return [_row(tag, name, length, "")] + [
            "".join("%-4x" % b for b in chunk).rstrip() for chunk in chunks
        ]
    return [_row(tag, name, length, "")]


def _record_row(tag: int, length: int, value: bytes, wrap: bool) -> List[str]:
    name = RECORD_NAMES.get(tag, "TAG%d" % tag)
    if tag == tf.R_RECORD_LENGTH:
        return [_row(tag, name, length, str(int.from_bytes(value, "big")))]
    if tag == tf.R_DNS_NAME:
        return [_row(tag, name, length, tf.c_string(value))]
    if tag in (tf.R_SUBJECT_NAME, tf.R_ISSUER_NAME):
        return _wrapped_name(tag, name, length, tf.c_string(value), wrap)
    if tag == tf.R_FUNCTION:
        code = int.from_bytes(value, "big")
        return [_row(tag, name, length, tf.FUNCTION_NAMES.get(code, str(code)))]
    if tag == tf.R_SERIAL_NUMBER:
        return [_row(tag, name, length, _serial(value))]
    if tag == tf.R_CERTIFICATE:
        return _wrapped_hex(tag, name, length, hashlib.sha1(value).digest(), SHA1_SUFFIX, wrap)
    if tag == tf.R_CERT_HASH:
        return _wrapped_hex(tag, name, length, value, "", wrap)
    if tag == tf.R_HASH_ALGORITHM:
        code = value[0] if value else None
        return [_row(tag, name, length, tf.DIGEST_NAMES.get(code, str(code)))]
    return [_row(tag, name, length, "")]


def _row(tag: int, name: str, length: int, value: str) -> str:
    return "%d\t%s\t%d\t%s" % (tag, name, length, value)


def _wrapped_name(tag: int, name: str, length: int, text: str, wrap: bool) -> List[str]:
    if not wrap:
        return [_row(tag, name, length, text)]
    pieces, current = [], ""
    for part in text.split(";"):
        candidate = part if not current else current + ";" + part
        if current and len(candidate) + 1 > WRAP_NAME_WIDTH:
            pieces.append(current + ";")
            current = part
        else:
            current = candidate
    pieces.append(current)
    return [_row(tag, name, length, pieces[0])] + [CONTINUATION + piece for piece in pieces[1:]]


def _wrapped_hex(tag: int, name: str, length: int, digest: bytes, suffix: str, wrap: bool) -> List[str]:
    words = ["%02X" % b for b in digest] + ([suffix] if suffix else [])
    if not wrap or len(words) <= WRAP_HEX_BYTES:
        return [_row(tag, name, length, " ".join(words))]
    return [
        _row(tag, name, length, " ".join(words[:WRAP_HEX_BYTES])),
        CONTINUATION + " ".join(words[WRAP_HEX_BYTES:]),
    ]


def _serial(value: bytes) -> str:
    return ":".join("%02X" % b for b in value)


def _failure(label: str) -> List[str]:
    if label == "ITL":
        return ["Verification of the ITL file failed.", "Error parsing the ITL file!!"]
    # GUESSED: the CTL wording of a failed verification (no transcript).
    return ["Verification of the CTL file failed.", "Error parsing the CTL File."]


def _cli_date(mtime: datetime.datetime, tz_name: Optional[str]) -> str:
    """`date` style, e.g. `Wed Feb 26 10:24:27 PST 2014`."""
    when = mtime
    if tz_name and ZoneInfo is not None:
        try:
            when = mtime.astimezone(ZoneInfo(tz_name))
        except ZoneInfoNotFoundError:
            pass
    return when.strftime("%a %b %d %H:%M:%S ") + (when.strftime("%Z") or "UTC") + when.strftime(" %Y")


def _text(lines: List[str]) -> str:
    return "\n".join(lines) + "\n"
