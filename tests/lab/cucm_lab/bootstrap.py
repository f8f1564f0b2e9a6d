"""Build a simulated cluster: nodes, certificates, services and the trust files on disk.

The SSH side changes the cluster afterwards through the helpers at the bottom
(`regenerate_itl`, `start_tftp`, `write_ctl`, `store_itlrecovery_p12`,
`regenerate_certificate`), which put new files in place with the lab clock's time, as the real
TFTP service and `utils ctl` do.
"""

from __future__ import annotations

import os
import secrets
from typing import Any, Iterable, List, Mapping, Optional, Union

from . import pki, render, trustbuild
from .model import (
    CERT_CAPF,
    CERT_ITLRECOVERY,
    CERT_UNITS,
    CTL_FILE,
    ITL_FILE,
    ITLRECOVERY_P12,
    SECURITY_MODE_MIXED,
    SERVICE_CALLMANAGER,
    SERVICE_CAPF,
    SERVICE_CTI,
    SERVICE_TFTP,
    SERVICE_TVS,
    Cluster,
    Identity,
    LabClock,
    Node,
    ServiceState,
    StoredFile,
)
from .releases import get_profile

# Where each service is activated: "all" nodes, the "publisher" only, "tftp" nodes, or "none".
# Listed in the order `utils service list` prints them (GUESSED order: alphabetical, as in
# public transcripts; the set is the usual CUCM feature services).
SERVICE_CATALOGUE = (
    ("A Cisco DB", "all"),
    ("A Cisco DB Replicator", "all"),
    ("Cisco AXL Web Service", "publisher"),
    ("Cisco Bulk Provisioning Service", "none"),
    (SERVICE_CALLMANAGER, "all"),
    ("Cisco CallManager Serviceability", "all"),
    (SERVICE_CAPF, "publisher"),
    ("Cisco Certificate Change Notification", "all"),
    ("Cisco Certificate Expiry Monitor", "all"),
    (SERVICE_CTI, "all"),
    ("Cisco DRF Local", "all"),
    ("Cisco DRF Master", "publisher"),
    ("Cisco Database Layer Monitor", "all"),
    ("Cisco DirSync", "none"),
    ("Cisco RIS Data Collector", "all"),
    (SERVICE_TFTP, "tftp"),
    ("Cisco Tomcat", "all"),
    (SERVICE_TVS, "all"),
)

P12_FRIENDLY_NAME = "ITLRecovery"  # GUESSED: alias inside CUCM's ITLRecovery.p12


