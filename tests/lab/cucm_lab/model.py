"""Data model of a simulated CUCM cluster.

Shared by the trust-material builders (pki, trustfile, trustbuild, render) and the SSH
service (server, shell, commands, control). Everything a node "has on disk" lives here, so a
command that changes state changes what every other command renders afterwards.
"""

from __future__ import annotations

import datetime
import threading
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

if TYPE_CHECKING:  # pragma: no cover
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa

    from .releases import ReleaseProfile

SERVICE_TFTP = "Cisco Tftp"
SERVICE_CALLMANAGER = "Cisco CallManager"
SERVICE_TVS = "Cisco Trust Verification Service"
SERVICE_CAPF = "Cisco Certificate Authority Proxy Function"
SERVICE_CTI = "Cisco CTIManager"

# Certificate units as `set cert regen <unit>` / `show cert own <unit>` name them.
CERT_CALLMANAGER = "CallManager"
CERT_TVS = "TVS"
CERT_CAPF = "CAPF"
CERT_ITLRECOVERY = "ITLRecovery"
CERT_UNITS = (CERT_CALLMANAGER, CERT_TVS, CERT_CAPF, CERT_ITLRECOVERY)

ITL_FILE = "ITLFile.tlv"
CTL_FILE = "CTLFile.tlv"
ITLRECOVERY_P12 = "ITLRecovery.p12"

SECURITY_MODE_NON_SECURE = 0
SECURITY_MODE_MIXED = 1

# How a 12.x+ ITL carries the TVS and CAPF certificates (Cluster.itl_record_form):
# "certhash" = CERTHASH + HASH ALGORITHM records, as every seed shows (8.x, 10.0);
# "full" = the whole certificate (SUBJECTNAME ... SIGNATURE, CERTIFICATE), as the Security Guide
# describes newer ITLs. GUESSED which one real 12.x+ writes: no 12.x `show itl` transcript.
ITL_FORM_CERTHASH = "certhash"
ITL_FORM_FULL = "full"
ITL_RECORD_FORMS = (ITL_FORM_CERTHASH, ITL_FORM_FULL)


class LabClock:
    """Wall clock that the control API can move forward (e.g. past the 5-minute cert hold)."""

    def __init__(self, tz: datetime.tzinfo = datetime.timezone.utc):
        self._offset = datetime.timedelta()
        self._tz = tz
        self._lock = threading.Lock()

    def now(self) -> datetime.datetime:
        with self._lock:
            return datetime.datetime.now(self._tz) + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += datetime.timedelta(seconds=seconds)


@dataclass
class Identity:
    """A certificate with its private key, as CUCM keeps it for one certificate unit."""

    cert: "x509.Certificate"
    key: "rsa.RSAPrivateKey"
    generated_at: Optional[datetime.datetime] = None  # lab-clock time of the last (re)generation
    # How trust files spell this certificate's subject / issuer when it is not CUCM's own
    # `CN=..;OU=..;...` rendering: hardware eTokens are written by the Windows CTL client
    # (`cn="SAST-ADN..        ";ou=IPCBU;o="Cisco Systems`, seed 002). None: pki.dn_string().
    subject_text: Optional[str] = None
    issuer_text: Optional[str] = None


@dataclass
class ServiceState:
    activated: bool = True
    state: str = "STARTED"  # STARTED | STOPPED | STARTING | STOPPING


@dataclass
class StoredFile:
    data: bytes
    mtime: datetime.datetime  # timezone-aware, lab clock
    # The node whose TFTP directory holds this file, set when a node stores it (NodeFiles):
    # `show itl` / `show ctl` print it with that node's time zone and trust-list style. None for
    # a file no node holds (then render.py's defaults apply).
    holder: Optional["Node"] = field(default=None, compare=False, repr=False)


class NodeFiles(dict):
    """A node's TFTP directory, file name -> StoredFile. Storing a file makes the node its
    holder; a file another node already holds is stored as a copy (the same bytes and mtime)."""

    def __init__(self, node: Optional["Node"] = None, files=()):
        super().__init__()
        self._node = node
        self.update(files)

    def __setitem__(self, name: str, stored: StoredFile) -> None:
        super().__setitem__(name, self._held(stored))

    def update(self, *args, **kwargs) -> None:
        for name, stored in dict(*args, **kwargs).items():
            self[name] = stored

    def setdefault(self, name: str, default: Optional[StoredFile] = None):
        if name not in self:
            self[name] = default
        return self[name]

    def _held(self, stored):
        if self._node is None or not isinstance(stored, StoredFile) or stored.holder is self._node:
            return stored
        if stored.holder is None:
            stored.holder = self._node
            return stored
        return replace(stored, holder=self._node)


