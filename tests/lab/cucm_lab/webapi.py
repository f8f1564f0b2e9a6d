"""HTTPS on every lab node: the AXL (axl.py) and RisPort70 (risport.py) subsets, with Tomcat's
TLS certificate, Basic auth, sessions, limits and faults (cucm-phone-apis.md 1-3).

* TLS: each node presents its own Tomcat certificate, issued by one lab CA (GUESSED shape: real
  clusters are often self-signed; a CA lets the collection verify with a CA file). The CA is
  written to `<state dir>/lab-ca.pem`. To start fast, the lab's Tomcat certificates share one
  2048-bit key (each node's certificate, and so its fingerprint, is its own).
* Auth (1, 2.2): HTTP Basic on every request; a `JSESSIONIDSSO` cookie is set and, sent back
  without Authorization, re-uses the session until it has been idle `session_idle_seconds`
  (then HTTP 404, [D] S3). Users: the cluster's API user (AXL and RisPort), a user without AXL
  roles, and the CCM Administrator (super user). A wrong password or a missing role: HTTP 401.
* AXL needs "Cisco AXL Web Service" running on the node (the lab activates it on the publisher,
  [D] S3: "send all AXL to the publisher"), RisPort "Cisco RIS Data Collector"; else HTTP 503
  (GUESSED).
* Faults (`POST /api/faults`): `axl_throttle` (HTTP 503 for the next N AXL requests, [D] S3),
  `api_down` (503, or the connection closed without an answer).

Everything unconfirmed is an ApiSettings field or a text in GUESSED_API_TEXTS.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import datetime
import email.utils
import hashlib
import hmac
import ipaddress
import logging
import os
import secrets
import ssl
from dataclasses import asdict, dataclass, field, fields
from http import HTTPStatus
from typing import Dict, List, Optional, Tuple

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from . import axl, pki, risport
from .labtime import LabTimer
from .model import Identity

LOG = logging.getLogger("cucm_lab.webapi")
LISTEN_HOST = "127.0.0.1"
AXL_PATH = "/axl/"
RISPORT_PATH = "/realtimeservice2/services/RISService70"
CA_FILE = "lab-ca.pem"
MAX_BODY = 1 << 20
IDLE_CONNECTION_SECONDS = 60.0

SERVICE_AXL = "Cisco AXL Web Service"
SERVICE_RIS = "Cisco RIS Data Collector"

# Roles (2.2 [D] S4, S5, S6; RisPort roles unconfirmed, [F] S32).
ROLE_AXL = "Standard AXL API Access"
ROLE_ADMIN = "Standard CCM Admin Users"
ROLE_SUPER = "Standard CCM Super Users"
ROLE_RTMT = "Standard RealtimeAndTraceCollection"
AXL_ROLES = (ROLE_AXL, ROLE_SUPER)
RISPORT_ROLES = (ROLE_RTMT, ROLE_SUPER)
API_USER = "labapi"  # GUESSED names: any application user
NOAXL_USER = "labnoaxl"

GUESSED_API_TEXTS = {
    # [F] S23, S24 (an HTML page); the version list's form follows the 15.x sample.
    "axl_version_599": ("<html><head><title>Incorrect axl version</title></head><body>"
                        "Incorrect axl version. Supported axl versions are {versions}</body></html>"),
    # [F] S29 pattern "Item not valid: The specified ... was not found"; the object words GUESSED.
    "axl_device_not_found": "Item not valid: The specified Device was not found",
    "axl_pool_not_found": "Item not valid: The specified Device Pool was not found",
    # [D] S3: "Query request too large. Total rows matched: N rows. Suggestive Row Fetch: less than M rows".
    "axl_too_large": ("Query request too large. Total rows matched: {rows} rows. Suggestive Row Fetch: less than"
                      " {suggest} rows"),
    "axl_search_criteria": "searchCriteria must have at least one element",
    "axl_unknown_element": "Unknown element in searchCriteria: {element}",
    "axl_bad_value": "Invalid value for {element}: {value}",
    "axl_reset_choice": "Exactly one of isHardReset and deviceResetType is required",
    "axl_unknown_operation": "Operation {operation} is not supported by the lab",
    "axl_bad_namespace": "The request namespace {namespace} is not an AXL namespace",
    "axl_bad_soap_action": "Invalid SOAPAction: {soap_action}",
    "axl_operation_mismatch": "The SOAPAction operation {header} is not the request's {operation}",
    "axl_version_mismatch": "The SOAPAction version {header} does not match the request namespace version {namespace}",
    # [F] S16, Cisco's typo kept; what follows "minute." is GUESSED (the request's SOAPAction).
    "risport_rate": ("AxisFault: Exceeded allowed rate for Reatime information. Current allowed rate for "
                     "realtime information is {rate} requests per minute.{soap_action}"),
    "risport_unknown_operation": "Operation {operation} is not supported by the lab",
    "unauthorized": ("<html><head><title>401 Unauthorized</title></head>"
                     "<body>HTTP Status 401 - Unauthorized</body></html>"),
    "session_expired": ("<html><head><title>404 Not Found</title></head>"
                        "<body>HTTP Status 404 - session expired</body></html>"),
    "unavailable": ("<html><head><title>503 Service Unavailable</title></head>"
                    "<body>HTTP Status 503 - Service Unavailable</body></html>"),
    "not_found": "<html><head><title>404 Not Found</title></head><body>HTTP Status 404 - Not Found</body></html>",
    "axl_get": ("<html><body>Cisco CallManager: AXL Web Service<br/>"
                "The AXL Web Service is working and accepting requests.</body></html>"),
}


@dataclass
class ApiSettings:
    # 2.4: what doDeviceReset / reset* return: "uuid" ({UUID} of the device or pool) or "true".
    axl_reset_return: str = "uuid"
    # [D] S3: lists over 8 MB fail with axlcode -1 (0: no limit).
    axl_max_response_bytes: int = 8_000_000
    # 3.4: 15 requests a minute by default (Enterprise Parameter, up to 18 on CUCM).
    risport_rate_per_minute: int = 15
    risport_rate_window_seconds: float = 60.0
    # GUESSED: the rate is counted per "cluster" (the parameter is "combined across all RisPort70
    # applications") or per "node".
    risport_rate_scope: str = "cluster"
    # GUESSED: the HTTP status of the rate fault (SOAP faults are normally 500).
    risport_rate_status: int = 500
    # [D] S10: 1000 devices per reply (newer releases may allow 2000, unconfirmed).
    risport_max_devices: int = 1000
    # [S] S2: selectCmDeviceExt answers with selectCmDeviceResponse; some mocks use
    # "selectCmDeviceExtResponse" (GUESSED alternative).
    risport_ext_response: str = "selectCmDeviceResponse"
    # GUESSED: a request without SelectItems selects "all" devices or "none".
    risport_empty_select_items: str = "all"
    # [D] S3: the AXL session's idle timeout (lab seconds).
    session_idle_seconds: float = 1800.0
    # Overrides of GUESSED_API_TEXTS.
    texts: Dict[str, str] = field(default_factory=dict)

    def text(self, key: str, **values) -> str:
        return self.texts.get(key, GUESSED_API_TEXTS[key]).format(**values)

    def to_json(self) -> dict:
        return asdict(self)

    def update(self, changes: dict) -> None:
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError("unknown API setting(s): %s (known: %s)" % (", ".join(unknown), ", ".join(sorted(known))))
        coerced = {name: _coerce(name, value) for name, value in changes.items()}
        for name, value in coerced.items():
            setattr(self, name, value)


def _coerce(name, value):
    choices = {"axl_reset_return": ("uuid", "true"), "risport_rate_scope": ("cluster", "node"),
               "risport_ext_response": ("selectCmDeviceResponse", "selectCmDeviceExtResponse"),
               "risport_empty_select_items": ("all", "none")}
    if name in choices:
        if value not in choices[name]:
            raise ValueError("%s must be one of %s" % (name, ", ".join(choices[name])))
        return value
    if name == "texts":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ValueError("texts must be an object of strings")
        unknown = sorted(set(value) - set(GUESSED_API_TEXTS))
        if unknown:
            raise ValueError("unknown text key(s): %s" % ", ".join(unknown))
        return dict(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError("%s must be a number >= 0" % name)
    if name in ("risport_rate_per_minute", "risport_max_devices", "axl_max_response_bytes", "risport_rate_status"):
        if int(value) != value:
            raise ValueError("%s must be an integer" % name)
        value = int(value)
        if name == "risport_rate_status" and not 400 <= value <= 599:
            raise ValueError("risport_rate_status must be an HTTP error status")
        if name in ("risport_rate_per_minute", "risport_max_devices") and value < 1:
            raise ValueError("%s must be >= 1" % name)
        return value
    if name == "risport_rate_window_seconds" and value == 0:
        raise ValueError("risport_rate_window_seconds must be > 0")
    return float(value)


API_FAULTS = ("axl_throttle", "api_down")
API_NAMES = ("all", "axl", "risport")


class ApiState:
    """One cluster's API side: settings, faults, the RisPort rate window, sessions, statistics.
    Touched under the cluster lock."""

    def __init__(self, cluster, timer: LabTimer):
        self.cluster = cluster
        self.timer = timer
        self.settings = ApiSettings()
        self.faults: List[dict] = []
        self._fault_ids = 0
        self._windows: Dict[str, collections.deque] = {}
        self.sessions: Dict[str, Tuple[str, object]] = {}
        self.reset_stats()

    def reset_stats(self) -> None:
        self.stats = {"requests": 0, "by_api": {}, "by_status": {}, "by_operation": {}, "rate_limited": 0}
        self.history = collections.deque(maxlen=500)
        self._windows.clear()

    # -- faults ----------------------------------------------------------------------------
    def add_fault(self, kind: str, node: str = "*", count: Optional[int] = None, params: Optional[dict] = None) -> dict:
        if kind not in API_FAULTS:
            raise ValueError("fault must be one of %s" % ", ".join(API_FAULTS))
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
            raise ValueError("count must be a positive integer or null")
        params = dict(params or {})
        if kind == "api_down":
            params.setdefault("mode", "503")
            params.setdefault("api", "all")
            if params["mode"] not in ("503", "close") or params["api"] not in API_NAMES:
                raise ValueError("api_down params: mode 503|close, api %s" % "|".join(API_NAMES))
        elif kind == "axl_throttle":
            params.setdefault("retry_after", None)
        unknown = sorted(set(params) - {"mode", "api", "retry_after"})
        if unknown:
            raise ValueError("unknown fault param(s): %s" % ", ".join(unknown))
        if node != "*":
            self.cluster.node(node)  # KeyError for an unknown node
        self._fault_ids += 1
        fault = {"id": self._fault_ids, "fault": kind, "node": node, "count": count, "params": params, "fired": 0}
        self.faults.append(fault)
        return dict(fault)

    def take_fault(self, kind: str, hostname: str, api: str) -> Optional[dict]:
        for fault in self.faults:
            if fault["fault"] != kind or fault["node"] not in ("*", hostname):
                continue
            if kind == "api_down" and fault["params"]["api"] not in ("all", api):
                continue
            fault["fired"] += 1
            if fault["count"] is not None:
                fault["count"] -= 1
                if fault["count"] <= 0:
                    self.faults.remove(fault)
            return fault
        return None

    def clear_faults(self) -> int:
        count = len(self.faults)
        self.faults = []
        return count

    # -- RisPort's rate ----------------------------------------------------------------------
    def risport_allow(self, node) -> bool:
        """Count a RisPort request; False when it exceeds the rate (GUESSED: refused requests
        do not count, so a client that waits gets through)."""
        settings = self.settings
        key = self.cluster.name if settings.risport_rate_scope == "cluster" else node.hostname
        window = self._windows.setdefault(key, collections.deque())
        while window and self.timer.elapsed(window[0]) >= settings.risport_rate_window_seconds:
            window.popleft()
        if len(window) >= settings.risport_rate_per_minute:
            self.stats["rate_limited"] += 1
            return False
        window.append(self.timer.mark())
        return True

    # -- auth ------------------------------------------------------------------------------
    def authenticate(self, headers: Dict[str, str]) -> Tuple[Optional[str], Optional[str], int]:
        """(user, new session cookie or None, status): status 200, 401, or 404 (expired session)."""
        authorization = headers.get("authorization", "")
        if authorization:
            scheme, unused, encoded = authorization.partition(" ")
            if scheme.lower() != "basic":
                return None, None, 401
            try:
                user, unused, password = base64.b64decode(encoded.strip()).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                return None, None, 401
            entry = self.cluster.api_users.get(user)
            if entry is None or not hmac.compare_digest(password.encode("utf-8"), entry["password"].encode("utf-8")):
                return None, None, 401
            token = secrets.token_hex(16).upper()
            self.sessions[token] = (user, self.timer.mark())
            if len(self.sessions) > 10000:
                self.sessions.pop(next(iter(self.sessions)))
            return user, token, 200
        token = _cookie(headers.get("cookie", ""), "JSESSIONIDSSO")
        if token and token in self.sessions:
            user, mark = self.sessions[token]
            if self.timer.elapsed(mark) > self.settings.session_idle_seconds:
                del self.sessions[token]
                return None, None, 404
            self.sessions[token] = (user, self.timer.mark())
            return user, None, 200
        return None, None, 401

    def roles(self, user: str) -> Tuple[str, ...]:
        return tuple(self.cluster.api_users.get(user, {}).get("roles", ()))

    def record(self, hostname: str, api: str, operation: str, status: int, user: Optional[str]) -> None:
        stats = self.stats
        stats["requests"] += 1
        stats["by_api"][api] = stats["by_api"].get(api, 0) + 1
        stats["by_status"][str(status)] = stats["by_status"].get(str(status), 0) + 1
        if operation:
            stats["by_operation"][operation] = stats["by_operation"].get(operation, 0) + 1
        self.history.append({"at": self.cluster.clock.now().isoformat(), "node": hostname, "api": api,
                             "operation": operation, "status": status, "user": user})

    def to_json(self) -> dict:
        return {"cluster": self.cluster.name, "settings": self.settings.to_json(),
                "faults": [dict(f) for f in self.faults], "stats": dict(self.stats), "history": list(self.history),
                "nodes": {node.hostname: {"https_port": node.https_port,
                                          "tomcat_sha256": tomcat_sha256(node) if node.tomcat else None}
                          for node in self.cluster.nodes},
                "users": {name: {"roles": list(entry["roles"])} for name, entry in self.cluster.api_users.items()}}


def provision(cluster, timer: LabTimer) -> ApiState:
    """The cluster's API users and state (cluster.api, cluster.api_users)."""
    with cluster.lock:
        cluster.api_users = {
            API_USER: {"password": secrets.token_urlsafe(12), "roles": [ROLE_AXL, ROLE_ADMIN, ROLE_RTMT]},
            NOAXL_USER: {"password": secrets.token_urlsafe(12), "roles": [ROLE_ADMIN, ROLE_RTMT]},
            cluster.app_admin_user: {"password": cluster.app_admin_password, "roles": [ROLE_SUPER]},
        }
        cluster.api = ApiState(cluster, timer)
        return cluster.api


