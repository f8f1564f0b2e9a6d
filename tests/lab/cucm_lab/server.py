"""One asyncssh server per node, all clusters of the lab in one event loop.

Each node listens on 127.0.0.1 with its own host key (kept in the state directory, so a
restarted lab keeps its identity). Like CUCM it offers password and/or keyboard-interactive
authentication (no public keys) and an interactive shell only: exec requests and subsystems
(sftp) are refused. Every session runs a :class:`shell.Shell`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hmac
import logging
import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import asyncssh
from asyncssh.constants import MSG_SERVICE_REQUEST
from asyncssh.packet import String

from .faults import FaultRegistry
from .settings import SettingsStore
from .shell import Shell
from .stats import Stats

LOG = logging.getLogger("cucm_lab.server")

LISTEN_HOST = "127.0.0.1"
HOST_KEY_TYPE = "ssh-rsa"  # accepted by every client (GUESSED: the references don't say CUCM's)
HOST_KEY_BITS = 2048
# GUESSED: the version string CUCM's sshd announces (`--ssh-version` changes it).
SERVER_VERSION = "OpenSSH_7.4"
DROP_FLUSH_SECONDS = 0.2  # let partial output reach the client before a connection drop


@dataclass
class LabServices:
    """What every session of the process shares."""

    settings: SettingsStore
    faults: FaultRegistry
    stats: Stats
    started_at: object = None  # lab-clock time the servers came up (`using TCP since`)
    # Open connections per node; touched in the event-loop thread only.
    connections: Dict[str, List[asyncssh.SSHServerConnection]] = field(default_factory=dict)


# -- host keys ------------------------------------------------------------------------------
def host_key_path(state_dir: str, hostname: str) -> str:
    return os.path.join(state_dir, "host_keys", hostname)


def load_host_keys(state_dir: str, hostnames) -> Dict[str, asyncssh.SSHKey]:
    """The host key of every node: read from the state directory, or generated and saved."""
    os.makedirs(os.path.join(state_dir, "host_keys"), mode=0o700, exist_ok=True)
    keys = {}
    missing = []
    for hostname in hostnames:
        path = host_key_path(state_dir, hostname)
        if os.path.exists(path):
            keys[hostname] = asyncssh.read_private_key(path)
        else:
            missing.append(hostname)
    # RSA generation dominates start-up for big fleets: make the new keys in parallel.
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(8, len(missing) or 1)) as pool:
        generated = pool.map(lambda _: asyncssh.generate_private_key(HOST_KEY_TYPE, key_size=HOST_KEY_BITS), missing)
        for hostname, key in zip(missing, generated):
            path = host_key_path(state_dir, hostname)
            key.write_private_key(path)
            os.chmod(path, 0o600)
            keys[hostname] = key
    return keys


def known_hosts_line(port: int, key: asyncssh.SSHKey) -> str:
    algorithm, blob = key.export_public_key("openssh").decode("ascii").split()[:2]
    return "[%s]:%d %s %s" % (LISTEN_HOST, port, algorithm, blob)


# -- SSH glue -------------------------------------------------------------------------------
USERAUTH_SERVICE = b"ssh-userauth"


def _accept_repeated_userauth(conn, pkttype, pktid, packet):
    """MSG_SERVICE_REQUEST handler that, like OpenSSH (CUCM's sshd), accepts `ssh-userauth`
    again until the client is authenticated. asyncssh accepts it once only, but paramiko asks
    before every attempt, e.g. for its keyboard-interactive fallback after a refused password."""
    if (conn._next_service is None and not conn._auth_complete
            and packet.get_remaining_payload() == String(USERAUTH_SERVICE)):
        conn._next_service = USERAUTH_SERVICE
    return asyncssh.SSHServerConnection._process_service_request(conn, pkttype, pktid, packet)


def _allow_repeated_userauth(conn) -> None:
    # Per connection, not a library patch: process_packet() looks the table up on the instance.
    handlers = dict(type(conn)._packet_handlers)
    handlers[MSG_SERVICE_REQUEST] = _accept_repeated_userauth
    conn._packet_handlers = handlers


class NodeSSHServer(asyncssh.SSHServer):
    """One client connection to one node: authentication and session creation."""

    def __init__(self, services: LabServices, cluster, node):
        self._services = services
        self._cluster = cluster
        self._node = node
        self._conn = None
        self._username = ""

    def connection_made(self, conn):
        self._conn = conn
        _allow_repeated_userauth(conn)
        self._services.connections.setdefault(self._node.hostname, []).append(conn)

    def connection_lost(self, exc):
        conns = self._services.connections.get(self._node.hostname, [])
        if self._conn in conns:
            conns.remove(self._conn)

    def _methods(self):
        configured = self._services.settings.get(self._node.hostname).auth_methods
        return configured or self._cluster.release.auth_methods

    def begin_auth(self, username):
        self._username = username
        return True  # authentication is always required

    def password_auth_supported(self):
        return "password" in self._methods()

    def kbdint_auth_supported(self):
        return "keyboard-interactive" in self._methods()

    def public_key_auth_supported(self):
        return False

    def host_based_auth_supported(self):
        return False

    def _valid(self, username, password):
        cluster = self._cluster
        return username == cluster.os_admin_user and hmac.compare_digest(
            password.encode("utf-8"), cluster.os_admin_password.encode("utf-8"))

    def validate_password(self, username, password):
        return self._valid(username, password)

    def get_kbdint_challenge(self, username, lang, submethods):
        prompt = self._services.settings.get(self._node.hostname).text("kbdint_prompt")
        return "", "", "", [(prompt, False)]

    def validate_kbdint_response(self, username, responses):
        return len(responses) == 1 and self._valid(username, responses[0])

    def auth_completed(self):
        self._services.stats.login(self._node.hostname)

    def session_requested(self):
        return SessionChannel(self._services, self._cluster, self._node, self._username)


class SessionChannel(asyncssh.SSHServerSession):
    """An SSH session channel: accepts a PTY and a shell, refuses exec and subsystems."""

    def __init__(self, services: LabServices, cluster, node, username):
        self._chan = None
        self._rows = 0
        self._closing = False
        self._task: Optional[asyncio.Task] = None
        self.shell = Shell(cluster, node, username, self, settings=services.settings,
                           faults=services.faults, stats=services.stats, services=services)

    # Terminal interface used by the shell
    @property
    def rows(self) -> int:
        return self._rows

    def write(self, text: str) -> None:
        if not self._closing:
            self._chan.write(text)

    # asyncssh callbacks
    def connection_made(self, chan):
        self._chan = chan

    def pty_requested(self, term_type, term_size, term_modes):
        self._rows = term_size[1] if term_size else 0
        return True

    def terminal_size_changed(self, width, height, pixwidth, pixheight):
        self._rows = height

    def shell_requested(self):
        return True

    def exec_requested(self, command):
        return False  # CUCM offers no exec channel

    def subsystem_requested(self, subsystem):
        return False  # no sftp (nor any other subsystem) on the CUCM side

    def session_started(self):
        self._task = asyncio.get_running_loop().create_task(self._serve())

    def data_received(self, data, datatype):
        self.shell.input.feed(data)

    def eof_received(self):
        self.shell.input.feed_eof()
        return False

    def connection_lost(self, exc):
        self._closing = True
        self.shell.input.feed_eof()
        if self._task and not self._task.done():
            self._task.cancel()

    async def _serve(self):
        try:
            how = await self.shell.run()
        except asyncio.CancelledError:
            return
        except Exception:  # pragma: no cover - a lab bug; keep the server up
            LOG.exception("session on %s failed", self.shell.node.hostname)
            how = "channel"
        if self._closing:
            return
        if how is None:
            self._closing = True
            self._chan.exit(0)
        elif how == "channel":
            self._closing = True
            self._chan.close()
        else:
            await asyncio.sleep(DROP_FLUSH_SECONDS)
            self._closing = True
            self._chan.get_extra_info("connection").abort()


# -- the lab --------------------------------------------------------------------------------
class Lab:
    """The node servers of every cluster in this process, plus what they share."""

    def __init__(self, clusters, state_dir: str, services: LabServices,
                 server_version: str = SERVER_VERSION):
        self.clusters = {cluster.name: cluster for cluster in clusters}
        self.state_dir = state_dir
        self.services = services
        self.server_version = server_version
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self.sftp = None  # sftp_lab.LabSftp when the lab runs SFTP servers
        self.web = None  # webapi.LabWeb: the nodes' HTTPS (AXL, RisPort70)
        self._acceptors = []

    def nodes(self):
        """(cluster, node) for every node of the lab, in port order."""
        return [(cluster, node) for cluster in self.clusters.values() for node in cluster.nodes]

    def find_node(self, hostname: str):
        for cluster, node in self.nodes():
            if node.hostname == hostname:
                return cluster, node
        raise KeyError(hostname)

    async def start(self, base_port: int = 0) -> None:
        """Listen for every node (port base_port + i, or OS-chosen when 0); write known_hosts."""
        self.loop = asyncio.get_running_loop()
        pairs = self.nodes()
        keys = await self.loop.run_in_executor(
            None, load_host_keys, self.state_dir, [node.hostname for unused_cluster, node in pairs])
        lines = []
        try:
            for index, (cluster, node) in enumerate(pairs):
                acceptor = await asyncssh.create_server(
                    lambda c=cluster, n=node: NodeSSHServer(self.services, c, n),
                    LISTEN_HOST, base_port + index if base_port else 0,
                    server_host_keys=[keys[node.hostname]],
                    server_version=self.server_version,
                    line_editor=False, allow_scp=False, x11_forwarding=False,
                    agent_forwarding=False, gss_host=None, public_key_auth=False,
                    host_based_auth=False, login_timeout=60,
                    encoding="utf-8", errors="replace", reuse_address=True,
                )
                self._acceptors.append(acceptor)
                with cluster.lock:
                    node.ssh_port = acceptor.get_port()
                lines.append(known_hosts_line(node.ssh_port, keys[node.hostname]))
        except Exception:
            await self.stop()
            raise
        self.services.started_at = next(iter(self.clusters.values())).clock.now()
        with open(os.path.join(self.state_dir, "known_hosts"), "w") as handle:
            handle.write("".join(line + "\n" for line in lines))

    async def stop(self) -> None:
        """Stop listening and close every open connection."""
        for acceptor in self._acceptors:
            acceptor.close()
        for conns in list(self.services.connections.values()):
            for conn in list(conns):
                conn.close()
        for acceptor in self._acceptors:
            await acceptor.wait_closed()
        self._acceptors = []

    def call(self, coroutine, timeout: float = 30.0):
        """Run `coroutine` in the lab's event loop from another thread (the control API)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def disconnect(self, hostname: str, timeout: float = 5.0) -> int:
        """Drop every connection to a node; for other threads (the control API). How many."""
        return asyncio.run_coroutine_threadsafe(self._disconnect(hostname), self.loop).result(timeout)

    async def _disconnect(self, hostname: str) -> int:
        conns = list(self.services.connections.get(hostname, []))
        for conn in conns:
            conn.abort()
        return len(conns)
