"""Plain HTTP on every lab node: CUCM's "HTTP service from the TFTP server" (TCP 6970,
cucm-phone-apis.md 4.4, primer section 3 consequence 5), from which phones and audits fetch
`http://<tftp-node>:6970/<file>`: `ITLFile.tlv`, `CTLFile.tlv`, `ITLSEP<MAC>.tlv`, ...

* What is served: exactly the bytes of `node.tftp_files[name]` (model.StoredFile), the same
  object `show itl` / `show ctl` render. No fallback: a missing `ITLSEP<MAC>.tlv` is a 404 (the
  phone falls back to `ITLFile.tlv` itself, phones.py `_fetch`). The lab's TFTP directory is flat:
  a name with `/`, `\\`, `.`/`..` segments or a NUL (also percent-encoded) is a 400. GUESSED: names
  are case-sensitive, and every file of the directory is served (`ITLRecovery.p12` on the
  publisher too: `file get tftp` finds it in the same directory).
* GET and HEAD only (else 405). Headers: Content-Length, `Content-Type: application/octet-stream`,
  Last-Modified (the file's mtime, lab clock), Date (lab clock). HTTP/1.1 keep-alive.
* Only while the node runs Cisco Tftp, activated and STARTED (as phones.py and webapi.py check a
  service). Otherwise the node setting `tftp_http_when_stopped` decides (GUESSED, no transcript:
  the port belongs to the Cisco Tftp process, so nothing would listen): `refuse` (default: the
  connection is accepted and reset at once, as near to a refused connection as a lab that keeps
  its port can get) or `503`.
* Faults (`POST /faults`, faults.py): `tftp_http_down` (503, or the connection closed without an
  answer) and `tftp_http_tamper` (the HTTP copy of one file has one byte XOR 0xFF; the stored
  file stays intact). A fault's `command` regex, if any, is matched against the request path.
* Every request read is counted in the lab's stats (`GET /stats`, per node `tftp_http`).
"""

from __future__ import annotations

import asyncio
import datetime
import email.utils
import logging
import socket
import struct
from typing import List, Optional, Set
from urllib.parse import unquote

from .model import SERVICE_TFTP
from .webapi import HttpError, Response, listen_per_node, read_request

LOG = logging.getLogger("cucm_lab.tftphttp")
CUCM_PORT = 6970  # what a real node listens on (the lab's ports are base + i or OS-chosen)
IDLE_CONNECTION_SECONDS = 30.0  # a keep-alive connection with no new request is closed
WRITE_SECONDS = 30.0  # a client that does not read its answer is dropped
OCTET_STREAM = "application/octet-stream"

# GUESSED bodies of the error answers (no transcript of CUCM's 6970 errors).
TEXTS = {
    400: b"Bad Request\n",
    404: b"File Not Found\n",
    405: b"Method Not Allowed\n",
    503: b"Service Unavailable\n",
}
CLOSE = "close"  # answer: close the connection without a word
REFUSE = "refuse"  # answer: reset the connection


def _http_date(moment: datetime.datetime) -> str:
    return email.utils.format_datetime(moment.astimezone(datetime.timezone.utc), usegmt=True)


def file_name(path: str) -> Optional[str]:
    """The TFTP file a request path names ("" for the directory itself); None for a path to
    refuse with a 400: not absolute, `..` / `.` / empty segments, a backslash, a control
    character, or not UTF-8 once percent-decoded."""
    if not path.startswith("/"):
        return None
    try:
        name = unquote(path[1:], errors="strict")
    except UnicodeDecodeError:
        return None
    if not name:
        return ""  # the directory itself: no listing, a 404
    if "\\" in name or any(ord(char) < 0x20 or char == "\x7f" for char in name):
        return None
    if any(segment in ("", ".", "..") for segment in name.split("/")):
        return None
    return name  # a name with "/" is in no subdirectory of the lab's flat directory: a 404


def _error(status: int, keep_alive: bool = True):
    return Response(status, TEXTS[status], "text/plain; charset=utf-8", close=not keep_alive)


