"""The binary ITL/CTL format (`ITLFile.tlv`, `CTLFile.tlv`): build, parse, verify.

Implements shared/reference/trust-file-format.md sections 2-9:

* TLV = tag (1 byte), length (uint16 BE), value; header padding tag 0x0D has no length;
* header 1 VERSION, 2 HEADERLENGTH, 3 SIGNERID{4 SIGNERNAME, 5 SERIALNUMBER, 6 CANAME},
  7 SIGNATUREINFO{8 DIGEST, 9 SIGNATUREALGOINFO{10 ALGORITHM, 11 MODULUS}}, 12 SIGNATURE,
  14 FILENAME, 15 TIMESTAMP, then 0x0D padding to a multiple of 4;
* records follow until end of file, each starting with 1 RECORDLENGTH (which counts itself);
* the RSA PKCS#1 v1.5 signature covers the whole file minus the SIGNATURE TLV.

Pure format: which records a CUCM release writes is trustbuild.py's job.
"""

from __future__ import annotations

import datetime
import ipaddress
import struct
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple, Union

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from . import pki
from .model import Identity

FORMAT_VERSION = b"\x01\x02"  # printed as `Version: 1.2`

# Header tags (section 3).
H_VERSION = 1
H_HEADER_LENGTH = 2
H_SIGNER_ID = 3
H_SIGNER_NAME = 4
H_SERIAL_NUMBER = 5
H_CA_NAME = 6
H_SIGNATURE_INFO = 7
H_DIGEST_ALGORITHM = 8
H_SIGNATURE_ALGO_INFO = 9
H_SIGNATURE_ALGORITHM = 10
H_SIGNATURE_MODULUS = 11
H_SIGNATURE = 12
H_PADDING = 13
H_FILENAME = 14
H_TIMESTAMP = 15
HEADER_CONTAINERS = (H_SIGNER_ID, H_SIGNATURE_INFO, H_SIGNATURE_ALGO_INFO)

# Record tags (section 5).
R_RECORD_LENGTH = 1
R_DNS_NAME = 2
R_SUBJECT_NAME = 3
R_FUNCTION = 4
R_ISSUER_NAME = 5
R_SERIAL_NUMBER = 6
R_PUBLIC_KEY = 7
R_SIGNATURE = 8
R_CERTIFICATE = 9
R_IP_ADDRESS = 10
R_CERT_HASH = 11
R_HASH_ALGORITHM = 12

# FUNCTION codes (section 6.6) and how the CLI names them.
FUNCTION_SAST = 0
FUNCTION_CCM = 1
FUNCTION_CCM_TFTP = 2
FUNCTION_TFTP = 3
FUNCTION_CAPF = 4
FUNCTION_TVS = 21
FUNCTION_NAMES = {
    FUNCTION_SAST: "System Administrator Security Token",
    FUNCTION_CCM: "CCM",
    FUNCTION_CCM_TFTP: "CCM+TFTP",
    FUNCTION_TFTP: "TFTP",
    FUNCTION_CAPF: "CAPF",
    FUNCTION_TVS: "TVS",
}
FUNCTION_CODES = {name: code for code, name in FUNCTION_NAMES.items()}

# Digest codes (section 6.7): header tag 8 and record tag 12.
DIGEST_SHA1 = 1
DIGEST_SHA512 = 3
DIGEST_CODES = {"sha1": DIGEST_SHA1, "sha512": DIGEST_SHA512}
DIGEST_NAMES = {DIGEST_SHA1: "SHA-1", DIGEST_SHA512: "SHA-512"}
_HASHES = {DIGEST_SHA1: hashes.SHA1, DIGEST_SHA512: hashes.SHA512}

# SIGNATUREMODULUS: RSA key size index.
MODULUS_CODES = {512: 0, 1024: 1, 2048: 2, 4096: 3}

TLV = Tuple[int, int, bytes]  # (tag, length, value)


class TrustFileError(ValueError):
    """Bytes that are not a well-formed trust file, or inputs that cannot make one."""