def create_cluster(
    name: str,
    release_key: str,
    node_count: int,
    *,
    domain: str = "lab.example",
    tftp_nodes: Optional[Iterable[Union[str, int]]] = None,
    key_size: Optional[int] = None,
    ca_signed: bool = False,
    security_mode: int = 0,
    os_admin_user: str = "admin",
    os_admin_password: Optional[str] = None,
    app_admin_password: Optional[str] = None,
    cluster_security_password: Optional[str] = None,
    base_port: int = 0,
    clock: Optional[LabClock] = None,
    itl_record_form: Optional[str] = None,
    time_zone: str = "UTC",
    trust_list_style: Optional[Mapping[str, Any]] = None,
) -> Cluster:
    """A cluster of `node_count` nodes (`<name>-pub`, `<name>-sub1`, ...) with its trust files.

    `tftp_nodes`: host names or node indexes running Cisco Tftp (default: every node).
    `base_port`: node i's SSH port is base_port + i (0: left for the server to choose).
    `itl_record_form`: "certhash" or "full" TVS/CAPF records in the ITLs (default: the release's).
    `time_zone`: every node's time zone (IANA name; GUESSED default UTC).
    `trust_list_style`: every node's render.TrustListStyle overrides (e.g. {"issuer_tag": ...}).
    A node's own `time_zone` / `trust_list_style` can be changed afterwards.
    """
    if node_count < 1:
        raise ValueError("a cluster needs at least one node")
    release = get_profile(release_key)
    render.valid_time_zone(time_zone)
    render.DEFAULT_STYLE.with_overrides(trust_list_style)  # ValueError before the slow part
    key_size = key_size or release.key_size
    clock = clock or LabClock()
    now = clock.now()

    nodes = []
    for index in range(node_count):
        hostname = "%s-pub" % name if index == 0 else "%s-sub%d" % (name, index)
        nodes.append(
            Node(
                hostname=hostname,
                fqdn="%s.%s" % (hostname, domain),
                ip="192.0.2.%d" % (10 + index),
                publisher=index == 0,
                ssh_port=base_port + index if base_port else 0,
                time_zone=time_zone,
                trust_list_style=dict(trust_list_style or {}),
            )
        )
    tftp = _select_nodes(nodes, tftp_nodes)

    cluster = Cluster(
        name=name,
        domain=domain,
        release=release,
        nodes=nodes,
        clock=clock,
        security_mode=security_mode,
        os_admin_user=os_admin_user,
        os_admin_password=os_admin_password or _password(),
        app_admin_password=app_admin_password or _password(),
        cluster_security_password=cluster_security_password or _password(),
        itl_record_form=itl_record_form,
    )
    # The release's default, stated (and an unknown form refused) before any ITL is built.
    cluster.itl_record_form = trustbuild.itl_record_form(cluster)
    if ca_signed:
        cluster.ca = pki.new_ca("%s-CA" % name, key_size=key_size, not_before=now)

    # RSA key generation is the slow part: make every key at once on a thread pool.
    keys = pki.generate_keys(len(nodes) * len(CERT_UNITS), key_size)
    for node in nodes:
        node.services = _services(node, node in tftp)
        for unit in CERT_UNITS:
            node.certs[unit] = new_unit_identity(cluster, node, unit, key=keys.pop(), now=now)

    for node in cluster.tftp_nodes:
        regenerate_itl(cluster, node)
    if security_mode == SECURITY_MODE_MIXED:
        write_ctl(cluster)
    store_itlrecovery_p12(cluster)
    return cluster


def unit_common_name(cluster: Cluster, node: Node, unit: str) -> str:
    """CN of a certificate unit: the node's name (host name or FQDN per release), CAPF-<8 hex>,
    ITLRECOVERY_<name> (seeds 001/002)."""
    base = node.fqdn if cluster.release.cn_style == "fqdn" else node.hostname
    if unit == CERT_CAPF:
        return "CAPF-" + os.urandom(4).hex()
    if unit == CERT_ITLRECOVERY:
        return "ITLRECOVERY_" + base
    return base


def new_unit_identity(
    cluster: Cluster, node: Node, unit: str, *, key=None, now=None, self_signed: bool = False
) -> Identity:
    """A fresh certificate for `unit` on `node`. The cluster CA, if any, signs CallManager,
    TVS and CAPF; ITLRecovery is always self-signed. A replacement keeps the old key size and,
    for CAPF, the old CAPF-<hex> name (GUESSED: real CUCM may pick a new one)."""
    previous = node.certs.get(unit)
    if previous is not None and unit == CERT_CAPF:
        common_name = pki.common_name(previous.cert)
    else:
        common_name = unit_common_name(cluster, node, unit)
    if key is None:
        key = pki.generate_keys(1, previous.key.key_size if previous else cluster.release.key_size)[0]
    issuer = None if (self_signed or unit == CERT_ITLRECOVERY) else cluster.ca
    return pki.new_identity(
        common_name, key=key, issuer=issuer, not_before=now or cluster.clock.now()
    )


# ---------------------------------------------------------------------------------------------
# State changes the SSH side calls


def regenerate_itl(cluster: Cluster, node: Node, *, signer_unit: Optional[str] = None) -> StoredFile:
    """Rebuild `node`'s ITLFile.tlv (what Cisco Tftp does when it starts) and store it.

    The node no longer serves a reset ITL afterwards (its `utils itl reset` flags are cleared).
    """
    with cluster.lock:
        now = cluster.clock.now()
        data = trustbuild.build_itl(cluster, node, signer_unit=signer_unit, timestamp=now)
        stored = StoredFile(data=data, mtime=now)
        node.tftp_files[ITL_FILE] = stored
        node.serving_reset_itl = node.keep_itl_on_tftp_start = False
        return stored


