"""Which records CUCM puts in a node's ITL and in the cluster's CTL, and who signs them.

Sources: seed 001 (10.0 `show itl` before/after `utils itl reset`), seed 000 (8.x ITL), seed 002
(10.5 tokenless and eToken `show ctl`), trust-file-format.md section 5 and its addendum. What
differs between releases comes from the release profile (releases.py).
"""

from __future__ import annotations

import datetime
from typing import List, Optional, Sequence, Union

from . import trustfile as tf
from .model import (
    CERT_CALLMANAGER,
    CERT_CAPF,
    CERT_ITLRECOVERY,
    CERT_TVS,
    CTL_FILE,
    ITL_FILE,
    ITL_FORM_CERTHASH,
    ITL_FORM_FULL,
    ITL_RECORD_FORMS,
    Cluster,
    Identity,
    Node,
)
from .trustfile import RecordSpec

KIND_ITL = "itl"
KIND_CTL = "ctl"
MODE_MIXED = "mixed"
MODE_NON_SECURE = "non_secure"

# ITL DNSNAME in seeds 000/001: LENGTH 2, nothing printed. Two NULs print as an empty C string;
# the real second byte is unknown. GUESSED (release field itl_dnsname_style).
_BLANK_ITL_DNSNAME = "\x00"
_NO_IP = "0.0.0.0"  # eToken records: a token has no address (GUESSED, never printed)

Timestamp = Union[None, int, datetime.datetime]


def unit_identity(cluster: Cluster, node: Node, unit: str) -> Identity:
    """The key that `unit` means for `node`: ITLRecovery is always the publisher's."""
    owner = cluster.publisher if unit == CERT_ITLRECOVERY else node
    return owner.certs[unit]


def expected_signer(cluster: Cluster, node: Optional[Node], kind: str) -> Identity:
    """Who signs `node`'s ITL (kind "itl") or the cluster's tokenless CTL (kind "ctl")."""
    if kind == KIND_ITL:
        return unit_identity(cluster, node, cluster.release.itl_signer)
    if kind == KIND_CTL:
        return unit_identity(cluster, cluster.publisher, cluster.release.ctl_signer)
    raise ValueError("kind must be %r or %r" % (KIND_ITL, KIND_CTL))


# ---------------------------------------------------------------------------------------------
# ITL


def itl_record_form(cluster: Cluster) -> str:
    """How the cluster's ITLs carry the TVS and CAPF certificates: the cluster's choice
    (`Cluster.itl_record_form`, --itl-record-form), else the release's default: "certhash" before
    12.0 (seeds 000/001), "full" from 12.0 (GUESSED: no 12.x transcript; the Security Guide and
    the 64 KB limit speak of certificates, trust-file-format S5 and S13)."""
    form = cluster.itl_record_form
    if form is None:
        return ITL_FORM_CERTHASH if cluster.release.itl_hash_only_tvs_capf else ITL_FORM_FULL
    if form not in ITL_RECORD_FORMS:
        raise ValueError("itl_record_form must be one of %s, not %r" % (", ".join(ITL_RECORD_FORMS), form))
    return form


def itl_records(cluster: Cluster, node: Node) -> List[RecordSpec]:
    """The records of `node`'s ITLFile.tlv, in file order.

    Pre-12 (seed 001, from the publisher): SAST = this node's CallManager, the same cert as
    TFTP (or CCM+TFTP), CAPF, TVS of this node, ITLRECOVERY_<publisher> SAST, TVS of each
    other node. 12.0+ (Security Guide, trust-file-format S7/S12): ITLRecovery SAST, this node's
    CallManager as SAST and as CCM+TFTP, the TVS of every TVS node, CAPF. The record set does
    not depend on the signer: `utils itl reset` only changes who signs. TVS and CAPF records are
    hash-only or full certificates per itl_record_form().
    """
    release = cluster.release
    callmanager = node.certs[CERT_CALLMANAGER]
    recovery = cluster.publisher.certs[CERT_ITLRECOVERY]
    capf = cluster.publisher.certs[CERT_CAPF]
    ccm_function = tf.FUNCTION_CODES[release.itl_ccm_function]
    hashed = itl_record_form(cluster) == ITL_FORM_CERTHASH
    tvs_nodes = [node] if node.runs_tvs else []
    # GUESSED: the other TVS nodes follow in cluster order (seed 001 has only two nodes).
    tvs_nodes += [other for other in cluster.nodes if other is not node and other.runs_tvs]

    def record(function, identity, owner, hash_only=False):
        return RecordSpec(
            function=function,
            dns_name=_itl_dns_name(cluster, owner),
            cert=identity,
            hash_only=hash_only,
            ip=owner.ip if release.itl_record_ipaddress else None,
        )

    pub = cluster.publisher
    tvs_records = [record(tf.FUNCTION_TVS, n.certs[CERT_TVS], n, hashed) for n in tvs_nodes]
    if not release.is_12_or_later:
        return (
            [
                record(tf.FUNCTION_SAST, callmanager, node),
                record(ccm_function, callmanager, node),
                record(tf.FUNCTION_CAPF, capf, pub, hashed),
            ]
            + tvs_records[:1]
            + [record(tf.FUNCTION_SAST, recovery, pub)]
            + tvs_records[1:]
        )
    records = [record(tf.FUNCTION_SAST, recovery, pub)]
    if release.itl_callmanager_sast_record:
        records.append(record(tf.FUNCTION_SAST, callmanager, node))
    records.append(record(ccm_function, callmanager, node))
    return records + tvs_records + [record(tf.FUNCTION_CAPF, capf, pub, hashed)]