@dataclass
class RecordSpec:
    """One record to build.

    cert=None         certificate-less placeholder: only RECORDLENGTH, DNSNAME, FUNCTION,
                      IPADDRESS (section 5 shape 3; DNSNAME then holds the server's IP string).
    hash_only         CERTHASH (SHA-1 of the DER) + HASH ALGORITHM instead of CERTIFICATE and
                      IPADDRESS (the ITL's TVS/CAPF records in seeds 000/001).
    include_signature False for records written by the Windows CTL client (eTokens).
    ip                IPADDRESS value; None leaves the TLV out (ITL records in seeds 000/001).
    subject, issuer   name strings overriding the certificate's (default: the CUCM rendering).
    """

    function: int
    dns_name: str = ""
    cert: Optional[Union[x509.Certificate, Identity]] = None
    hash_only: bool = False
    include_signature: bool = True
    ip: Optional[str] = "0.0.0.0"
    subject: Optional[str] = None
    issuer: Optional[str] = None


@dataclass
class ParsedRecord:
    length: int  # RECORDLENGTH
    tlvs: List[TLV]  # in file order, RECORDLENGTH included

    def value(self, tag: int) -> Optional[bytes]:
        """The first value with this tag (None when absent)."""
        return next((item[2] for item in self.tlvs if item[0] == tag), None)

    def length_of(self, tag: int) -> Optional[int]:
        return next((item[1] for item in self.tlvs if item[0] == tag), None)

    @property
    def tags(self) -> List[int]:
        return [item[0] for item in self.tlvs]

    @property
    def lengths(self) -> List[int]:
        """LENGTH of every TLV in file order (RECORDLENGTH's is 2)."""
        return [item[1] for item in self.tlvs]

    @property
    def function(self) -> Optional[int]:
        raw = self.value(R_FUNCTION)
        return struct.unpack(">H", raw)[0] if raw and len(raw) == 2 else None

    @property
    def function_name(self) -> Optional[str]:
        code = self.function
        return None if code is None else FUNCTION_NAMES.get(code, "Unknown(%d)" % code)

    @property
    def dns_name(self) -> Optional[str]:
        return c_string(self.value(R_DNS_NAME))

    @property
    def subject(self) -> Optional[str]:
        return c_string(self.value(R_SUBJECT_NAME))

    @property
    def issuer(self) -> Optional[str]:
        return c_string(self.value(R_ISSUER_NAME))

    @property
    def serial(self) -> Optional[bytes]:
        return self.value(R_SERIAL_NUMBER)

    @property
    def certificate(self) -> Optional[bytes]:
        return self.value(R_CERTIFICATE)

    @property
    def cert_hash(self) -> Optional[bytes]:
        return self.value(R_CERT_HASH)

    @property
    def hash_algorithm(self) -> Optional[int]:
        raw = self.value(R_HASH_ALGORITHM)
        return raw[0] if raw else None

    @property
    def public_key_length(self) -> Optional[int]:
        return self.length_of(R_PUBLIC_KEY)

    @property
    def signature_length(self) -> Optional[int]:
        return self.length_of(R_SIGNATURE)


@dataclass
class ParsedTrustFile:
    version: str  # "1.2"
    header_length: int
    signer_name: Optional[str]
    signer_serial: Optional[bytes]
    ca_name: Optional[str]
    digest_code: Optional[int]
    modulus_code: Optional[int]
    signature: bytes
    filename: Optional[str]
    timestamp: Optional[int]  # Unix seconds (TIMESTAMP tag)
    header_tlvs: List[TLV]  # file order, padding left out; containers carry their nested bytes
    records: List[ParsedRecord]
    signature_offset: int = 0  # where the SIGNATURE TLV starts
    data: bytes = field(default=b"", repr=False)

    def header_length_of(self, tag: int) -> Optional[int]:
        """LENGTH of a header TLV (for containers: the size of what they nest)."""
        return next((item[1] for item in self.header_tlvs if item[0] == tag), None)

    @property
    def signed_bytes(self) -> bytes:
        """The file without its SIGNATURE TLV: what the signature covers (section 7)."""
        end = self.signature_offset + 3 + len(self.signature)
        return self.data[: self.signature_offset] + self.data[end:]

    @property
    def timestamp_datetime(self) -> Optional[datetime.datetime]:
        if self.timestamp is None:
            return None
        return datetime.datetime.fromtimestamp(self.timestamp, datetime.timezone.utc)


# ---------------------------------------------------------------------------------------------
# Encoding helpers


def tlv(tag: int, value: bytes) -> bytes:
    if len(value) > 0xFFFF:
        raise TrustFileError("TLV %d too long (%d bytes)" % (tag, len(value)))
    return struct.pack(">BH", tag, len(value)) + value


def container(tag: int, nested: bytes) -> bytes:
    """Containers' length is the size of the TLVs nested in them, which follow directly."""
    return struct.pack(">BH", tag, len(nested)) + nested


