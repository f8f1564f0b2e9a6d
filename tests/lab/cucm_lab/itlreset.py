"""The reset ITL of `utils itl reset localkey|remotekey` (seed 001, primer section 4).

CUCM takes the publisher's current ITL, strips the signature and signs the same records with
the other SAST key the phones trust: the publisher's ITLRecovery on 10.x/11.x, its CallManager
key on 12.0+ (`ReleaseProfile.reset_itl_signer`). `remotekey` first replaces the publisher's
ITLRecovery identity (and ITLRecovery.p12) with the one fetched over SFTP and signs with it.
The same file then goes to every Cisco Tftp node, whose next Tftp start keeps it once
(model.Node.keep_itl_on_tftp_start).
"""

from __future__ import annotations

import struct
from typing import List, Optional

from . import pki, trustbuild
from .model import CERT_ITLRECOVERY, ITL_FILE, ITLRECOVERY_P12, Cluster, Identity, Node, StoredFile
from .trustfile import (
    FUNCTION_SAST,
    R_CERTIFICATE,
    R_ISSUER_NAME,
    R_PUBLIC_KEY,
    R_RECORD_LENGTH,
    R_SERIAL_NUMBER,
    R_SIGNATURE,
    R_SUBJECT_NAME,
    ParsedRecord,
    RecordSpec,
    TrustFileError,
    build_record,
    parse_trust_file,
    record_bytes,
    serial_bytes,
    sign_records,
    tlv,
)

# What a record says about its certificate (a replaced key changes these, nothing else).
_CERTIFICATE_TAGS = (R_SUBJECT_NAME, R_ISSUER_NAME, R_SERIAL_NUMBER, R_PUBLIC_KEY, R_SIGNATURE,
                     R_CERTIFICATE)


def reset_signer(cluster: Cluster) -> Identity:
    """The key `utils itl reset localkey` signs with (the publisher's, per release)."""
    return cluster.publisher.certs[cluster.release.reset_itl_signer]


def open_remote_key(data: bytes, cluster: Cluster) -> Identity:
    """The ITLRecovery identity in a fetched p12; pki.Pkcs12Error when the cluster security
    password does not open it (the rebuilt cluster must use the old password, seed 001)."""
    return pki.load_pkcs12(data, cluster.cluster_security_password)


def install_remote_key(cluster: Cluster, identity: Identity, p12_data: bytes) -> Identity:
    """`remotekey`: the fetched key becomes the publisher's ITLRecovery; returns the old one."""
    with cluster.lock:
        pub = cluster.publisher
        previous = pub.certs[CERT_ITLRECOVERY]
        identity.generated_at = cluster.clock.now()
        pub.certs[CERT_ITLRECOVERY] = identity
        pub.tftp_files[ITLRECOVERY_P12] = StoredFile(data=p12_data, mtime=cluster.clock.now())
        return previous


def build_reset_itl(cluster: Cluster, signer: Identity, *, replaced: Optional[Identity] = None) -> bytes:
    """The publisher's current ITL records signed by `signer`.

    `replaced`: the ITLRecovery identity `remotekey` just replaced; its SAST record gets the
    new key's certificate, in place, so the reset ITL lists its own signer (GUESSED: no
    transcript shows a remotekey ITL). A publisher without a readable ITL of its own (no Cisco
    Tftp there) contributes the records its Tftp would write.
    """
    with cluster.lock:
        records = _publisher_records(cluster)
        body = b"".join(
            _with_certificate(record, signer)
            if replaced is not None and _is_sast_of(record, replaced) else record_bytes(record)
            for record in records
        )
        return sign_records(body, signer, ITL_FILE, timestamp=cluster.clock.now())


def install_reset_itl(cluster: Cluster, node: Node, data: bytes) -> StoredFile:
    """Put the reset ITL on `node`; its next Cisco Tftp start keeps it."""
    with cluster.lock:
        stored = StoredFile(data=data, mtime=cluster.clock.now())
        node.tftp_files[ITL_FILE] = stored
        node.serving_reset_itl = True
        node.keep_itl_on_tftp_start = True
        return stored


def _publisher_records(cluster: Cluster) -> List[ParsedRecord]:
    stored = cluster.publisher.tftp_files.get(ITL_FILE)
    if stored is not None:
        try:
            return parse_trust_file(stored.data).records
        except TrustFileError:
            pass  # GUESSED: an unreadable file is rebuilt rather than refused
    return parse_trust_file(trustbuild.build_itl(cluster, cluster.publisher)).records


def _is_sast_of(record: ParsedRecord, identity: Identity) -> bool:
    return record.function == FUNCTION_SAST and record.serial == serial_bytes(identity.cert.serial_number)


def _with_certificate(record: ParsedRecord, identity: Identity) -> bytes:
    """`record` with another certificate: names, serial, key, signature and certificate change;
    DNSNAME, FUNCTION and IPADDRESS keep their exact bytes."""
    fresh = dict(_split(build_record(RecordSpec(function=FUNCTION_SAST, cert=identity, ip=None))))
    fields = b"".join(
        tlv(tag, fresh.get(tag, value) if tag in _CERTIFICATE_TAGS else value)
        for tag, unused_length, value in record.tlvs if tag != R_RECORD_LENGTH
    )
    return tlv(R_RECORD_LENGTH, struct.pack(">H", 5 + len(fields))) + fields


def _split(raw: bytes):
    """(tag, value) of every TLV of one encoded record."""
    index = 0
    while index + 3 <= len(raw):  # every step moves on by at least 3 bytes
        length = struct.unpack(">H", raw[index + 1:index + 3])[0]
        yield raw[index], raw[index + 3:index + 3 + length]
        index += 3 + length
