# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The binary ``ITLFile.tlv`` / ``CTLFile.tlv`` a phone downloads (TFTP, HTTP port 6970), read,
verified and compared with what ``show itl`` / ``show ctl`` print for the same node.

The format (both files share it): a header of TLVs (1-byte tag, 2-byte big-endian length,
value; tag 0x0D is a lone padding byte), ``HEADERLENGTH`` bytes long, then records until the
end of the file, each starting with ``RECORDLENGTH`` (the size of the whole record). Header
tags 3 (SIGNERID), 7 (SIGNATUREINFO) and 9 (SIGNATUREALGOINFO) are containers whose length is
the sum of the TLVs they hold. The file is signed with RSA PKCS#1 v1.5 over every byte except
the SIGNATURE TLV; the signer is the SAST record whose serial number and issuer the header names.

``parse_trust_file(data)`` -> dict (JSON-able; certificates as offsets, see
``certificate_der``)::

    version, header_length, signer_version (tag 0x1C, else None),
    signer {subject, serial ("AA:BB:.."), issuer} or None, digest ("sha1", "sha256",
    "sha512" or None) and digest_code, signature_algorithm (tag 10 code), key_size (bits,
    from SIGNATUREMODULUS), signature {offset (the SIGNATURE TLV), value_offset, length,
    hex} or None, filename, timestamp (ISO 8601 UTC, from a 4-byte TIMESTAMP) and
    timestamp_epoch, padding (0x0D bytes), header_tlvs [{tag, name, offset, length}],
    unknown_tags [{tag, offset, length, hex}], size, md5, sha1, sha256 (of the whole file,
    lower-case hex),
    records [{index (from 1, like the CLI), offset, length, function (the CLI's text, None
    for a code it has no known text for), function_code, dns_name, subject, issuer, serial,
    public_key_length, signature_length, certificate_offset (first DER byte),
    certificate_length, certificate_sha1 (lower-case hex, as parse_show_itl gives it),
    cert_hash (lower-case hex), hash_algorithm, ip, tags, tlvs [{tag, name, offset,
    length}], unknown_tags}]

A value whose TLV is absent is None. Unknown tags are kept, never fatal (phones skip them).
Structure that cannot be read raises ``TrustFileError(reason, offset)``: ``str()`` ends with
"at byte offset N", N being where the faulty TLV or record starts.

``verify_trust_file(data, parsed=None)`` -> ``{verified, signer_record, digest, reason, offset}``.
``compare_with_cli(parsed_binary, parsed_cli, verification=None)`` -> list of differences
``{what, record, offset, binary, cli, message}``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import binascii
import datetime
import hashlib

try:
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.x509 import load_der_x509_certificate

    HAS_CRYPTOGRAPHY = True
except ImportError:  # pragma: no cover - verify_trust_file says so
    HAS_CRYPTOGRAPHY = False

PADDING = 0x0D
TAG_VERSION = 1
TAG_HEADER_LENGTH = 2
TAG_SIGNER_ID = 3
TAG_SIGNER_NAME = 4
TAG_SERIAL_NUMBER = 5
TAG_CA_NAME = 6
TAG_SIGNATURE_INFO = 7
TAG_DIGEST_ALGORITHM = 8
TAG_SIGNATURE_ALGO_INFO = 9
TAG_SIGNATURE_ALGORITHM = 10
TAG_SIGNATURE_MODULUS = 11
TAG_SIGNATURE = 12
TAG_FILENAME = 14
TAG_TIMESTAMP = 15
TAG_SIGNER_VERSION = 0x1C