def _cookie(header: str, name: str) -> Optional[str]:
    for part in header.split(";"):
        key, unused, value = part.strip().partition("=")
        if key == name:
            return value.strip()
    return None


# -- TLS: the lab CA and the nodes' Tomcat certificates ----------------------------------------
def new_ca(key) -> Identity:
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "cucm-lab"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "cucm-lab Tomcat CA")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(pki.cucm_serial()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return Identity(cert=cert, key=key, generated_at=now)


def new_tomcat_identity(node, ca: Identity, key) -> Identity:
    """The node's Tomcat certificate: CN = its FQDN, SANs for its names and 127.0.0.1 (where the
    lab listens), server/client auth, issued by the lab CA, valid five years (GUESSED shape)."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    subject = pki.cucm_name(node.fqdn)
    san = x509.SubjectAlternativeName([x509.DNSName(node.fqdn), x509.DNSName(node.hostname),
                                       x509.DNSName("localhost"),
                                       x509.IPAddress(ipaddress.ip_address(LISTEN_HOST))])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca.cert.subject)
            .public_key(key.public_key()).serial_number(pki.cucm_serial())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1825, seconds=-1))
            .add_extension(san, critical=False)
            .add_extension(x509.KeyUsage(True, False, True, True, False, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                           critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
            .sign(ca.key, hashes.SHA256()))
    return Identity(cert=cert, key=key, generated_at=now)


def tomcat_sha256(node) -> str:
    """Lower-case hex SHA-256 of the node's Tomcat certificate (DER)."""
    return hashlib.sha256(node.tomcat.cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def _pem(cert) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


# -- HTTP/1.1 over TLS -------------------------------------------------------------------------
async def listen_per_node(clusters, serve, base_port: int, port_attribute: str, servers: list,
                          options=lambda node: {}) -> None:
    """One asyncio server per node of `clusters` on LISTEN_HOST (port base_port + i, or OS-chosen when
    0), each calling `serve(cluster, node, reader, writer)`; the port is stored in the node's
    `port_attribute`. Servers are appended to `servers` as they start, so the caller's stop() closes
    the ones already listening when a later one fails."""
    index = 0
    for cluster in clusters:
        for node in cluster.nodes:
            server = await asyncio.start_server(
                lambda r, w, c=cluster, n=node: serve(c, n, r, w), LISTEN_HOST,
                base_port + index if base_port else 0, reuse_address=True, **options(node))
            servers.append(server)
            with cluster.lock:
                setattr(node, port_attribute, server.sockets[0].getsockname()[1])
            index += 1


class HttpError(Exception):
    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


class Request:
    __slots__ = ("method", "path", "query", "headers", "body", "version")

    def __init__(self, method, path, query, headers, body, version="HTTP/1.1"):
        self.method, self.path, self.query, self.headers, self.body = method, path, query, headers, body
        self.version = version

    @property
    def keep_alive(self) -> bool:
        connection = self.headers.get("connection", "").lower()
        return connection == "keep-alive" if self.version == "HTTP/1.0" else connection != "close"


class Response:
    __slots__ = ("status", "body", "content_type", "headers", "close")

    def __init__(self, status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8",
                 headers: Optional[List[Tuple[str, str]]] = None, close: bool = False):
        self.status, self.body, self.content_type = status, body, content_type
        self.headers = headers or []
        self.close = close

    def encode(self, keep_alive: bool, date: Optional[str] = None) -> bytes:
        reason = "AXL Version Error" if self.status == 599 else _reason(self.status)
        lines = ["HTTP/1.1 %d %s" % (self.status, reason)]
        if date:
            lines.append("Date: %s" % date)
        lines += ["Content-Type: %s" % self.content_type, "Content-Length: %d" % len(self.body)]
        lines += ["%s: %s" % pair for pair in self.headers]
        lines.append("Connection: %s" % ("keep-alive" if keep_alive else "close"))
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


CLOSE = Response(0, close=True)  # close the connection without an answer


async def read_request(reader: asyncio.StreamReader, writer=None) -> Optional[Request]:
    line = await reader.readline()
    if not line:
        return None
    parts = line.decode("latin-1").rstrip("\r\n").split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise HttpError(400)
    method, target, version = parts
    headers: Dict[str, str] = {}
    for unused in range(100):
        raw = await reader.readline()
        if raw in (b"\r\n", b"\n", b""):
            break
        name, unused_sep, value = raw.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    else:
        raise HttpError(431)
    if writer is not None and headers.get("expect", "").lower() == "100-continue":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")  # curl waits for it before a large body
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = b""
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                await reader.readline()
                break
            body += await reader.readexactly(size)
            await reader.readline()
            if len(body) > MAX_BODY:
                raise HttpError(413)
    else:
        try:
            length = int(headers.get("content-length") or 0)
        except ValueError:
            raise HttpError(400)
        if length > MAX_BODY or length < 0:
            raise HttpError(413)
        body = await reader.readexactly(length) if length else b""
    path, unused_sep, query = target.partition("?")
    return Request(method.upper(), path, query, headers, body, version)


class LabWeb:
    """The HTTPS servers of every node of the lab."""

    def __init__(self, clusters, state_dir: str, key_size: int = 2048):
        self.clusters = list(clusters)
        self.state_dir = state_dir
        self.ca_file = os.path.join(state_dir, CA_FILE)
        self._servers: List[asyncio.AbstractServer] = []
        keys = pki.generate_keys(2, max(2048, key_size))  # TLS clients refuse 1024-bit keys
        self.ca = new_ca(keys[0])
        self._key = keys[1]
        for cluster in self.clusters:
            for node in cluster.nodes:
                node.tomcat = new_tomcat_identity(node, self.ca, self._key)
        with open(self.ca_file, "wb") as handle:
            handle.write(_pem(self.ca.cert))
        self._directory = os.path.join(state_dir, "https")
        os.makedirs(self._directory, mode=0o700, exist_ok=True)
        self._key_path = os.path.join(self._directory, "tomcat.key")
        fd = os.open(self._key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(self._key.private_bytes(serialization.Encoding.PEM,
                                                 serialization.PrivateFormat.TraditionalOpenSSL,
                                                 serialization.NoEncryption()))

    def _context(self, node) -> ssl.SSLContext:
        cert_path = os.path.join(self._directory, "%s.pem" % node.hostname)
        with open(cert_path, "wb") as handle:
            handle.write(_pem(node.tomcat.cert) + _pem(self.ca.cert))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, self._key_path)
        return context

    async def start(self, base_port: int = 0) -> None:
        """Listen for every node (base_port + i, or OS-chosen when 0)."""
        try:
            await listen_per_node(self.clusters, self._serve, base_port, "https_port", self._servers,
                                  lambda node: {"ssl": self._context(node), "ssl_handshake_timeout": 10})
        except Exception:
            await self.stop()
            raise

    async def stop(self) -> None:
        for server in self._servers:
            server.close()
        for server in self._servers:
            await server.wait_closed()
        self._servers = []

    async def _serve(self, cluster, node, reader, writer) -> None:
        try:
            while True:
                try:
                    request = await asyncio.wait_for(read_request(reader, writer), IDLE_CONNECTION_SECONDS)
                except HttpError as exc:
                    writer.write(Response(exc.status).encode(False))
                    await writer.drain()
                    return
                if request is None:
                    return
                response = handle(cluster, node, request)
                if response.close:
                    return
                keep_alive = request.keep_alive
                # Date: the lab clock (what RisPort's TimeStamps count in), as Tomcat sends it.
                date = email.utils.format_datetime(cluster.clock.now().astimezone(datetime.timezone.utc),
                                                   usegmt=True)
                writer.write(response.encode(keep_alive, date))
                await writer.drain()
                if not keep_alive:
                    return
        except (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError, ssl.SSLError, ValueError):
            return
        except Exception:  # a lab bug: log it, drop the connection, keep serving others
            LOG.exception("HTTPS request on %s failed", node.hostname)
        finally:
            writer.close()


def handle(cluster, node, request: Request) -> Response:
    """One HTTPS request to `node` (also usable in-process, without sockets)."""
    api = cluster.api
    path = request.path
    if path.rstrip("/") == AXL_PATH.rstrip("/"):
        which = "axl"
    elif path.rstrip("/") == RISPORT_PATH:
        which = "risport"
    else:
        which = None
    with cluster.lock:
        down = api.take_fault("api_down", node.hostname, which or "all")
        if down is not None:
            api.record(node.hostname, which or "-", "", 503, None)
            if down["params"]["mode"] == "close":
                return CLOSE
            return Response(503, api.settings.text("unavailable").encode())
        if which is None:
            return Response(404, api.settings.text("not_found").encode())
        user, cookie, status = api.authenticate(request.headers)
        if status != 200:
            api.record(node.hostname, which, "", status, None)
            if status == 404:
                return Response(404, api.settings.text("session_expired").encode())
            return _unauthorized(api)
        roles = api.roles(user)
        if not any(role in roles for role in (AXL_ROLES if which == "axl" else RISPORT_ROLES)):
            api.record(node.hostname, which, "", 401, user)  # 2.2 [D] S4: a plain 401
            return _unauthorized(api)
        headers = [("Set-Cookie", "JSESSIONIDSSO=%s; Path=/; Secure; HttpOnly" % cookie)] if cookie else []
        service = node.services.get(SERVICE_AXL if which == "axl" else SERVICE_RIS)
        if service is None or not service.activated or service.state != "STARTED":
            api.record(node.hostname, which, "", 503, user)
            return Response(503, api.settings.text("unavailable").encode(), headers=headers)
        if request.method == "GET" and which == "axl":
            return Response(200, api.settings.text("axl_get").encode(), headers=headers)
        if request.method != "POST":
            api.record(node.hostname, which, "", 405, user)
            return Response(405, b"", headers=headers + [("Allow", "POST")])
        soap_action = request.headers.get("soapaction")
        if which == "axl":
            throttle = api.take_fault("axl_throttle", node.hostname, "axl")
            if throttle is not None:
                # [D] S3, S7: AXL throttling answers HTTP 503; body and Retry-After GUESSED.
                api.record(node.hostname, which, "", 503, user)
                retry = throttle["params"].get("retry_after")
                extra = [("Retry-After", str(retry))] if retry is not None else []
                return Response(503, api.settings.text("unavailable").encode(), headers=headers + extra)
            status, body, content_type, operation = axl.handle(cluster, request.body, soap_action, api.settings)
        else:
            status, body, operation = risport.handle(cluster, node, request.body, soap_action, api)
            content_type = "text/xml; charset=utf-8"
        api.record(node.hostname, which, operation, status, user)
        return Response(status, body, content_type, headers=headers)


def _unauthorized(api) -> Response:
    # GUESSED realm.
    return Response(401, api.settings.text("unauthorized").encode(),
                    headers=[("WWW-Authenticate", 'Basic realm="Cisco Unified Communications Manager"')])
