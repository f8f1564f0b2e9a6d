"""Certificates and keys for the simulated cluster, made with `cryptography`.

CUCM generates one self-signed certificate per certificate unit (CallManager, TVS, CAPF,
ITLRecovery) on every node. What the lab copies from real clusters (trust-file-format.md 6.1,
6.2, seeds 001/002):

* subject attributes DER-encoded in the order C, O, OU, CN, ST, L, while CUCM's own strings
  print them CN, OU, O, L, ST, C (`dn_string`);
* 16-byte serial numbers in 0x40..0x7F.. (all serials in the seeds), so they never need a
  sign byte;
* validity "5 years minus one second" (seed 002: From Thu Jun 05 18:31:39 2014,
  To Tue Jun 04 18:31:38 2019).

Certificates are signed with SHA-256: `cryptography` refuses to build SHA-1 certificate
signatures (real 10.x clusters used SHA-1; nothing in the lab depends on it).
"""

from __future__ import annotations

import datetime
import hashlib
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from typing import List, Optional, Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .model import Identity

# The order CUCM prints names in; attributes missing from a certificate are left out.
_DN_PRINT_ORDER = (
    ("CN", NameOID.COMMON_NAME),
    ("OU", NameOID.ORGANIZATIONAL_UNIT_NAME),
    ("O", NameOID.ORGANIZATION_NAME),
    ("L", NameOID.LOCALITY_NAME),
    ("ST", NameOID.STATE_OR_PROVINCE_NAME),
    ("C", NameOID.COUNTRY_NAME),
)

ETOKEN_CA_TEXT = "cn=Cisco Manufacturing CA;o=Cisco Systems"  # seed 002 ISSUERNAME, 41 chars
# Seed 002 SUBJECTNAME (length 56 = 55 characters + NUL): the Windows CTL client pads the token
# name to 24 characters inside the quotes and never closes the quote of the organisation.
ETOKEN_SUBJECT_TEMPLATE = 'cn="{name:<24}";ou=IPCBU;o="Cisco Systems'


class Pkcs12Error(ValueError):
    """The PKCS#12 data cannot be opened (wrong password or not a PKCS#12 file)."""


def generate_keys(count: int, key_size: int = 2048) -> List[rsa.RSAPrivateKey]:
    """`count` RSA keys, generated on a small thread pool (OpenSSL releases the GIL)."""
    if count <= 0:
        return []
    workers = min(count, os.cpu_count() or 1, 8)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_new_key, [key_size] * count))


def new_identity(
    common_name: str,
    *,
    key_size: int = 2048,
    issuer: Optional[Identity] = None,
    ou: Optional[str] = "TAC",
    o: Optional[str] = "Cisco",
    l: Optional[str] = "RTP",  # noqa: E741 - the X.500 attribute's name
    st: Optional[str] = "NC",
    c: Optional[str] = "US",
    not_before: Optional[datetime.datetime] = None,
    days: int = 1825,
    serial: Optional[int] = None,
    key: Optional[rsa.RSAPrivateKey] = None,
    is_ca: bool = False,
) -> Identity:
    """A certificate unit: self-signed when `issuer` is None, else signed by `issuer`.

    `key` lets a caller pass a key made earlier (see `generate_keys`); attributes given as
    None or "" are left out of the subject.
    """
    key = key or _new_key(key_size)
    subject = cucm_name(common_name, ou=ou, o=o, l=l, st=st, c=c)
    start = (not_before or datetime.datetime.now(datetime.timezone.utc)).replace(microsecond=0)
    signing_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(serial if serial is not None else cucm_serial())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=days, seconds=-1))
    )
    for extension, critical in _extensions(key, issuer, is_ca):
        builder = builder.add_extension(extension, critical=critical)
    cert = builder.sign(signing_key, hashes.SHA256())
    return Identity(cert=cert, key=key, generated_at=start)


def new_ca(common_name: str, key_size: int = 2048, **kwargs) -> Identity:
    """A self-signed enterprise CA for CA-signed clusters."""
    kwargs.setdefault("days", 3650)
    return new_identity(common_name, key_size=key_size, is_ca=True, **kwargs)


def cucm_name(common_name, *, ou="TAC", o="Cisco", l="RTP", st="NC", c="US") -> x509.Name:  # noqa: E741
    """A subject with the attributes in CUCM's DER order: C, O, OU, CN, ST, L."""
    ordered = (
        (NameOID.COUNTRY_NAME, c),
        (NameOID.ORGANIZATION_NAME, o),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
        (NameOID.COMMON_NAME, common_name),
        (NameOID.STATE_OR_PROVINCE_NAME, st),
        (NameOID.LOCALITY_NAME, l),
    )
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in ordered if value])