# Header tag -> name (the CLI's spelling) and the container it belongs in (None: top level).
HEADER_TAGS = {
    TAG_VERSION: ("VERSION", None),
    TAG_HEADER_LENGTH: ("HEADERLENGTH", None),
    TAG_SIGNER_ID: ("SIGNERID", None),
    TAG_SIGNER_NAME: ("SIGNERNAME", TAG_SIGNER_ID),
    TAG_SERIAL_NUMBER: ("SERIALNUMBER", TAG_SIGNER_ID),
    TAG_CA_NAME: ("CANAME", TAG_SIGNER_ID),
    TAG_SIGNATURE_INFO: ("SIGNATUREINFO", None),
    TAG_DIGEST_ALGORITHM: ("DIGESTALGORTITHM", TAG_SIGNATURE_INFO),
    TAG_SIGNATURE_ALGO_INFO: ("SIGNATUREALGOINFO", TAG_SIGNATURE_INFO),
    TAG_SIGNATURE_ALGORITHM: ("SIGNATUREALGORTITHM", TAG_SIGNATURE_ALGO_INFO),
    TAG_SIGNATURE_MODULUS: ("SIGNATUREMODULUS", TAG_SIGNATURE_ALGO_INFO),
    TAG_SIGNATURE: ("SIGNATURE", None),
    TAG_FILENAME: ("FILENAME", None),
    TAG_TIMESTAMP: ("TIMESTAMP", None),
    TAG_SIGNER_VERSION: ("SIGNERVERSION", None),
}
CONTAINERS = (TAG_SIGNER_ID, TAG_SIGNATURE_INFO, TAG_SIGNATURE_ALGO_INFO)

R_LENGTH = 1
R_DNS_NAME = 2
R_SUBJECT = 3
R_FUNCTION = 4
R_ISSUER = 5
R_SERIAL = 6
R_PUBLIC_KEY = 7
R_SIGNATURE = 8
R_CERTIFICATE = 9
R_IP_ADDRESS = 10
R_CERT_HASH = 11
R_HASH_ALGORITHM = 12
RECORD_TAGS = {
    R_LENGTH: "RECORDLENGTH",
    R_DNS_NAME: "DNSNAME",
    R_SUBJECT: "SUBJECTNAME",
    R_FUNCTION: "FUNCTION",
    R_ISSUER: "ISSUERNAME",
    R_SERIAL: "SERIALNUMBER",
    R_PUBLIC_KEY: "PUBLICKEY",
    R_SIGNATURE: "SIGNATURE",
    R_CERTIFICATE: "CERTIFICATE",
    R_IP_ADDRESS: "IPADDRESS",
    R_CERT_HASH: "CERTHASH",
    R_HASH_ALGORITHM: "HASH ALGORITHM",
}

FUNCTION_SAST = 0
# FUNCTION code -> what show itl / show ctl print. Codes whose CLI text no source shows (SRST 5,
# APP-SERVER 7, anything else) read as None, with function_code kept.
FUNCTIONS = {
    FUNCTION_SAST: "System Administrator Security Token",
    1: "CCM",
    2: "CCM+TFTP",
    3: "TFTP",
    4: "CAPF",
    21: "TVS",
}
# DIGESTALGORTITHM / HASH ALGORITHM code -> digest (2 is named by one source only).
DIGESTS = {1: "sha1", 2: "sha256", 3: "sha512"}
# SIGNATUREMODULUS code -> RSA key size in bits.
KEY_SIZES = {0: 512, 1: 1024, 2: 2048, 3: 4096}

_TLV_PREFIX = 3


class TrustFileError(ValueError):
    """A trust file whose structure cannot be read; ``offset`` is where the fault starts."""

    def __init__(self, reason, offset):
        self.reason = reason
        self.offset = offset
        super(TrustFileError, self).__init__("%s at byte offset %d" % (reason, offset))


def _u16(buf, offset):
    return (buf[offset] << 8) | buf[offset + 1]


def _uint(value):
    number = 0
    for byte in bytearray(value):
        number = (number << 8) | byte
    return number


def _hex(value):
    return binascii.hexlify(bytes(value)).decode("ascii")


def _text(value):
    """A NUL-terminated string as the CLI prints it (up to the first NUL)."""
    raw = bytes(value).split(b"\0", 1)[0]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _serial_text(value):
    return ":".join("%02X" % byte for byte in bytearray(value))


def _version_text(value):
    value = bytearray(value)
    return "%d.%d" % (value[0], value[1]) if len(value) == 2 else None


def _iso_time(seconds):
    moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _ip_text(value):
    value = bytearray(value)
    return ".".join(str(byte) for byte in value) if len(value) == 4 else None


def _header_name(tag):
    return HEADER_TAGS[tag][0] if tag in HEADER_TAGS else "tag %d" % tag


def _record_name(tag):
    return RECORD_TAGS.get(tag, "tag %d" % tag)