@dataclass
class Node:
    hostname: str
    fqdn: str
    ip: str  # address the CLI shows (192.0.2.0/24 documentation range, never contacted)
    publisher: bool
    ssh_port: int = 0  # where this node's SSH server listens on 127.0.0.1
    certs: Dict[str, Identity] = field(default_factory=dict)
    services: Dict[str, ServiceState] = field(default_factory=dict)
    # Files under the TFTP directory: ITLFile.tlv, CTLFile.tlv, ITLRecovery.p12 (publisher only).
    # A NodeFiles (see __post_init__): the files know their node.
    tftp_files: Dict[str, StoredFile] = field(default_factory=dict)
    # The node's OS time zone (IANA name): the "last modified" line of `show itl` / `show ctl`.
    # GUESSED default UTC (the seeds show EDT, PST and CET nodes); bootstrap / --time-zone set it.
    time_zone: str = "UTC"
    # How this node's CLI lays out `show itl` / `show ctl` where the seeds disagree: overrides of
    # render.TrustListStyle fields, e.g. {"issuer_tag": "ISSUERNAME"} (--trust-list-style).
    trust_list_style: Dict[str, Any] = field(default_factory=dict)
    # The node's SSH known_hosts as an SFTP client (`file get tftp`, `utils itl reset
    # remotekey`): "host" or "[host]:port" -> "ssh-rsa AAAA..." (sftp_client.KnownHosts).
    sftp_known_hosts: Dict[str, str] = field(default_factory=dict)
    # `utils itl reset`: this node's ITLFile.tlv is the reset ITL (until Cisco Tftp regenerates
    # the normal one).
    serving_reset_itl: bool = False
    # The reset's own Tftp restart keeps the reset ITL: the next Cisco Tftp start skips the
    # regeneration once (bootstrap.start_tftp).
    keep_itl_on_tftp_start: bool = False
    # (unit, lab-clock time) of the last `set cert regen` on this node: the 5-minute hold.
    last_cert_regen: Optional[Tuple[str, datetime.datetime]] = None
    # The node's HTTPS side (webapi.py: AXL, RisPort70): where it listens on 127.0.0.1 and its
    # Tomcat certificate, issued by the lab's CA. Kept out of `certs` (the CUCM trust units).
    https_port: int = 0
    tomcat: Optional[Identity] = None
    # Where the node's TFTP HTTP server (tftphttp.py; CUCM's port 6970) listens on 127.0.0.1.
    tftp_http_port: int = 0

    def __post_init__(self):
        if not isinstance(self.tftp_files, NodeFiles) or self.tftp_files._node is not self:
            self.tftp_files = NodeFiles(self, self.tftp_files)

    @property
    def runs_tftp(self) -> bool:
        svc = self.services.get(SERVICE_TFTP)
        return bool(svc and svc.activated)

    @property
    def runs_callmanager(self) -> bool:
        svc = self.services.get(SERVICE_CALLMANAGER)
        return bool(svc and svc.activated)

    @property
    def runs_tvs(self) -> bool:
        svc = self.services.get(SERVICE_TVS)
        return bool(svc and svc.activated)


@dataclass
class Cluster:
    name: str
    domain: str
    release: "ReleaseProfile"
    nodes: List[Node]
    clock: LabClock = field(default_factory=LabClock)
    security_mode: int = SECURITY_MODE_NON_SECURE  # processconfig ClusterSecurityMode
    os_admin_user: str = "admin"
    os_admin_password: str = ""
    app_admin_user: str = "ccmadmin"  # the "CCM Administrator" application user
    app_admin_password: str = ""
    cluster_security_password: str = ""
    # The enterprise CA that signed the nodes' CallManager/TVS/CAPF certificates when the
    # cluster was built CA-signed; None for self-signed clusters (the default).
    ca: Optional[Identity] = None
    # Auto-registration enabled on a CallManager node: `utils ctl set-cluster mixed-mode` asks
    # the later question with the auto-registration sentence (cucm-cli-behaviour.md).
    auto_registration: bool = False
    # Smart Licensing "Allow export-controlled functionality": needed for mixed mode on releases
    # whose profile has `mixed_mode_needs_licence` (11.5(1)SU3+).
    export_controlled_allowed: bool = True
    # The hardware eTokens whose CTL is on the nodes (written by the Windows CTL client); empty
    # for a tokenless CTL or none. `utils ctl update CTLFile` migrates to tokenless.
    etokens: List[Identity] = field(default_factory=list)
    # TVS and CAPF records of the ITL: ITL_FORM_CERTHASH or ITL_FORM_FULL (see ITL_RECORD_FORMS);
    # None = the release profile's `itl_hash_only_tvs_capf`. Every ITL build honours it
    # (bootstrap, Cisco Tftp start, `utils itl reset`, which re-signs the publisher's records).
    itl_record_form: Optional[str] = None
    # Application users of the HTTP APIs (webapi.py): name -> {"password", "roles"}.
    api_users: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    # The cluster's IP phones (phones.PhonePopulation) and its HTTPS API state
    # (webapi.ApiState); None until the lab gives it some.
    phones: Any = field(default=None, repr=False)
    api: Any = field(default=None, repr=False)
    # One lock for every state change: the node servers run in one event loop, the control
    # API in a thread.
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def publisher(self) -> Node:
        return next(n for n in self.nodes if n.publisher)

    @property
    def subscribers(self) -> List[Node]:
        return [n for n in self.nodes if not n.publisher]

    @property
    def tftp_nodes(self) -> List[Node]:
        return [n for n in self.nodes if n.runs_tftp]

    def node(self, hostname: str) -> Node:
        for n in self.nodes:
            if n.hostname == hostname:
                return n
        raise KeyError(hostname)
