"""Loopback HTTP control API of the lab (JSON in, JSON out).

::

    GET    /health                      {"ok": true}
    GET    /clusters                    {"clusters": [names]}
    GET    /stats                       {"nodes": {hostname: {logins, commands, sessions, history, answers,
                                        tftp_http: {requests, refused, by_status, history}}}}
    GET    /state[?cluster=NAME]        cluster settings, security mode, eTokens, ITL record form; per
                                        node: services, files (records, signer, verified), certificates,
                                        reset flags, time zone, show itl/ctl layout (trust_list_style)
    GET    /file?node=HOST&name=FILE    {"data_base64", "mtime"}: a node's stored file, byte for byte
    GET    /settings[?node=HOST]        {hostname: {setting: value}}
    POST   /settings                    {"node": HOST|"*", "cluster": NAME?, <setting>: value, ...}
    GET    /faults                      registered faults
    POST   /faults                      {"node", "fault", "command", "count", "params"}  (faults.py)
                                        TFTP HTTP (tftphttp.py; "command" = a regex on the path):
                                        {"fault": "tftp_http_down", "params"?: {"mode": "503"|"close"}}
                                        {"fault": "tftp_http_tamper", "node"?, "params"?: {"file"?:
                                        "ITLFile.tlv", "offset"?: n (default: len // 2)}}: the HTTP
                                        copy has that byte XOR 0xFF, the stored file stays intact
    DELETE /faults[?node=HOST&fault=KIND]
    POST   /clock/advance               {"seconds": n}
    POST   /actions/regen-cert          {"node", "unit"}
    POST   /actions/restart-service     {"node", "service"}      (Cisco Tftp rebuilds the ITL)
    POST   /actions/regenerate-itl      {"node", "signer_unit"?}
    POST   /actions/set-security-mode   {"mode": "mixed"|"non-secure", "cluster"?}
    POST   /actions/stale-ctl           {"node"}
    POST   /actions/etoken-ctl          {"cluster"?, "tokens"?: 1|2}  (CTL signed by hardware eTokens)
    POST   /actions/cluster-settings    {"cluster"?, "auto_registration"?, "export_controlled_allowed"?}
    POST   /actions/itl-reset           {"cluster"?, "restart_tftp"?: bool}  (`utils itl reset localkey`
                                        at once: the reset ITL on every TFTP node, their Tftp restart keeps it)
    POST   /actions/disconnect          {"node"}                 (drop its SSH connections)
    POST   /actions/reset-stats         {}
    GET    /sftp                        {"servers": [lab.json entry + faults + files]}
    POST   /sftp/faults                 {"server"?, "fault", "params"?}   (sftp_lab.LabSftp.set_fault)
    DELETE /sftp/faults[?server=NAME]
    POST   /sftp/rotate-host-key        {"server"?}
    /phones..., /api...                 the phones and the HTTPS APIs: see phonectl.py

Each node also serves its TFTP files over plain HTTP (tftphttp.py, CUCM's port 6970):
``GET|HEAD http://127.0.0.1:<tftp_http_port>/<file>`` (lab.json node ``tftp_http_port``), the bytes
of ``GET /file``; the node setting ``tftp_http_when_stopped`` (refuse|503, GUESSED) decides what
happens while Cisco Tftp is not running.

Every call first moves booting phones on to now (phones.settle), so what it reads or changes
happens after what was due.

Runs in its own thread: model changes happen under ``cluster.lock`` (inside actions.py and
bootstrap), settings/faults/stats are thread-safe, and anything asyncio goes through the lab's
``run_coroutine_threadsafe`` helpers.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from . import actions, bootstrap, faults, phonectl, phones, pki, render, trustbuild
from .trustfile import TrustFileError, parse_trust_file, signer_record_index, verify_trust_file

LOG = logging.getLogger("cucm_lab.control")
MAX_BODY = 1 << 20


class ApiError(Exception):
    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status


# -- summaries ------------------------------------------------------------------------------
def file_summary(name, stored) -> dict:
    data = stored.data
    summary = {"length": len(data), "sha1": hashlib.sha1(data).hexdigest(),
               "md5": hashlib.md5(data).hexdigest(), "mtime": stored.mtime.isoformat()}
    if name.endswith(".tlv"):
        try:
            parsed = parse_trust_file(data)
            summary.update(signer=parsed.signer_name, records=len(parsed.records),
                           verified=verify_trust_file(parsed),
                           signer_serial=parsed.signer_serial.hex().upper() if parsed.signer_serial else None,
                           signer_record=signer_record_index(parsed),
                           record_summary=[record_summary(record) for record in parsed.records])
        except TrustFileError as exc:
            summary.update(signer=None, records=None, verified=False, error=str(exc))
    return summary


def record_summary(record) -> dict:
    """What a trust-file record says: function, names, serial, certificate (or hash) SHA-1."""
    certificate = record.certificate
    return {"function": record.function_name, "dns_name": record.dns_name, "subject": record.subject,
            "serial": record.serial.hex().upper() if record.serial else None,
            "certificate_sha1": hashlib.sha1(certificate).hexdigest() if certificate else None,
            "cert_hash": record.cert_hash.hex() if record.cert_hash else None}


def cert_summary(identity) -> dict:
    cert = identity.cert
    return {"serial": format(cert.serial_number, "X"), "sha1": pki.sha1_hex(cert),
            "subject": pki.dn_string(cert.subject), "issuer": pki.dn_string(cert.issuer),
            "key_size": cert.public_key().key_size,
            "generated_at": identity.generated_at.isoformat() if identity.generated_at else None}


def cluster_summary(cluster) -> dict:
    with cluster.lock:
        return {
            "cluster": cluster.name,
            "release": cluster.release.key,
            "version": cluster.release.version,
            "security_mode": cluster.security_mode,
            "clock": cluster.clock.now().isoformat(),
            "auto_registration": cluster.auto_registration,
            "export_controlled_allowed": cluster.export_controlled_allowed,
            "mixed_mode_needs_licence": cluster.release.mixed_mode_needs_licence,
            "etokens": [pki.subject_text(token) for token in cluster.etokens],
            "itl_record_form": trustbuild.itl_record_form(cluster),
            "nodes": {
                node.hostname: {
                    "publisher": node.publisher,
                    "ip": node.ip,
                    "port": node.ssh_port,
                    "https_port": node.https_port,
                    "tftp_http_port": node.tftp_http_port,
                    "tftp": node.runs_tftp,
                    "services": {name: {"activated": s.activated, "state": s.state}
                                 for name, s in node.services.items()},
                    "files": {name: file_summary(name, stored) for name, stored in node.tftp_files.items()},
                    "certs": {unit: cert_summary(identity) for unit, identity in node.certs.items()},
                    "serving_reset_itl": node.serving_reset_itl,
                    "keep_itl_on_tftp_start": node.keep_itl_on_tftp_start,
                    "last_cert_regen": ({"unit": node.last_cert_regen[0],
                                         "at": node.last_cert_regen[1].isoformat()}
                                        if node.last_cert_regen else None),
                    "sftp_known_hosts": dict(node.sftp_known_hosts),
                    "time_zone": node.time_zone,
                    "trust_list_style": render.node_style(node).to_json(),
                }
                for node in cluster.nodes
            },
        }


# -- the API --------------------------------------------------------------------------------
class ControlApi:
    """Routes of the control API over a running :class:`server.Lab`."""

    def __init__(self, lab):
        self.lab = lab

    # helpers
    def _node(self, body):
        hostname = body.get("node")
        if not isinstance(hostname, str):
            raise ApiError(HTTPStatus.BAD_REQUEST, "node is required")
        try:
            return self.lab.find_node(hostname)
        except KeyError:
            raise ApiError(HTTPStatus.NOT_FOUND, "no node %r" % hostname)

    def _cluster(self, body):
        name = body.get("cluster")
        if name:
            cluster = self.lab.clusters.get(name)
            if cluster is None:
                raise ApiError(HTTPStatus.NOT_FOUND, "no cluster %r" % name)
            return cluster
        if body.get("node") not in (None, "*"):
            return self._node(body)[0]
        if len(self.lab.clusters) == 1:
            return next(iter(self.lab.clusters.values()))
        raise ApiError(HTTPStatus.BAD_REQUEST, "several clusters: say which (%s)" % ", ".join(self.lab.clusters))

    def _hostnames(self, body):
        """Nodes a setting or fault targets: one node, a cluster's nodes, or all of them."""
        node = body.get("node", "*")
        if node != "*":
            return [self._node(body)[1].hostname]
        if body.get("cluster"):
            return [n.hostname for n in self._cluster(body).nodes]
        return [node.hostname for unused_cluster, node in self.lab.nodes()]

    # routes
    def dispatch(self, method: str, path: str, query: dict, body: dict):
        services = self.lab.services
        phones.settle(self.lab.clusters.values())
        answer = phonectl.dispatch(self, method, path, query, body)
        if answer is not None:
            return answer
        if method == "GET":
            if path == "/health":
                return {"ok": True}
            if path == "/clusters":
                return {"clusters": list(self.lab.clusters)}
            if path == "/stats":
                return services.stats.to_json()
            if path == "/state":
                return cluster_summary(self._cluster(query))
            if path == "/file":
                return self._file(query)
            if path == "/settings":
                return services.settings.to_json(self._hostnames(query) if "node" in query else None)
            if path == "/faults":
                return {"faults": services.faults.to_json()}
            if path == "/sftp":
                return {"servers": self._sftp_call(lambda sftp: sftp.state())}
        elif method == "POST":
            if path == "/settings":
                changes = {k: v for k, v in body.items() if k not in ("node", "cluster")}
                hostnames = self._hostnames(body)
                try:
                    services.settings.update(hostnames, changes)
                except ValueError as exc:
                    raise ApiError(HTTPStatus.BAD_REQUEST, str(exc))
                return services.settings.to_json(hostnames)
            if path == "/faults":
                return self._add_fault(body)
            if path == "/clock/advance":
                seconds = body.get("seconds")
                if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
                    raise ApiError(HTTPStatus.BAD_REQUEST, "seconds must be a number >= 0")
                clocks = {id(c.clock): c.clock for c in self.lab.clusters.values()}
                for clock in clocks.values():
                    clock.advance(seconds)
                return {"clock": next(iter(clocks.values())).now().isoformat()}
            if path.startswith("/actions/"):
                return self._action(path[len("/actions/"):], body)
            if path == "/sftp/faults":
                return self._sftp_call(lambda sftp: sftp.set_fault(
                    body.get("server"), body.get("fault"), body.get("params")))
            if path == "/sftp/rotate-host-key":
                return self._sftp_call(lambda sftp: sftp.rotate_host_key(body.get("server")))
        elif method == "DELETE" and path == "/faults":
            return {"removed": services.faults.clear(query.get("node"), query.get("fault"))}
        elif method == "DELETE" and path == "/sftp/faults":
            return {"servers": self._sftp_call(lambda sftp: sftp.clear_faults(query.get("server")))}
        raise ApiError(HTTPStatus.NOT_FOUND, "no route %s %s" % (method, path))

    def _sftp_call(self, call):
        """Run `call(lab.sftp)` in the lab's event loop (awaiting it when it is a coroutine)."""
        sftp = self.lab.sftp
        if sftp is None or not sftp.servers:
            raise ApiError(HTTPStatus.NOT_FOUND, "the lab runs no SFTP server (--sftp-servers)")

        async def run():
            result = call(sftp)
            return await result if asyncio.iscoroutine(result) else result

        try:
            return self.lab.call(run())
        except KeyError as exc:
            raise ApiError(HTTPStatus.NOT_FOUND, str(exc.args[0]) if exc.args else str(exc))
        except ValueError as exc:
            raise ApiError(HTTPStatus.BAD_REQUEST, str(exc))

    def _file(self, query):
        cluster, node = self._node(query)
        with cluster.lock:
            stored = node.tftp_files.get(query.get("name"))
        if stored is None:
            raise ApiError(HTTPStatus.NOT_FOUND, "%s has no file %r" % (node.hostname, query.get("name")))
        return {"data_base64": base64.b64encode(stored.data).decode("ascii"),
                "mtime": stored.mtime.isoformat()}

    def _add_fault(self, body):
        try:
            spec = faults.parse_fault(body)
        except ValueError as exc:
            raise ApiError(HTTPStatus.BAD_REQUEST, str(exc))
        if spec["node"] != "*":
            self._node(spec)
        if spec["kind"] == "tftp_http_tamper" and spec["node"] != "*":
            cluster, node = self._node(spec)
            offset = spec["params"]["offset"]
            with cluster.lock:
                stored = node.tftp_files.get(spec["params"]["file"])
            if stored is not None and offset is not None and offset >= len(stored.data):
                raise ApiError(HTTPStatus.BAD_REQUEST, "offset %d outside %s (%d bytes)"
                               % (offset, spec["params"]["file"], len(stored.data)))
        if spec["kind"] in faults.IMMEDIATE:
            params = spec["params"]
            targets = ([self._node(spec)] if spec["node"] != "*" else
                       [(c, n) for c, n in self.lab.nodes() if params["file"] in n.tftp_files])
            try:
                applied = [actions.corrupt_file(c, n, params["file"], params["offset"]) for c, n in targets]
            except ValueError as exc:
                raise ApiError(HTTPStatus.BAD_REQUEST, str(exc))
            return {"applied": applied}
        fault = self.lab.services.faults.add(spec["kind"], spec["node"], spec["command"],
                                             spec["count"], spec["params"])
        return fault.to_json()

    def _action(self, name, body):
        try:
            if name == "regen-cert":
                cluster, node = self._node(body)
                return actions.regen_cert(cluster, node, body.get("unit"))
            if name == "restart-service":
                cluster, node = self._node(body)
                return actions.restart_service(cluster, node, body.get("service"))
            if name == "regenerate-itl":
                cluster, node = self._node(body)
                stored = bootstrap.regenerate_itl(cluster, node, signer_unit=body.get("signer_unit"))
                return {"node": node.hostname, "file": file_summary("ITLFile.tlv", stored)}
            if name == "set-security-mode":
                return actions.set_security_mode(self._cluster(body), body.get("mode"))
            if name == "stale-ctl":
                cluster, node = self._node(body)
                return actions.stale_ctl(cluster, node)
            if name == "etoken-ctl":
                return actions.etoken_ctl(self._cluster(body), body.get("tokens", 2))
            if name == "cluster-settings":
                cluster = self._cluster(body)
                changes = {k: v for k, v in body.items() if k not in ("cluster", "node")}
                return actions.cluster_settings(cluster, changes)
            if name == "itl-reset":
                restart = body.get("restart_tftp", True)
                if not isinstance(restart, bool):
                    raise ValueError("restart_tftp must be true or false")
                return actions.itl_reset_localkey(self._cluster(body), restart_tftp=restart)
            if name == "disconnect":
                node = self._node(body)[1]
                return {"node": node.hostname, "closed": self.lab.disconnect(node.hostname)}
            if name == "reset-stats":
                self.lab.services.stats.reset()
                return {"ok": True}
        except (ValueError, KeyError) as exc:
            raise ApiError(HTTPStatus.BAD_REQUEST, str(exc))
        raise ApiError(HTTPStatus.NOT_FOUND, "no action %r" % name)