def _tlv_bounds(buf, offset, limit, name, where):
    """(tag, length, value start, end) of the TLV at ``offset``, which must end by ``limit``."""
    if offset + _TLV_PREFIX > limit:
        raise TrustFileError("%s: tag and length cut short by %s" % (name, where), offset)
    length = _u16(buf, offset + 1)
    end = offset + _TLV_PREFIX + length
    if end > limit:
        raise TrustFileError(
            "%s (length %d) runs %d bytes past %s" % (name, length, end - limit, where), offset)
    return buf[offset], length, offset + _TLV_PREFIX, end


def _read_start(buf):
    size = len(buf)
    if size < 5 or buf[0] != TAG_VERSION or _u16(buf, 1) != 2:
        raise TrustFileError("no VERSION (tag 1, length 2) at the start of the file", 0)
    if size < 10 or buf[5] != TAG_HEADER_LENGTH or _u16(buf, 6) != 2:
        raise TrustFileError("no HEADERLENGTH (tag 2, length 2) after VERSION", 5)
    header_length = _u16(buf, 8)
    if header_length < 10:
        raise TrustFileError("HeaderLength %d is shorter than VERSION and HEADERLENGTH" % header_length, 5)
    if header_length > size:
        raise TrustFileError(
            "HeaderLength %d runs %d bytes past the end of the file" % (header_length, header_length - size), 5)
    return header_length


def _read_header(buf, header_length):
    """[(tag, offset, length, value or None for a container)], padding count."""
    tlvs = [(TAG_VERSION, 0, 2, bytes(buf[3:5])), (TAG_HEADER_LENGTH, 5, 2, bytes(buf[8:10]))]
    seen = set([TAG_VERSION, TAG_HEADER_LENGTH])
    open_containers = []  # [(tag, end)]
    padding = 0
    where_header = "the end of the header (HeaderLength %d)" % header_length
    offset = 10
    while True:
        while open_containers and offset == open_containers[-1][1]:
            open_containers.pop()
        if offset >= header_length:
            break
        parent = open_containers[-1][0] if open_containers else None
        tag = buf[offset]
        if tag == PADDING and parent is None:
            padding += 1
            offset += 1
            continue
        name = _header_name(tag)
        if tag in HEADER_TAGS:
            belongs = HEADER_TAGS[tag][1]
            if belongs != parent:
                if belongs is None:
                    reason = "%s is inside %s (its container length is wrong)" % (name, _header_name(parent))
                else:
                    reason = "%s is outside its container %s (a container length is wrong)" % (
                        name, _header_name(belongs))
                raise TrustFileError(reason, offset)
            if tag in seen:
                raise TrustFileError("second %s in the header" % name, offset)
            seen.add(tag)
        if parent is None:
            limit, where = header_length, where_header
        else:
            limit, where = open_containers[-1][1], "the end of its container %s" % _header_name(parent)
        tag, length, start, end = _tlv_bounds(buf, offset, limit, name, where)
        if tag in CONTAINERS:
            tlvs.append((tag, offset, length, None))
            open_containers.append((tag, end))
            offset = start
            continue
        tlvs.append((tag, offset, length, bytes(buf[start:end])))
        offset = end
    return tlvs, padding


def _read_records(buf, header_length):
    """[(offset, length, [(tag, offset, length, value)])] from HeaderLength to the end."""
    size = len(buf)
    records = []
    offset = header_length
    while offset < size:
        index = len(records) + 1
        if offset + 5 > size or buf[offset] != R_LENGTH or _u16(buf, offset + 1) != 2:
            raise TrustFileError("record %d does not start with RECORDLENGTH (tag 1, length 2)" % index, offset)
        length = _u16(buf, offset + 3)
        if length < 5:
            raise TrustFileError("record %d: RECORDLENGTH %d is shorter than its own TLV" % (index, length), offset)
        end = offset + length
        if end > size:
            raise TrustFileError(
                "record %d (RECORDLENGTH %d, %d bytes missing) runs past the end of the file"
                % (index, length, end - size), offset)
        tlvs = [(R_LENGTH, offset, 2, bytes(buf[offset + 3:offset + 5]))]
        position = offset + 5
        where = "the end of record %d (RECORDLENGTH %d)" % (index, length)
        while position < end:
            name = "record %d: %s" % (index, _record_name(buf[position]))
            tag, value_length, start, value_end = _tlv_bounds(buf, position, end, name, where)
            tlvs.append((tag, position, value_length, bytes(buf[start:value_end])))
            position = value_end
        records.append((offset, length, tlvs))
        offset = end
    return records


def _tlv_list(tlvs, names):
    return [{"tag": tag, "name": names(tag), "offset": offset, "length": length}
            for tag, offset, length, _value in tlvs]