def handle(cluster, node, request, services):
    """Answer one request to `node`: a webapi.Response, CLOSE or REFUSE (also usable in-process,
    without sockets). `services`: the lab's server.LabServices (settings, faults, stats)."""
    method, path = request.method, request.path
    with cluster.lock:
        if not _tftp_up(node):
            if services.settings.get(node.hostname).tftp_http_when_stopped == REFUSE:
                services.stats.tftp_http(node.hostname, method, path, "refused")
                return REFUSE
            services.stats.tftp_http(node.hostname, method, path, 503)
            return _error(503)
        down = services.faults.take("tftp_http_down", node.hostname, command=path)
        if down is not None:
            mode = down.params["mode"]
            services.stats.tftp_http(node.hostname, method, path, "closed" if mode == "close" else 503)
            return CLOSE if mode == "close" else _error(503)
        if method not in ("GET", "HEAD"):
            services.stats.tftp_http(node.hostname, method, path, 405)
            answer = _error(405)
            answer.headers.append(("Allow", "GET, HEAD"))
            return answer
        name = file_name(path)
        if name is None:
            services.stats.tftp_http(node.hostname, method, path, 400)
            return _error(400)
        stored = node.tftp_files.get(name) if name else None
        if stored is None:
            services.stats.tftp_http(node.hostname, method, path, 404)
            return _error(404)
        data = stored.data
        if method == "GET":
            tamper = services.faults.take("tftp_http_tamper", node.hostname, command=path, file=name,
                                          size=len(data))
            if tamper is not None:
                offset = tamper.params["offset"]
                offset = len(data) // 2 if offset is None else offset
                flipped = bytearray(data)
                flipped[offset] ^= 0xFF
                data = bytes(flipped)
        services.stats.tftp_http(node.hostname, method, path, 200)
        return Response(200, data, OCTET_STREAM, headers=[("Last-Modified", _http_date(stored.mtime))])


def _tftp_up(node) -> bool:
    service = node.services.get(SERVICE_TFTP)
    return bool(service and service.activated and service.state == "STARTED")


def _reset(writer) -> None:
    """Close with a TCP RST (SO_LINGER 0): the client sees its connection reset."""
    sock = writer.get_extra_info("socket")
    try:
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    writer.transport.abort()


class LabTftpHttp:
    """The plain-HTTP TFTP file servers of every node of the lab."""

    def __init__(self, clusters, services):
        self.clusters = list(clusters)
        self.services = services
        self._servers: List[asyncio.AbstractServer] = []
        self._writers: Set[asyncio.StreamWriter] = set()

    async def start(self, base_port: int = 0) -> None:
        """Listen for every node (base_port + i, or OS-chosen when 0); sets node.tftp_http_port."""
        try:
            await listen_per_node(self.clusters, self._serve, base_port, "tftp_http_port", self._servers)
        except Exception:
            await self.stop()
            raise

    async def stop(self) -> None:
        for server in self._servers:
            server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        for server in self._servers:
            await server.wait_closed()
        self._servers = []

    async def _serve(self, cluster, node, reader, writer) -> None:
        self._writers.add(writer)
        try:
            with cluster.lock:
                refuse = (not _tftp_up(node)
                          and self.services.settings.get(node.hostname).tftp_http_when_stopped == REFUSE)
            if refuse:  # before reading anything, as a port nobody listens on
                self.services.stats.tftp_http(node.hostname, None, None, "refused")
                _reset(writer)
                return
            while True:
                try:
                    request = await asyncio.wait_for(read_request(reader), IDLE_CONNECTION_SECONDS)
                except HttpError as exc:
                    self.services.stats.tftp_http(node.hostname, None, None, exc.status)
                    writer.write(Response(exc.status, b"", "text/plain; charset=utf-8").encode(False))
                    await asyncio.wait_for(writer.drain(), WRITE_SECONDS)
                    return
                if request is None:
                    return
                answer = handle(cluster, node, request, self.services)
                if answer is REFUSE:
                    _reset(writer)
                    return
                if answer is CLOSE:
                    return
                keep_alive = request.keep_alive
                encoded = answer.encode(keep_alive, _http_date(cluster.clock.now()))
                if request.method == "HEAD":
                    encoded = encoded[:len(encoded) - len(answer.body)]
                writer.write(encoded)
                await asyncio.wait_for(writer.drain(), WRITE_SECONDS)
                if not keep_alive:
                    return
        except (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError, ValueError):
            return
        except Exception:  # a lab bug: log it, drop the connection, keep serving others
            LOG.exception("TFTP HTTP request on %s failed", node.hostname)
        finally:
            self._writers.discard(writer)
            writer.close()