def start_tftp(cluster: Cluster, node: Node) -> Optional[StoredFile]:
    """What Cisco Tftp does to the ITL when it starts: regenerate it, except once right after
    `utils itl reset` put the reset ITL in place (that restart keeps it, primer section 4).
    The new file, or None when the reset ITL was kept."""
    with cluster.lock:
        if node.keep_itl_on_tftp_start:
            node.keep_itl_on_tftp_start = False
            return None
        return regenerate_itl(cluster, node)


def write_ctl(
    cluster: Cluster,
    *,
    signer=None,
    mode: Optional[str] = None,
    etokens=None,
    nodes: Optional[Iterable[Node]] = None,
) -> StoredFile:
    """Build the CTL once and put the same bytes on every node (or on `nodes`).

    `mode` defaults to the cluster's security mode; see trustbuild.build_ctl for `signer`.
    """
    with cluster.lock:
        if mode is None:
            mode = (
                trustbuild.MODE_MIXED
                if cluster.security_mode == SECURITY_MODE_MIXED
                else trustbuild.MODE_NON_SECURE
            )
        now = cluster.clock.now()
        data = trustbuild.build_ctl(cluster, signer=signer, mode=mode, etokens=etokens, timestamp=now)
        stored = StoredFile(data=data, mtime=now)
        for node in nodes if nodes is not None else cluster.nodes:
            node.tftp_files[CTL_FILE] = StoredFile(data=stored.data, mtime=stored.mtime)
        return stored


def store_itlrecovery_p12(cluster: Cluster) -> StoredFile:
    """Write the publisher's ITLRecovery.p12, protected by the cluster security password."""
    with cluster.lock:
        pub = cluster.publisher
        data = pki.pkcs12_bytes(
            pub.certs[CERT_ITLRECOVERY], cluster.cluster_security_password, P12_FRIENDLY_NAME
        )
        stored = StoredFile(data=data, mtime=cluster.clock.now())
        pub.tftp_files[ITLRECOVERY_P12] = stored
        return stored


def regenerate_certificate(cluster: Cluster, node: Node, unit: str, *, key=None) -> Identity:
    """`set cert regen <unit>`: a new self-signed key and certificate with the same name.

    Trust files are not touched: CUCM rebuilds the ITL when Cisco Tftp restarts. Regenerating
    the publisher's ITLRecovery also rewrites ITLRecovery.p12. `key`: a key made beforehand
    (key generation is slow; callers in the event loop make it in a worker thread).
    """
    with cluster.lock:
        identity = new_unit_identity(cluster, node, unit, key=key, self_signed=True)
        node.certs[unit] = identity
        if unit == CERT_ITLRECOVERY and node.publisher:
            store_itlrecovery_p12(cluster)
        return identity


# ---------------------------------------------------------------------------------------------


def _services(node: Node, runs_tftp: bool):
    services = {}
    for service, where in SERVICE_CATALOGUE:
        active = (
            where == "all"
            or (where == "publisher" and node.publisher)
            or (where == "tftp" and runs_tftp)
        )
        services[service] = ServiceState(activated=active, state="STARTED" if active else "STOPPED")
    return services


def _select_nodes(nodes: List[Node], wanted: Optional[Iterable[Union[str, int]]]) -> List[Node]:
    if wanted is None:
        return list(nodes)
    selected = []
    for item in wanted:
        if isinstance(item, int):
            selected.append(nodes[item])
        else:
            matches = [n for n in nodes if n.hostname == item]
            if not matches:
                raise ValueError("no node named %r" % item)
            selected.extend(matches)
    return selected


def _password() -> str:
    return secrets.token_urlsafe(12)