def _unknown(tlvs, known):
    return [{"tag": tag, "offset": offset, "length": length, "hex": _hex(value) if value is not None else None}
            for tag, offset, length, value in tlvs if tag not in known]


def _record_result(index, offset, length, tlvs):
    first = {}
    for tlv in tlvs:
        first.setdefault(tlv[0], tlv)

    def value(tag, convert):
        return convert(first[tag][3]) if tag in first else None

    function_code = value(R_FUNCTION, _uint)
    certificate = first.get(R_CERTIFICATE)
    hash_code = value(R_HASH_ALGORITHM, _uint)
    return {
        "index": index,
        "offset": offset,
        "length": length,
        "function": FUNCTIONS.get(function_code),
        "function_code": function_code,
        "dns_name": value(R_DNS_NAME, _text),
        "subject": value(R_SUBJECT, _text),
        "issuer": value(R_ISSUER, _text),
        "serial": value(R_SERIAL, _serial_text),
        "public_key_length": value(R_PUBLIC_KEY, len),
        "signature_length": value(R_SIGNATURE, len),
        "certificate_offset": certificate[1] + _TLV_PREFIX if certificate else None,
        "certificate_length": certificate[2] if certificate else None,
        "certificate_sha1": hashlib.sha1(certificate[3]).hexdigest() if certificate else None,
        "cert_hash": value(R_CERT_HASH, _hex),
        "hash_algorithm": DIGESTS.get(hash_code) if hash_code is not None else None,
        "ip": value(R_IP_ADDRESS, _ip_text),
        "tags": [tlv[0] for tlv in tlvs],
        "tlvs": _tlv_list(tlvs, _record_name),
        "unknown_tags": _unknown(tlvs, RECORD_TAGS),
    }


def parse_trust_file(data):
    """The bytes of an ITLFile.tlv / CTLFile.tlv -> dict (module docstring); TrustFileError."""
    buf = bytearray(data)
    data = bytes(buf)
    header_length = _read_start(buf)
    header, padding = _read_header(buf, header_length)
    records = _read_records(buf, header_length)

    values = dict((tag, (offset, length, value)) for tag, offset, length, value in header)

    def value(tag, convert):
        return convert(values[tag][2]) if tag in values and values[tag][2] is not None else None

    signer = None
    if any(tag in values for tag in (TAG_SIGNER_NAME, TAG_SERIAL_NUMBER, TAG_CA_NAME)):
        signer = {
            "subject": value(TAG_SIGNER_NAME, _text),
            "serial": value(TAG_SERIAL_NUMBER, _serial_text),
            "issuer": value(TAG_CA_NAME, _text),
        }
    signature = None
    if TAG_SIGNATURE in values:
        offset, length, raw = values[TAG_SIGNATURE]
        signature = {"offset": offset, "value_offset": offset + _TLV_PREFIX, "length": length, "hex": _hex(raw)}
    digest_code = value(TAG_DIGEST_ALGORITHM, _uint)
    modulus = value(TAG_SIGNATURE_MODULUS, _uint)
    epoch = value(TAG_TIMESTAMP, _uint) if values.get(TAG_TIMESTAMP, (0, 0))[1] == 4 else None
    return {
        "version": value(TAG_VERSION, _version_text),
        "header_length": header_length,
        "signer_version": value(TAG_SIGNER_VERSION, _version_text),
        "signer": signer,
        "digest": DIGESTS.get(digest_code),
        "digest_code": digest_code,
        "signature_algorithm": value(TAG_SIGNATURE_ALGORITHM, _uint),
        "key_size": KEY_SIZES.get(modulus),
        "signature": signature,
        "filename": value(TAG_FILENAME, _text),
        "timestamp": _iso_time(epoch) if epoch is not None else None,
        "timestamp_epoch": epoch,
        "padding": padding,
        "header_tlvs": _tlv_list(header, _header_name),
        "unknown_tags": _unknown(header, HEADER_TAGS),
        "size": len(data),
        "md5": hashlib.md5(data).hexdigest(),
        "sha1": hashlib.sha1(data).hexdigest(),
        "sha256": hashlib.sha256(data).hexdigest(),
        "records": [_record_result(index + 1, offset, length, tlvs)
                    for index, (offset, length, tlvs) in enumerate(records)],
    }