def build_itl(
    cluster: Cluster, node: Node, *, signer_unit: Optional[str] = None, timestamp: Timestamp = None
) -> bytes:
    """`node`'s ITLFile.tlv. `signer_unit` defaults to the release's normal ITL signer;
    "CallManager" is this node's key, "ITLRecovery" the publisher's."""
    signer = unit_identity(cluster, node, signer_unit or cluster.release.itl_signer)
    return tf.build_trust_file(itl_records(cluster, node), signer, ITL_FILE, timestamp=timestamp)


def _itl_dns_name(cluster: Cluster, owner: Node) -> str:
    if cluster.release.itl_dnsname_style == "hostname":
        return owner.hostname
    return _BLANK_ITL_DNSNAME


# ---------------------------------------------------------------------------------------------
# CTL


def ctl_records(
    cluster: Cluster, *, mode: str = MODE_MIXED, etokens: Optional[Sequence[Identity]] = None
) -> List[RecordSpec]:
    """The records of the cluster's CTLFile.tlv, in file order.

    Tokenless 10.x (seed 002): SAST = publisher CallManager, CCM+TFTP = the same cert, CAPF,
    then CCM+TFTP of every other CallManager node; DNSNAME = the host name. 12.0+ adds the
    publisher's ITLRecovery as a SAST record. `mode="non_secure"`: the CCM+TFTP records lose
    their certificate (placeholder records, trust-file-format S5).

    With `etokens` (a CTL written by the Windows CTL client) the eToken SAST records have an
    empty DNSNAME and no SIGNATURE, and so do the server records, whose DNSNAME holds the IP:
    seed 002's two-eToken CTL is 5728 bytes = 304 + 2 x 1186 + 1022 + 1004 + 1026, which is the
    tokenless records (1156, 1138, 1161) minus SIGNATURE (131) and with a 12/13-character IP
    instead of the host name. S5's CAPF record (1004, no SIGNATURE) agrees.
    """
    if mode not in (MODE_MIXED, MODE_NON_SECURE):
        raise ValueError("mode must be %r or %r" % (MODE_MIXED, MODE_NON_SECURE))
    release = cluster.release
    pub = cluster.publisher
    client_built = bool(etokens)

    def server(function, identity, owner):
        if mode == MODE_NON_SECURE and function in (tf.FUNCTION_CCM_TFTP, tf.FUNCTION_TFTP):
            return RecordSpec(function=function, dns_name=owner.ip, cert=None, ip=owner.ip)
        return RecordSpec(
            function=function,
            dns_name=owner.ip if client_built else owner.hostname,
            cert=identity,
            include_signature=not client_built,
            ip=owner.ip,
        )

    servers = []
    if not client_built:
        servers.append(server(tf.FUNCTION_SAST, pub.certs[CERT_CALLMANAGER], pub))
    servers.append(server(tf.FUNCTION_CCM_TFTP, pub.certs[CERT_CALLMANAGER], pub))
    servers.append(server(tf.FUNCTION_CAPF, pub.certs[CERT_CAPF], pub))
    for other in cluster.subscribers:
        if other.runs_callmanager:
            servers.append(server(tf.FUNCTION_CCM_TFTP, other.certs[CERT_CALLMANAGER], other))
        elif other.runs_tftp:
            # GUESSED: a TFTP-only node is listed with the TFTP function.
            servers.append(server(tf.FUNCTION_TFTP, other.certs[CERT_CALLMANAGER], other))
    if release.ctl_itlrecovery_record and not client_built:
        servers.append(server(tf.FUNCTION_SAST, pub.certs[CERT_ITLRECOVERY], pub))
    if not client_built:
        return servers
    tokens = [_etoken_record(token) for token in etokens]
    # Seed 002: one token is record #1, the other the last record (#5). GUESSED beyond two.
    return tokens[:1] + servers + tokens[1:]


def build_ctl(
    cluster: Cluster,
    *,
    signer: Union[None, str, Identity] = None,
    mode: str = MODE_MIXED,
    etokens: Optional[Sequence[Identity]] = None,
    timestamp: Timestamp = None,
) -> bytes:
    """The cluster's CTLFile.tlv (the same bytes on every node).

    `signer`: an Identity, a certificate unit name ("CallManager", "ITLRecovery": the
    publisher's), or None for the first eToken / the release's tokenless CTL signer.
    """
    if isinstance(signer, Identity):
        signing = signer
    elif signer is not None:
        signing = unit_identity(cluster, cluster.publisher, signer)
    elif etokens:
        signing = etokens[0]
    else:
        signing = expected_signer(cluster, None, KIND_CTL)
    records = ctl_records(cluster, mode=mode, etokens=etokens)
    return tf.build_trust_file(records, signing, CTL_FILE, timestamp=timestamp)


def _etoken_record(token: Identity) -> RecordSpec:
    return RecordSpec(
        function=tf.FUNCTION_SAST, dns_name="", cert=token, include_signature=False, ip=_NO_IP
    )