def cucm_serial() -> int:
    """A random 16-byte serial whose top byte is 0x40..0x7F, like every CUCM serial in the seeds."""
    return int.from_bytes(os.urandom(16), "big") & ((1 << 126) - 1) | (1 << 126)


def dn_string(name: x509.Name) -> str:
    """CUCM's rendering: `CN=..;OU=..;O=..;L=..;ST=..;C=..`, missing attributes skipped."""
    parts = []
    for label, oid in _DN_PRINT_ORDER:
        parts.extend("%s=%s" % (label, attr.value) for attr in name.get_attributes_for_oid(oid))
    return ";".join(parts)


def common_name(cert: x509.Certificate) -> str:
    """The certificate's first CN ("" when it has none)."""
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


def subject_text(identity: Identity) -> str:
    """The subject as trust files spell it for this identity."""
    return identity.subject_text or dn_string(identity.cert.subject)


def issuer_text(identity: Identity) -> str:
    """The issuer as trust files spell it for this identity."""
    return identity.issuer_text or dn_string(identity.cert.issuer)


def sha1_hex(cert: x509.Certificate) -> str:
    """Lower-case hex SHA-1 of the DER certificate (what `show itl` prints, upper-cased)."""
    return hashlib.sha1(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def pkcs12_bytes(identity: Identity, password: str, friendly_name: str) -> bytes:
    """The identity as a password-protected PKCS#12 file (like ITLRecovery.p12)."""
    return pkcs12.serialize_key_and_certificates(
        name=friendly_name.encode("utf-8"),
        key=identity.key,
        cert=identity.cert,
        cas=None,
        encryption_algorithm=serialization.BestAvailableEncryption(password.encode("utf-8")),
    )


def load_pkcs12(data: bytes, password: str) -> Identity:
    """Open a PKCS#12 file made by `pkcs12_bytes`; `Pkcs12Error` on a wrong password."""
    try:
        key, cert, unused_cas = pkcs12.load_key_and_certificates(data, password.encode("utf-8"))
    except ValueError as exc:
        raise Pkcs12Error("cannot open PKCS#12 file: wrong password or corrupt data (%s)" % exc)
    if key is None or cert is None:
        raise Pkcs12Error("PKCS#12 file holds no key and certificate")
    return Identity(cert=cert, key=key)


def new_etoken_identities(count: int = 2, *, ca: Optional[Identity] = None) -> List[Identity]:
    """Fake hardware-eToken SAST certificates issued by a fake "Cisco Manufacturing CA".

    Real eTokens hold 1024-bit keys and 10-byte serials such as 83:E9:08:00:00:00:55:45:AF:31
    (three varying bytes, three zero bytes, four varying bytes; the top bit may be set, seed
    002). Their names are stored as the Windows CTL client writes them (`subject_text`).
    """
    ca = ca or etoken_ca()
    tokens = []
    for key in generate_keys(count, 1024):
        token_name = "SAST-ADN" + os.urandom(4).hex()
        first = bytes([1 + secrets.randbelow(255)])  # non-zero: always 10 bytes
        serial = int.from_bytes(first + os.urandom(2) + bytes(3) + os.urandom(4), "big")
        identity = new_identity(
            token_name, key=key, issuer=ca, ou="IPCBU", o="Cisco Systems", l=None, st=None,
            c=None, serial=serial,
        )
        identity.subject_text = ETOKEN_SUBJECT_TEMPLATE.format(name=token_name)
        identity.issuer_text = ETOKEN_CA_TEXT
        tokens.append(identity)
    return tokens


def etoken_ca() -> Identity:
    """The fake manufacturing CA that issues eToken certificates (1024-bit, like the tokens)."""
    ca = new_ca("Cisco Manufacturing CA", key_size=1024, ou=None, o="Cisco Systems", l=None,
                st=None, c=None)
    ca.subject_text = ca.issuer_text = ETOKEN_CA_TEXT
    return ca


def _new_key(key_size: int) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=key_size)


def _extensions(key, issuer: Optional[Identity], is_ca: bool) -> Sequence:
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    if is_ca:
        return (
            (x509.BasicConstraints(ca=True, path_length=None), True),
            (x509.KeyUsage(False, False, False, False, False, True, True, False, False), True),
            (ski, False),
        )
    # Seed 002's CallManager certificate: "Extensions: 3 present".
    extensions = [
        (x509.KeyUsage(True, False, True, True, False, False, False, False, False), False),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
         False),
        (ski, False),
    ]
    if issuer is not None:
        aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key())
        extensions.append((aki, False))
    return extensions