def _tlv_value(data, tlv):
    start = tlv["offset"] + _TLV_PREFIX
    return bytes(bytearray(data)[start:start + tlv["length"]])


def certificate_der(data, record):
    """The DER certificate of ``record`` (an entry of ``parse_trust_file(data)["records"]``),
    or None for a record without CERTIFICATE."""
    if record.get("certificate_offset") is None:
        return None
    start = record["certificate_offset"]
    return bytes(bytearray(data)[start:start + record["certificate_length"]])


def _header_offset(parsed, tag):
    for tlv in parsed["header_tlvs"]:
        if tlv["tag"] == tag:
            return tlv["offset"]
    return None


def _serial_bytes(text):
    """"AA:BB:.." (1 or 2 digits a byte) -> [ints], None when it is not a serial."""
    if text is None:
        return None
    try:
        return [int(part, 16) for part in text.split(":")]
    except ValueError:
        return None


def _is_signer(record, signer):
    """A SAST record whose serial (and issuer, when both name one) are the header's signer's."""
    if signer is None or record["function_code"] != FUNCTION_SAST or record["serial"] is None:
        return False
    serial = _serial_bytes(record["serial"])
    if not serial or serial != _serial_bytes(signer["serial"]):
        return False
    return signer["issuer"] is None or record["issuer"] is None or record["issuer"] == signer["issuer"]


def signer_records(parsed):
    """Indexes of the SAST records matching the header's signer (the CLI's "This etoken was used")."""
    return [record["index"] for record in parsed["records"] if _is_signer(record, parsed["signer"])]


_HASHES = {"sha1": "SHA1", "sha256": "SHA256", "sha512": "SHA512"}


class _Failure(Exception):
    def __init__(self, reason, offset=None):
        super(_Failure, self).__init__(reason)
        self.reason = reason
        self.offset = offset


def _signer_record(parsed):
    signer = parsed["signer"]
    if signer is None or signer["serial"] is None:
        raise _Failure("the header names no signer (SIGNERID with SERIALNUMBER)", _header_offset(parsed, TAG_SIGNER_ID))
    matching = [record for record in parsed["records"] if _is_signer(record, signer)]
    if matching:
        return matching[0]
    same_serial = [record for record in parsed["records"]
                   if record["function_code"] == FUNCTION_SAST
                   and _serial_bytes(record["serial"]) == _serial_bytes(signer["serial"])]
    if same_serial:
        record = same_serial[0]
        reason = "SAST record %d has the signer's serial %s but issuer %r where the header says %r: " \
            "no SAST record matches the signer" % (
                record["index"], signer["serial"], record["issuer"], signer["issuer"])
        raise _Failure(reason, record["offset"])
    raise _Failure("no SAST record matches the header's signer (serial %s, issuer %r)"
                   % (signer["serial"], signer["issuer"]), _header_offset(parsed, TAG_SERIAL_NUMBER))


def _signer_key(data, parsed, record):
    """The signer certificate's RSA public key, checked against the record and the header."""
    der = certificate_der(data, record)
    if der is None:
        raise _Failure("the signer's SAST record %d has no certificate" % record["index"], record["offset"])
    try:
        cert = load_der_x509_certificate(der)
        serial, key = cert.serial_number, cert.public_key()
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise _Failure("the certificate of SAST record %d does not load (%s)" % (record["index"], exc),
                       record["certificate_offset"])
    if serial != _uint(bytearray(_serial_bytes(record["serial"]))):
        raise _Failure("the certificate of SAST record %d has another serial number than its SERIALNUMBER %s"
                       % (record["index"], record["serial"]), record["certificate_offset"])
    if not isinstance(key, rsa.RSAPublicKey):
        raise _Failure("the certificate of SAST record %d has no RSA key" % record["index"],
                       record["certificate_offset"])
    for tlv in record["tlvs"]:
        if tlv["tag"] == R_PUBLIC_KEY:
            pkcs1 = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
            if _tlv_value(data, tlv) != pkcs1:
                raise _Failure("PUBLICKEY of SAST record %d is not the key of its certificate" % record["index"],
                               tlv["offset"])
            break
    return key


