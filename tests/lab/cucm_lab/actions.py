"""State changes shared by the control API (`POST /actions/...`) and the CLI commands.

Each takes the cluster lock, changes the model through bootstrap's helpers and returns a small
JSON-able summary. A CLI command such as `utils service restart Cisco Tftp` calls the same
function the control API does, so both paths leave the cluster in the same state.
"""

from __future__ import annotations

import hashlib

from . import bootstrap, itlreset, pki, trustbuild
from .model import (
    CERT_CALLMANAGER,
    CERT_UNITS,
    CTL_FILE,
    ITL_FILE,
    SECURITY_MODE_MIXED,
    SECURITY_MODE_NON_SECURE,
    SERVICE_TFTP,
    StoredFile,
)
from .trustfile import TrustFileError, parse_trust_file, verify_trust_file

SECURITY_MODES = {"0": SECURITY_MODE_NON_SECURE, "non-secure": SECURITY_MODE_NON_SECURE,
                  "non_secure": SECURITY_MODE_NON_SECURE, "1": SECURITY_MODE_MIXED,
                  "mixed": SECURITY_MODE_MIXED}


def regen_cert(cluster, node, unit: str) -> dict:
    """`set cert regen <unit>` without the dialog: a new certificate for the unit."""
    if unit not in CERT_UNITS:
        raise ValueError("unit must be one of %s" % ", ".join(CERT_UNITS))
    identity = bootstrap.regenerate_certificate(cluster, node, unit)
    return {"node": node.hostname, "unit": unit, "serial": format(identity.cert.serial_number, "X")}


def restart_service(cluster, node, service: str) -> dict:
    """The end state of `utils service restart <service>` at once: started; Cisco Tftp rebuilds
    the node's ITL as it starts (primer section 4), unless it keeps a fresh reset ITL."""
    with cluster.lock:
        state = node.services.get(service)
        if state is None:
            raise ValueError("%s has no service %r" % (node.hostname, service))
        if not state.activated:
            raise ValueError("%s is not activated on %s" % (service, node.hostname))
        state.state = "STARTED"
        if service == SERVICE_TFTP:
            bootstrap.start_tftp(cluster, node)
        return {"node": node.hostname, "service": service, "state": state.state}


def itl_reset_localkey(cluster, restart_tftp: bool = True) -> dict:
    """The end state of `utils itl reset localkey` at once (itlreset.py, primer section 4): the
    publisher's records signed by the other SAST key on every Cisco Tftp node, whose own Tftp
    restart keeps it (`restart_tftp` false: the file is in place and the next start keeps it)."""
    with cluster.lock:
        data = itlreset.build_reset_itl(cluster, itlreset.reset_signer(cluster))
        nodes = cluster.tftp_nodes
        for node in nodes:
            itlreset.install_reset_itl(cluster, node, data)
            if restart_tftp:
                bootstrap.start_tftp(cluster, node)
        parsed = parse_trust_file(data)
        return {"cluster": cluster.name, "nodes": [node.hostname for node in nodes],
                "sha1": hashlib.sha1(data).hexdigest(), "signer": parsed.signer_name}


def set_security_mode(cluster, mode) -> dict:
    """Mixed: ClusterSecurityMode 1 and the CTL on every node; non-secure: 0 and no CTL."""
    value = SECURITY_MODES.get(str(mode).lower())
    if value is None:
        raise ValueError("mode must be 'mixed' (1) or 'non-secure' (0)")
    with cluster.lock:
        cluster.security_mode = value
        cluster.etokens = []
        if value == SECURITY_MODE_MIXED:
            bootstrap.write_ctl(cluster)
        else:
            for node in cluster.nodes:
                node.tftp_files.pop(CTL_FILE, None)
        return {"cluster": cluster.name, "security_mode": value}


# -- `utils ctl` ------------------------------------------------------------------------------
def set_cluster_mode(cluster, mixed: bool) -> None:
    """`utils ctl set-cluster mixed-mode | non-secure-mode`: ClusterSecurityMode follows and a
    tokenless CTL goes to every node. Non-secure keeps a CTL whose CCM+TFTP records lost their
    certificates (the file stays on disk, trust-file-format S5)."""
    with cluster.lock:
        cluster.security_mode = SECURITY_MODE_MIXED if mixed else SECURITY_MODE_NON_SECURE
        cluster.etokens = []
        bootstrap.write_ctl(cluster, mode=trustbuild.MODE_MIXED if mixed else trustbuild.MODE_NON_SECURE)


