"""The `.sgn` envelope of signed TFTP files (`SEP<MAC>.cnf.xml.sgn`): build, parse, verify.

trust-file-format.md section 11 [G S2]: the header of an ITL/CTL (section 3/4, VERSION 1.0, no
records: SIGNERID of the TFTP certificate, SIGNATURE, FILENAME, TIMESTAMP, padding), then the
original file bytes unmodified. The RSA PKCS#1 v1.5 signature covers the header without its
SIGNATURE TLV followed by the payload, as for trust files. The verifying certificate is not in the
file: the phone takes it from its trust list (phonetrust.py).

What the lab puts in the payload is GUESSED (phones.py: a small XML document per TFTP node).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Optional

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from . import trustfile as tf
from .model import Identity

SGN_VERSION = b"\x01\x00"  # section 11: "VERSION (1.0 in S1)"
_HASHES = {tf.DIGEST_SHA1: hashes.SHA1, tf.DIGEST_SHA512: hashes.SHA512}


@dataclass(frozen=True)
class SignedFile:
    header: tf.ParsedTrustFile  # the header alone (no records)
    payload: bytes

    @property
    def signed_bytes(self) -> bytes:
        return self.header.signed_bytes + self.payload


def build_signed_file(payload: bytes, signer: Identity, filename: str, *, timestamp=None,
                      digest: str = "sha1") -> bytes:
    """`payload` in a `.sgn` envelope signed by `signer` (e.g. a node's CallManager key)."""
    return tf.sign_records(payload, signer, filename, digest=digest, timestamp=timestamp,
                           version=SGN_VERSION)


def parse_signed_file(data: bytes) -> SignedFile:
    """Split a `.sgn` file into its header and payload; TrustFileError when it is not one."""
    if len(data) < 10:
        raise tf.TrustFileError("too short for a signed file")
    header_length = struct.unpack(">H", data[8:10])[0]
    header = tf.parse_trust_file(bytes(data[:header_length]))  # a header without records
    return SignedFile(header=header, payload=bytes(data[header_length:]))


def verify_signed_file(signed: SignedFile, public_key) -> bool:
    """True when `public_key` (RSA) made the signature; never raises for bad input."""
    digest = _HASHES.get(signed.header.digest_code)
    if digest is None or not isinstance(public_key, rsa.RSAPublicKey):
        return False
    if public_key.key_size // 8 != len(signed.header.signature):
        return False
    try:
        public_key.verify(signed.header.signature, signed.signed_bytes, padding.PKCS1v15(), digest())
    except InvalidSignature:
        return False
    return True


def signer_of(signed: SignedFile) -> Optional[str]:
    return signed.header.signer_name