def _check_consistency(parsed, key):
    """Section 8 step 8 of the format: signature size, SIGNATUREMODULUS, header alignment."""
    signature = parsed["signature"]
    key_bytes = (key.key_size + 7) // 8
    if signature["length"] != key_bytes:
        raise _Failure("the signature is %d bytes, the signer's %d-bit key makes %d"
                       % (signature["length"], key.key_size, key_bytes), signature["offset"])
    if parsed["key_size"] != key.key_size:
        raise _Failure("SIGNATUREMODULUS (code %r) does not say %d bits, the signer's key size"
                       % (_modulus_code(parsed), key.key_size), _header_offset(parsed, TAG_SIGNATURE_MODULUS))
    if parsed["header_length"] % 4:
        raise _Failure("HeaderLength %d is not a multiple of 4" % parsed["header_length"], 5)


def _modulus_code(parsed):
    for code, bits in KEY_SIZES.items():
        if bits == parsed["key_size"]:
            return code
    return None


def verify_trust_file(data, parsed=None):
    """Is ``data`` signed by the SAST record its header names? -> dict:

    ``verified`` bool; ``signer_record`` the index of that record (None when there is none);
    ``digest``; ``reason`` what was found, in words; ``offset`` the byte offset the reason is
    about (the SIGNATURE TLV when the signature does not verify), else None.
    ``parsed``: ``parse_trust_file(data)`` when the caller has it already.
    """
    data = bytes(bytearray(data))
    result = {"verified": False, "signer_record": None, "digest": None, "reason": None, "offset": None}
    if parsed is None:
        try:
            parsed = parse_trust_file(data)
        except TrustFileError as exc:
            result.update(reason=str(exc), offset=exc.offset)
            return result
    elif parsed["size"] != len(data) or parsed["sha256"] != hashlib.sha256(data).hexdigest():
        raise ValueError("parsed is not the parse of these bytes")
    result["digest"] = parsed["digest"]
    try:
        if not HAS_CRYPTOGRAPHY:
            raise _Failure("the cryptography Python library is required to verify a trust file")
        signature = parsed["signature"]
        if signature is None:
            raise _Failure("the header has no SIGNATURE")
        if parsed["digest"] is None:
            raise _Failure("unknown digest algorithm code %r in DIGESTALGORTITHM" % parsed["digest_code"],
                           _header_offset(parsed, TAG_DIGEST_ALGORITHM))
        record = _signer_record(parsed)
        result["signer_record"] = record["index"]
        key = _signer_key(data, parsed, record)
        _check_consistency(parsed, key)
        start, end = signature["offset"], signature["value_offset"] + signature["length"]
        value = data[signature["value_offset"]:end]
        algorithm = getattr(hashes, _HASHES[parsed["digest"]])()
        try:
            key.verify(value, data[:start] + data[end:], padding.PKCS1v15(), algorithm)
        except InvalidSignature:
            reason = "the signature (SIGNATURE at byte offset %d, %d bytes) does not verify with the " \
                "certificate of SAST record %d (%s)" % (start, signature["length"], record["index"], parsed["digest"])
            raise _Failure(reason, start)
    except _Failure as failure:
        result.update(reason=failure.reason, offset=failure.offset)
        return result
    result.update(verified=True, reason="signed with %s by SAST record %d (serial %s)"
                  % (parsed["digest"], record["index"], record["serial"]))
    return result


# -- the binary against the CLI -------------------------------------------------------------------

# Per-record fields: (binary key, CLI key, label, what the offset points at, how to compare).
def _same(value):
    return value


def _serial_key(value):
    return _serial_bytes(value) or value


def _digest_key(value):
    return value.replace("-", "").lower() if value is not None else None


_RECORD_FIELDS = (
    ("length", "length", "RECORDLENGTH", "record", _same),
    ("dns_name", "dns_name", "DNS name", R_DNS_NAME, _same),
    ("function", "function", "function", R_FUNCTION, _same),
    ("subject", "subject", "subject", R_SUBJECT, _same),
    ("issuer", "issuer", "issuer", R_ISSUER, _same),
    ("serial", "serial", "serial number", R_SERIAL, _serial_key),
    ("certificate_sha1", "certificate_sha1", "certificate hash", R_CERTIFICATE, _same),
    ("cert_hash", "cert_hash", "CERTHASH", R_CERT_HASH, _same),
    ("hash_algorithm", "hash_algorithm", "hash algorithm", R_HASH_ALGORITHM, _digest_key),
)