def update_ctl(cluster) -> None:
    """`utils ctl update CTLFile`: rebuild and re-sign the tokenless CTL from today's
    certificates; an eToken CTL becomes tokenless (its eToken records disappear, seed 002)."""
    with cluster.lock:
        cluster.etokens = []
        bootstrap.write_ctl(cluster)


def reset_ctl_localkey(cluster) -> None:
    """`utils ctl reset localkey`: the tokenless CTL signed with the publisher's CallManager
    key (primer section 6)."""
    with cluster.lock:
        cluster.etokens = []
        bootstrap.write_ctl(cluster, signer=CERT_CALLMANAGER)


def etoken_ctl(cluster, tokens: int = 2) -> dict:
    """The cluster as the Windows CTL client leaves it: mixed mode, a CTL signed by (fake)
    hardware eTokens on every node. Refused where the release has no eToken support."""
    if not cluster.release.supports_hardware_etoken:
        raise ValueError("release %s does not support hardware eTokens" % cluster.release.key)
    if isinstance(tokens, bool) or not isinstance(tokens, int) or not 1 <= tokens <= 2:
        raise ValueError("tokens must be 1 or 2")
    identities = pki.new_etoken_identities(tokens)
    with cluster.lock:
        cluster.security_mode = SECURITY_MODE_MIXED
        cluster.etokens = identities
        stored = bootstrap.write_ctl(cluster, etokens=identities)
    return {"cluster": cluster.name, "etokens": [pki.subject_text(t) for t in identities],
            "sha1": hashlib.sha1(stored.data).hexdigest()}


CLUSTER_SETTINGS = ("auto_registration", "export_controlled_allowed")


def cluster_settings(cluster, changes: dict) -> dict:
    """Cluster-wide CUCM settings the commands depend on (see model.Cluster)."""
    unknown = sorted(set(changes) - set(CLUSTER_SETTINGS))
    if unknown:
        raise ValueError("unknown cluster setting(s): %s (known: %s)"
                         % (", ".join(unknown), ", ".join(CLUSTER_SETTINGS)))
    if not all(isinstance(value, bool) for value in changes.values()):
        raise ValueError("cluster settings are true or false")
    with cluster.lock:
        for name, value in changes.items():
            setattr(cluster, name, value)
        return {name: getattr(cluster, name) for name in CLUSTER_SETTINGS}


def stale_ctl(cluster, node) -> dict:
    """A CTL left on `node` from a time the cluster was mixed (the cluster mode is unchanged)."""
    stored = bootstrap.write_ctl(cluster, mode=trustbuild.MODE_MIXED, nodes=[node])
    return {"node": node.hostname, "file": CTL_FILE, "sha1": hashlib.sha1(stored.data).hexdigest()}


def corrupt_file(cluster, node, name: str = ITL_FILE, offset=None) -> dict:
    """Flip one byte of a stored trust file so its signature no longer verifies.

    Default offset: the middle of the header SIGNATURE, which keeps the file parseable (show
    itl still prints it, ending in the verification failure).
    """
    with cluster.lock:
        stored = node.tftp_files.get(name)
        if stored is None:
            raise ValueError("%s has no %s" % (node.hostname, name))
        data = bytearray(stored.data)
        if offset is None:
            try:
                parsed = parse_trust_file(bytes(data))
                offset = parsed.signature_offset + 3 + len(parsed.signature) // 2
            except TrustFileError:
                offset = len(data) // 2
        if not 0 <= offset < len(data):
            raise ValueError("offset %d outside the file (%d bytes)" % (offset, len(data)))
        data[offset] ^= 0xFF
        # A new StoredFile, never an in-place change: readers hold the old one as a snapshot.
        node.tftp_files[name] = StoredFile(data=bytes(data), mtime=stored.mtime)
        return {"node": node.hostname, "file": name, "offset": offset,
                "verified": verify_trust_file(bytes(data))}