def c_bytes(text: str) -> bytes:
    """NUL-terminated string; the empty string is a lone NUL (no zero-length TLVs)."""
    return text.encode("utf-8") + b"\x00"


def c_string(value: Optional[bytes]) -> Optional[str]:
    """A NUL-terminated value as the CLI prints it: up to the first NUL."""
    if value is None:
        return None
    return value.split(b"\x00", 1)[0].decode("utf-8", errors="replace")


def serial_bytes(serial: int) -> bytes:
    """Serial as minimal unsigned big-endian bytes, no DER sign byte (section 6.2)."""
    return serial.to_bytes(max(1, (serial.bit_length() + 7) // 8), "big")


def pkcs1_public_key(cert: x509.Certificate) -> bytes:
    """PUBLICKEY: DER RSAPublicKey (140 bytes for 1024-bit, 270 for 2048-bit)."""
    return cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.PKCS1
    )


def ipv4_bytes(ip: str) -> bytes:
    # GUESSED: network byte order; the CLI never prints the value (section 6.5).
    return ipaddress.IPv4Address(ip).packed


def cert_der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


# ---------------------------------------------------------------------------------------------
# Build


def build_record(spec: RecordSpec) -> bytes:
    """One record, RECORDLENGTH first (section 7 `build_record`)."""
    function = tlv(R_FUNCTION, struct.pack(">H", spec.function))
    ip = tlv(R_IP_ADDRESS, ipv4_bytes(spec.ip)) if spec.ip is not None else b""
    if spec.cert is None:
        fields = tlv(R_DNS_NAME, c_bytes(spec.dns_name)) + function + ip
    else:
        cert = _certificate(spec.cert)
        identity = spec.cert if isinstance(spec.cert, Identity) else None
        subject = spec.subject or (pki.subject_text(identity) if identity else pki.dn_string(cert.subject))
        issuer = spec.issuer or (pki.issuer_text(identity) if identity else pki.dn_string(cert.issuer))
        fields = (
            tlv(R_DNS_NAME, c_bytes(spec.dns_name))
            + tlv(R_SUBJECT_NAME, c_bytes(subject))
            + function
            + tlv(R_ISSUER_NAME, c_bytes(issuer))
            + tlv(R_SERIAL_NUMBER, serial_bytes(cert.serial_number))
            + tlv(R_PUBLIC_KEY, pkcs1_public_key(cert))
        )
        if spec.include_signature:
            fields += tlv(R_SIGNATURE, cert.signature)
        if spec.hash_only:
            digest = hashes.Hash(hashes.SHA1())
            digest.update(cert_der(cert))
            fields += tlv(R_CERT_HASH, digest.finalize()) + tlv(R_HASH_ALGORITHM, bytes([DIGEST_SHA1]))
        else:
            fields += tlv(R_CERTIFICATE, cert_der(cert)) + ip
    return tlv(R_RECORD_LENGTH, struct.pack(">H", 5 + len(fields))) + fields


def build_trust_file(
    records: Sequence[RecordSpec],
    signer: Identity,
    filename: str,
    *,
    digest: str = "sha1",
    timestamp: Union[None, int, datetime.datetime] = None,
) -> bytes:
    """A signed ITL/CTL file. The signer must be among the records as a SAST record."""
    if not any(_is_sast_record_of(spec, signer) for spec in records):
        raise TrustFileError(
            "signer %s is not in the file as a SAST record" % pki.subject_text(signer)
        )
    body = b"".join(build_record(spec) for spec in records)
    return sign_records(body, signer, filename, digest=digest, timestamp=timestamp)


def sign_records(
    body: bytes,
    signer: Identity,
    filename: str,
    *,
    digest: str = "sha1",
    timestamp: Union[None, int, datetime.datetime] = None,
    version: bytes = FORMAT_VERSION,
) -> bytes:
    """A new header signed by `signer` over records already encoded (`body`).

    This is how `utils itl reset` re-signs an existing ITL's content. Unlike
    `build_trust_file` it does not insist that the signer is among the records: CUCM signs with
    whatever key it is told to, and such a file then fails verification. `version`: the
    VERSION value (a `.sgn` envelope says 1.0, section 11; see sgn.py).
    """
    if not isinstance(signer.key, rsa.RSAPrivateKey):
        raise TrustFileError("trust files are signed with RSA keys only")
    if digest not in DIGEST_CODES:
        raise TrustFileError("unknown digest %r (known: %s)" % (digest, ", ".join(DIGEST_CODES)))
    key_bits = signer.key.key_size
    if key_bits not in MODULUS_CODES:
        raise TrustFileError("unsupported RSA key size %d" % key_bits)
    signature_length = key_bits // 8

    signer_block = (
        tlv(H_SIGNER_NAME, c_bytes(pki.subject_text(signer)))
        + tlv(H_SERIAL_NUMBER, serial_bytes(signer.cert.serial_number))
        + tlv(H_CA_NAME, c_bytes(pki.issuer_text(signer)))
    )
    algorithm_block = tlv(H_SIGNATURE_ALGORITHM, b"\x00") + tlv(
        H_SIGNATURE_MODULUS, bytes([MODULUS_CODES[key_bits]])
    )
    signature_info = tlv(H_DIGEST_ALGORITHM, bytes([DIGEST_CODES[digest]])) + container(
        H_SIGNATURE_ALGO_INFO, algorithm_block
    )
    after_signature = tlv(H_FILENAME, c_bytes(filename)) + tlv(
        H_TIMESTAMP, struct.pack(">I", _unix_time(timestamp))
    )

    def part_a(header_length: int) -> bytes:
        return (
            tlv(H_VERSION, version)
            + tlv(H_HEADER_LENGTH, struct.pack(">H", header_length))
            + container(H_SIGNER_ID, signer_block)
            + container(H_SIGNATURE_INFO, signature_info)
        )

    unpadded = len(part_a(0)) + 3 + signature_length + len(after_signature)
    pad = (4 - unpadded % 4) % 4
    after_signature += bytes([H_PADDING]) * pad
    header_length = unpadded + pad
    head = part_a(header_length)

    signature = signer.key.sign(
        head + after_signature + body, padding.PKCS1v15(), _HASHES[DIGEST_CODES[digest]]()
    )
    return head + tlv(H_SIGNATURE, signature) + after_signature + body


# ---------------------------------------------------------------------------------------------
# Parse and verify


def parse_trust_file(data: bytes) -> ParsedTrustFile:
    """Parse a .tlv trust file (section 8 steps 1-4); `TrustFileError` on corruption."""
    if len(data) < 10 or data[0] != H_VERSION or data[1:3] != b"\x00\x02":
        raise TrustFileError("no VERSION tag at offset 0")
    if data[5] != H_HEADER_LENGTH or data[6:8] != b"\x00\x02":
        raise TrustFileError("no HEADERLENGTH tag at offset 5")
    version = "%d.%d" % (data[3], data[4])
    header_length = struct.unpack(">H", data[8:10])[0]
    if header_length > len(data):
        raise TrustFileError("HEADERLENGTH %d beyond end of file (%d)" % (header_length, len(data)))

    header_tlvs: List[TLV] = [(H_VERSION, 2, data[3:5]), (H_HEADER_LENGTH, 2, data[8:10])]
    values = {}
    container_ends = []
    boundaries = set()
    signature_offset = None
    i = 10
    while i < header_length:
        boundaries.add(i)
        tag = data[i]
        if tag == H_PADDING:
            i += 1
            continue
        if i + 3 > header_length:
            raise TrustFileError("header TLV at %d cut off" % i)
        length = struct.unpack(">H", data[i + 1 : i + 3])[0]
        if tag in HEADER_CONTAINERS:
            container_ends.append(i + 3 + length)
            header_tlvs.append((tag, length, data[i + 3 : i + 3 + length]))
            i += 3
            continue
        value = data[i + 3 : i + 3 + length]
        if i + 3 + length > header_length:
            raise TrustFileError("header TLV %d at %d runs past HEADERLENGTH" % (tag, i))
        if tag == H_SIGNATURE:
            signature_offset = i
        header_tlvs.append((tag, length, value))
        values.setdefault(tag, value)
        i += 3 + length
    boundaries.add(i)
    if i != header_length:
        raise TrustFileError("header TLVs end at %d, HEADERLENGTH says %d" % (i, header_length))
    for end in container_ends:
        if end not in boundaries:
            raise TrustFileError("container ends at %d, inside a TLV" % end)
    if signature_offset is None:
        raise TrustFileError("header has no SIGNATURE")

    records = []
    while i < len(data):
        if i + 5 > len(data) or data[i] != R_RECORD_LENGTH or data[i + 1 : i + 3] != b"\x00\x02":
            raise TrustFileError("record at %d does not start with RECORDLENGTH" % i)
        record_length = struct.unpack(">H", data[i + 3 : i + 5])[0]
        end = i + record_length
        if record_length < 5 or end > len(data):
            raise TrustFileError("RECORDLENGTH %d at %d does not fit the file" % (record_length, i))
        tlvs: List[TLV] = [(R_RECORD_LENGTH, 2, data[i + 3 : i + 5])]
        i += 5
        while i < end:
            if i + 3 > end:
                raise TrustFileError("record TLV at %d cut off" % i)
            tag = data[i]
            length = struct.unpack(">H", data[i + 1 : i + 3])[0]
            if i + 3 + length > end:
                raise TrustFileError("record TLV %d at %d runs past RECORDLENGTH" % (tag, i))
            tlvs.append((tag, length, data[i + 3 : i + 3 + length]))
            i += 3 + length
        records.append(ParsedRecord(length=record_length, tlvs=tlvs))

    digest = values.get(H_DIGEST_ALGORITHM)
    modulus = values.get(H_SIGNATURE_MODULUS)
    timestamp = values.get(H_TIMESTAMP)
    return ParsedTrustFile(
        version=version,
        header_length=header_length,
        signer_name=c_string(values.get(H_SIGNER_NAME)),
        signer_serial=values.get(H_SERIAL_NUMBER),
        ca_name=c_string(values.get(H_CA_NAME)),
        digest_code=digest[0] if digest else None,
        modulus_code=modulus[0] if modulus else None,
        signature=values[H_SIGNATURE],
        filename=c_string(values.get(H_FILENAME)),
        timestamp=struct.unpack(">I", timestamp)[0] if timestamp and len(timestamp) == 4 else None,
        header_tlvs=header_tlvs,
        records=records,
        signature_offset=signature_offset,
        data=bytes(data),
    )


def record_bytes(record: ParsedRecord) -> bytes:
    """A parsed record encoded again, byte for byte (its TLVs in file order)."""
    return b"".join(tlv(tag, value) for tag, unused_length, value in record.tlvs)


def signer_record_indexes(parsed: ParsedTrustFile) -> List[int]:
    """Indexes of the SAST records that match the header signer (serial and, if both are
    present, issuer). Normally exactly one."""
    matches = []
    for index, record in enumerate(parsed.records):
        if record.function != FUNCTION_SAST or record.serial != parsed.signer_serial:
            continue
        if record.issuer is not None and parsed.ca_name is not None and record.issuer != parsed.ca_name:
            continue
        matches.append(index)
    return matches


def signer_record_index(parsed: ParsedTrustFile) -> Optional[int]:
    """Index of the record that signed the file (section 8 step 5), or None."""
    return next(iter(signer_record_indexes(parsed)), None)


def verify_trust_file(data: Union[bytes, ParsedTrustFile]) -> bool:
    """Section 8: verify the header signature with the signer record's certificate.

    False for any corruption or mismatch; never raises for bad input.
    """
    try:
        parsed = data if isinstance(data, ParsedTrustFile) else parse_trust_file(data)
    except TrustFileError:
        return False
    index = signer_record_index(parsed)
    if index is None or parsed.digest_code not in _HASHES:
        return False
    der = parsed.records[index].certificate
    if der is None:
        return False
    try:
        public_key = x509.load_der_x509_certificate(der).public_key()
    except ValueError:
        return False
    if not isinstance(public_key, rsa.RSAPublicKey) or public_key.key_size // 8 != len(parsed.signature):
        return False
    try:
        public_key.verify(
            parsed.signature, parsed.signed_bytes, padding.PKCS1v15(), _HASHES[parsed.digest_code]()
        )
    except InvalidSignature:
        return False
    return True


# ---------------------------------------------------------------------------------------------


def _certificate(value: Union[x509.Certificate, Identity]) -> x509.Certificate:
    return value.cert if isinstance(value, Identity) else value


def _is_sast_record_of(spec: RecordSpec, signer: Identity) -> bool:
    if spec.function != FUNCTION_SAST or spec.cert is None or spec.hash_only:
        return False
    cert = _certificate(spec.cert)
    return cert.serial_number == signer.cert.serial_number and cert.issuer == signer.cert.issuer


def _unix_time(timestamp: Union[None, int, datetime.datetime]) -> int:
    if timestamp is None:
        timestamp = datetime.datetime.now(datetime.timezone.utc)
    if isinstance(timestamp, datetime.datetime):
        if timestamp.tzinfo is None:
            raise TrustFileError("timestamp must be timezone-aware")
        return int(timestamp.timestamp())
    return int(timestamp)