def _difference(what, binary, cli, record=None, offset=None, label=None, thing=None):
    where = "record %d " % record if record is not None else ""
    message = "%s%s differs" % (where, label or what)
    if offset is not None:
        message += ", %s at byte offset %d" % (thing, offset)
    message += ": binary %r, CLI %r" % (binary, cli)
    return {"what": what, "record": record, "offset": offset, "binary": binary, "cli": cli, "message": message}


def _record_offset(record, thing):
    if thing == "record":
        return record["offset"], "record"
    if thing == R_CERTIFICATE and record["certificate_offset"] is not None:
        return record["certificate_offset"], "certificate"
    for tlv in record["tlvs"]:
        if tlv["tag"] == thing:
            return tlv["offset"], tlv["name"]
    return None, None


def _compare_records(binary, cli):
    differences = []
    for record, printed in zip(binary["records"], cli["records"]):
        index = record["index"]
        for key, cli_key, label, thing, normal in _RECORD_FIELDS:
            value, shown = record[key], printed.get(cli_key)
            if shown is None or (key == "function" and value is None and record["function_code"] is not None):
                continue  # not printed; or a FUNCTION code whose CLI text nobody knows
            if normal(value) != normal(shown):
                offset, name = _record_offset(record, thing)
                differences.append(_difference(key, value, shown, index, offset, label, name))
        marked = printed.get("signer")
        if marked is not None and record["function_code"] == FUNCTION_SAST:
            signs = _is_signer(record, binary["signer"])
            if signs != marked:
                differences.append(_difference("signer", signs, marked, index, record["offset"],
                                               "signer sentence", "record"))
    return differences


def compare_with_cli(parsed_binary, parsed_cli, verification=None):
    """Differences between a trust file's bytes and the node's ``show itl`` / ``show ctl``.

    ``parsed_binary``: ``parse_trust_file``; ``parsed_cli``: ``parse_show_itl`` / ``parse_show_ctl``
    of the same node; ``verification``: ``verify_trust_file``, to compare with the CLI's
    verification line too. A field the CLI did not print is not compared. Returns a list of
    ``{what, record (index or None), offset (byte offset in the binary or None), binary, cli,
    message}``, empty when both say the same.
    """
    binary, cli = parsed_binary, parsed_cli
    if cli.get("present") is False:
        return [_difference("present", True, False, label="file presence")]
    differences = []
    for key, cli_key, label in (("size", "length", "file length"), ("md5", "md5", "MD5 checksum"),
                                ("sha1", "sha1", "SHA1 checksum")):
        if cli.get(cli_key) is not None and binary[key] != cli[cli_key]:
            differences.append(_difference(key, binary[key], cli[cli_key], label=label))
    if cli.get("version") is not None and binary["version"] != cli["version"]:
        differences.append(_difference("version", binary["version"], cli["version"], offset=0,
                                       label="version", thing="VERSION"))
    if cli.get("header_length") is not None and binary["header_length"] != cli["header_length"]:
        differences.append(_difference("header_length", binary["header_length"], cli["header_length"], offset=5,
                                       label="header length", thing="HEADERLENGTH"))
    signer, printed = binary["signer"] or {}, cli.get("signer") or {}
    for key, cli_key, tag, normal in (("subject", "name", TAG_SIGNER_NAME, _same),
                                      ("serial", "serial", TAG_SERIAL_NUMBER, _serial_key),
                                      ("issuer", "ca_name", TAG_CA_NAME, _same)):
        if printed.get(cli_key) is not None and normal(signer.get(key)) != normal(printed[cli_key]):
            differences.append(_difference("signer_" + key, signer.get(key), printed[cli_key],
                                           offset=_header_offset(binary, tag), label="signer " + key,
                                           thing=_header_name(tag)))
    signature = binary["signature"] or {}
    if cli.get("signature_hex") is not None and signature.get("hex") != cli["signature_hex"]:
        differences.append(_difference("signature", signature.get("hex"), cli["signature_hex"],
                                       offset=signature.get("offset"), label="signature", thing="SIGNATURE"))
    if len(binary["records"]) != len(cli.get("records") or []):
        differences.append(_difference("record_count", len(binary["records"]), len(cli.get("records") or []),
                                       label="record count"))
    differences += _compare_records(binary, cli)
    if verification is not None and cli.get("verified") is not None and verification["verified"] != cli["verified"]:
        differences.append(_difference("verified", verification["verified"], cli["verified"],
                                       offset=verification["offset"], label="verification", thing="the fault"))
    return differences