class _Handler(BaseHTTPRequestHandler):
    api: ControlApi  # set on the subclass made by ControlServer
    server_version = "cucm-lab"

    def _handle(self, method):
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        try:
            body = self._body()
            result = self.api.dispatch(method, url.path.rstrip("/") or "/", query, body)
            self._send(HTTPStatus.OK, result)
        except ApiError as exc:
            self._send(exc.status, {"error": str(exc)})
        except Exception as exc:  # a lab bug: answer 500 instead of hanging the caller
            LOG.exception("control %s %s failed", method, self.path)
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "%s: %s" % (type(exc).__name__, exc)})

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body too large")
        if not length:
            return {}
        try:
            body = json.loads(self.rfile.read(length).decode("utf-8"))
        except ValueError as exc:
            raise ApiError(HTTPStatus.BAD_REQUEST, "body is not JSON: %s" % exc)
        if not isinstance(body, dict):
            raise ApiError(HTTPStatus.BAD_REQUEST, "body must be a JSON object")
        return body

    def _send(self, status, payload):
        data = json.dumps(payload, default=str, sort_keys=True).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802 (http.server naming)
        self._handle("GET")

    def do_POST(self):  # noqa: N802
        self._handle("POST")

    def do_DELETE(self):  # noqa: N802
        self._handle("DELETE")

    def log_message(self, format, *args):  # noqa: A002 - keep stderr quiet; debug log instead
        LOG.debug("control: " + format, *args)


class ControlServer:
    """The HTTP server thread on 127.0.0.1."""

    def __init__(self, lab, port: int = 0):
        handler = type("ControlHandler", (_Handler,), {"api": ControlApi(lab)})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="cucm-lab-control",
                                        kwargs={"poll_interval": 0.2}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return "http://%s:%d" % (host, port)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop serving (blocks until the serve loop has ended; don't call it from a handler)."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
