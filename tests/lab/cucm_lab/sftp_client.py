"""What a CUCM node does as an SFTP *client*.

`file get tftp ITLRecovery.p12` pushes the file to the operator's SFTP server and
`utils itl reset remotekey <host> <user> <path>` fetches a p12 from one (primer section 5,
dialog 001). The host-key question comes in the middle of the `file get` dialog, so the
connection is made in two steps::

    probe = await probe_host_key(host, port)
    status = KnownHosts(node.sftp_known_hosts).check(host, port, probe.host_key)
    # UNKNOWN: print probe.unknown_host_lines(), ask CONTINUE_QUESTION, remember() on "yes"
    # CHANGED: print probe.changed_host_lines() and stop (OpenSSH's strict checking)
    result = await upload(host, port, user, password, directory, name, data,
                          host_key=probe.host_key)

Failures raise :class:`SftpClientError` subclasses carrying a `kind` (one of the ERROR_*
constants) and the values the message needs; `error.render(table)` words it.
"""

from __future__ import annotations

import asyncio
import hashlib
import posixpath
import socket
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional

import asyncssh

DEFAULT_PORT = 22
DEFAULT_TIMEOUT = 15.0  # seconds for a whole probe / upload / download
# GUESSED: CUCM's OpenSSH client offers RSA host keys first; the seed's prompt shows an RSA
# key (`RSA key fingerprint is 2c:8f:...`). Callers may pass other algorithms.
CUCM_HOST_KEY_ALGS = ("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa")

# Dialog text of OpenSSH before 6.8 (MD5 colon fingerprints, as in dialog 001).
CONTINUE_QUESTION = "Are you sure you want to continue connecting (yes/no)? "
# OpenSSH 8.x's form (SHA256 fingerprints, a fingerprint may be typed instead of yes); GUESSED that
# a CUCM release ships it (node setting `host_key_dialog`).
CONTINUE_QUESTION_OPENSSH8 = "Are you sure you want to continue connecting (yes/no/[fingerprint])? "
# GUESSED: the known_hosts file CUCM's client uses; it only appears in the warning below.
KNOWN_HOSTS_PATH = "/root/.ssh/known_hosts"

_KEY_TYPE_LABELS = {  # what OpenSSH calls each key type in its messages
    "ssh-rsa": "RSA",
    "ssh-dss": "DSA",
    "ssh-ed25519": "ED25519",
    "ecdsa-sha2-nistp256": "ECDSA",
    "ecdsa-sha2-nistp384": "ECDSA",
    "ecdsa-sha2-nistp521": "ECDSA",
}

# -- errors ---------------------------------------------------------------------------------
ERROR_AUTH_FAILED = "auth_failed"
ERROR_CONNECTION_REFUSED = "connection_refused"
ERROR_UNRESOLVED = "unresolved"
ERROR_TIMEOUT = "timeout"
ERROR_HOST_KEY_CHANGED = "host_key_changed"
ERROR_PERMISSION_DENIED = "permission_denied"
ERROR_NO_SPACE = "no_space"
ERROR_NO_SUCH_FILE = "no_such_file"
ERROR_NO_SUCH_DIRECTORY = "no_such_directory"
ERROR_CONNECTION_LOST = "connection_lost"
ERROR_FAILURE = "failure"

# GUESSED: no transcript shows a failed `file get` or remotekey transfer. The wording is
# OpenSSH's ssh/sftp client text, assuming CUCM shows what the tool it wraps prints.
# Fields: {host} {port} {user} {path} {reason}.
ERROR_MESSAGES: Dict[str, str] = {
    ERROR_AUTH_FAILED: "Permission denied, please try again.",
    ERROR_CONNECTION_REFUSED: "ssh: connect to host {host} port {port}: Connection refused",
    ERROR_UNRESOLVED: "ssh: Could not resolve hostname {host}: Name or service not known",
    ERROR_TIMEOUT: "ssh: connect to host {host} port {port}: Connection timed out",
    ERROR_HOST_KEY_CHANGED: "Host key verification failed.",
    ERROR_PERMISSION_DENIED: '"{path}": Permission denied',
    ERROR_NO_SPACE: 'Couldn\'t write to remote file "{path}": No space left on device',
    ERROR_NO_SUCH_FILE: 'File "{path}" not found.',
    ERROR_NO_SUCH_DIRECTORY: 'dest open "{path}": No such file or directory',
    ERROR_CONNECTION_LOST: "Connection closed",
    ERROR_FAILURE: "{reason}",
}


class SftpClientError(Exception):
    """A failed probe, upload or download; `kind` is one of the ERROR_* constants."""

    kind = ERROR_FAILURE

    def __init__(self, kind: Optional[str] = None, **context):
        self.kind = kind or self.kind
        self.context = context
        super().__init__(self.render())

    def render(self, messages: Optional[Mapping[str, str]] = None) -> str:
        """The CUCM-side message, from `messages` (default ERROR_MESSAGES)."""
        template = (messages or ERROR_MESSAGES).get(self.kind, ERROR_MESSAGES[self.kind])
        values = {"host": "", "port": "", "user": "", "path": "", "reason": self.kind}
        values.update(self.context)
        return template.format(**values)


class SftpAuthError(SftpClientError):
    kind = ERROR_AUTH_FAILED


class SftpConnectError(SftpClientError):
    """Refused, unresolvable or timed out: nothing reached an SSH server."""

    kind = ERROR_CONNECTION_REFUSED


class SftpHostKeyError(SftpClientError):
    kind = ERROR_HOST_KEY_CHANGED


class SftpPermissionError(SftpClientError):
    kind = ERROR_PERMISSION_DENIED


class SftpNoSpaceError(SftpClientError):
    kind = ERROR_NO_SPACE


class SftpNoSuchFileError(SftpClientError):
    """Download: the file is missing; upload: the target directory is (ERROR_NO_SUCH_DIRECTORY)."""

    kind = ERROR_NO_SUCH_FILE


class SftpConnectionLostError(SftpClientError):
    """The connection dropped mid-transfer; what was sent so far stays on the server."""

    kind = ERROR_CONNECTION_LOST


# -- host keys ------------------------------------------------------------------------------
@dataclass(frozen=True)
class HostKeyInfo:
    """A server's public host key and the fingerprints OpenSSH prints for it."""

    key: asyncssh.SSHKey = field(compare=False, repr=False)  # equal keys: same public_key
    algorithm: str  # "ssh-rsa"
    key_type: str  # "RSA", as in "RSA key fingerprint is ..."
    md5: str  # "2c:8f:9b:..." (OpenSSH < 6.8, CUCM's dialog)
    sha256: str  # "SHA256:base64" (OpenSSH >= 6.8)
    public_key: str  # "ssh-rsa AAAA..." (known_hosts / authorized_keys form, no comment)

    @classmethod
    def from_key(cls, key: asyncssh.SSHKey) -> "HostKeyInfo":
        algorithm, blob = key.export_public_key("openssh").decode("ascii").split()[:2]
        return cls(
            key=key,
            algorithm=algorithm,
            key_type=_KEY_TYPE_LABELS.get(algorithm, algorithm.upper()),
            md5=key.get_fingerprint("md5").split(":", 1)[1],
            sha256=key.get_fingerprint("sha256"),
            public_key="%s %s" % (algorithm, blob),
        )

    @classmethod
    def from_public_key(cls, text: str) -> "HostKeyInfo":
        return cls.from_key(asyncssh.import_public_key(text))

    def known_hosts_line(self, host: str, port: int = DEFAULT_PORT) -> str:
        return "%s %s" % (known_hosts_name(host, port), self.public_key)


def known_hosts_name(host: str, port: int = DEFAULT_PORT) -> str:
    """How OpenSSH names a host in known_hosts and in its messages: `h` or `[h]:port`."""
    return host if port == DEFAULT_PORT else "[%s]:%d" % (host, port)


class HostKeyStatus:
    KNOWN = "known"
    UNKNOWN = "unknown"
    CHANGED = "changed"


class KnownHosts:
    """A node's known_hosts, kept in memory in a plain dict (`Node.sftp_known_hosts`):
    `known_hosts_name(host, port)` -> "ssh-rsa AAAA..." public key."""

    def __init__(self, entries: Optional[Dict[str, str]] = None):
        self.entries = entries if entries is not None else {}

    def check(self, host: str, port: int, host_key: HostKeyInfo) -> str:
        known = self.entries.get(known_hosts_name(host, port))
        if known is None:
            return HostKeyStatus.UNKNOWN
        return HostKeyStatus.KNOWN if known == host_key.public_key else HostKeyStatus.CHANGED

    def remember(self, host: str, port: int, host_key: HostKeyInfo) -> None:
        self.entries[known_hosts_name(host, port)] = host_key.public_key

    def forget(self, host: str, port: int) -> None:
        self.entries.pop(known_hosts_name(host, port), None)

    def line_number(self, host: str, port: int) -> int:
        """1-based position of the host's entry, for "Offending key in ...:N"."""
        names = list(self.entries)
        name = known_hosts_name(host, port)
        return names.index(name) + 1 if name in names else 0


@dataclass(frozen=True)
class HostProbe:
    """The host key a server presented, and where the client reached it."""

    host: str  # as the operator typed it
    port: int
    address: str  # resolved IP ("172.18.172.254" in dialog 001)
    host_key: HostKeyInfo

    def unknown_host_lines(self, style: str = "classic") -> List[str]:
        """OpenSSH's notice for an unknown host, without the final yes/no question: the classic
        form (MD5, seed 001) or OpenSSH 8's (`openssh8`: SHA256 and the "other names" line)."""
        lines = ["The authenticity of host '%s (%s)' can't be established."
                 % (known_hosts_name(self.host, self.port), known_hosts_name(self.address, self.port))]
        if style == "openssh8":
            return lines + ["%s key fingerprint is %s." % (self.host_key.key_type, self.host_key.sha256),
                            "This key is not known by any other names"]
        return lines + ["%s key fingerprint is %s." % (self.host_key.key_type, self.host_key.md5)]

    def changed_host_lines(self, line_number: int = 1,
                           known_hosts_path: str = KNOWN_HOSTS_PATH) -> List[str]:
        """OpenSSH's refusal of a host whose key differs from known_hosts (GUESSED: CUCM
        shows OpenSSH's text unchanged)."""
        key_type = self.host_key.key_type
        return [
            "@" * 59,
            "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @",
            "@" * 59,
            "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!",
            "Someone could be eavesdropping on you right now (man-in-the-middle attack)!",
            "It is also possible that the %s host key has just been changed." % key_type,
            "The fingerprint for the %s key sent by the remote host is" % key_type,
            "%s." % self.host_key.md5,
            "Please contact your system administrator.",
            "Add correct host key in %s to get rid of this message." % known_hosts_path,
            "Offending key in %s:%d" % (known_hosts_path, line_number),
            "%s host key for %s has changed and you have requested strict checking."
            % (key_type, known_hosts_name(self.host, self.port)),
            ERROR_MESSAGES[ERROR_HOST_KEY_CHANGED],
        ]


async def probe_host_key(host: str, port: int = DEFAULT_PORT, *,
                         key_algorithms=CUCM_HOST_KEY_ALGS,
                         timeout: float = DEFAULT_TIMEOUT) -> HostProbe:
    """Fetch the server's host key without logging in (the first half of `file get`)."""
    context = {"host": host, "port": port}
    address = await _resolve(host, port, timeout, context)
    key = await _guard(
        asyncssh.get_server_host_key(
            address, port, server_host_key_algs=list(key_algorithms), config=None,
        ),
        timeout, context,
    )
    if key is None:
        raise SftpClientError(ERROR_FAILURE, reason="no host key received", **context)
    return HostProbe(host=host, port=port, address=address, host_key=HostKeyInfo.from_key(key))


# -- transfers ------------------------------------------------------------------------------
@dataclass(frozen=True)
class UploadResult:
    remote_path: str
    size: int
    sha256: str  # hex digest of what was sent


async def upload(host: str, port: int, username: str, password: str, remote_directory: str,
                 filename: str, data: bytes, *, host_key: Optional[HostKeyInfo],
                 timeout: float = DEFAULT_TIMEOUT) -> UploadResult:
    """Write `data` to `<remote_directory>/<filename>` on the server (`file get tftp`).

    `host_key`: the key the operator accepted (from `probe_host_key`); the upload refuses any
    other. None trusts whatever the server presents.
    """
    remote_path = posixpath.join(remote_directory or "/", filename)
    context = {"host": host, "port": port, "user": username, "path": remote_path}

    async def transfer():
        async with _connect(host, port, username, password, host_key) as conn:
            async with conn.start_sftp_client() as sftp:
                async with sftp.open(remote_path, "wb") as remote:
                    await remote.write(data)

    await _guard(transfer(), timeout, context, uploading=True)
    return UploadResult(remote_path=remote_path, size=len(data),
                        sha256=hashlib.sha256(data).hexdigest())


async def download(host: str, port: int, username: str, password: str, path: str, *,
                   host_key: Optional[HostKeyInfo] = None,
                   timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Read `path` from the server (`utils itl reset remotekey`).

    GUESSED: the remotekey transcript shows no host-key question, so `host_key` defaults to
    None (trust the presented key); pass one to enforce it.
    """
    context = {"host": host, "port": port, "user": username, "path": path}

    async def transfer() -> bytes:
        async with _connect(host, port, username, password, host_key) as conn:
            async with conn.start_sftp_client() as sftp:
                async with sftp.open(path, "rb") as remote:
                    return await remote.read()

    return await _guard(transfer(), timeout, context)


# -- plumbing -------------------------------------------------------------------------------
def _connect(host, port, username, password, host_key: Optional[HostKeyInfo]):
    return asyncssh.connect(
        host, port,
        username=username,
        password=password,
        preferred_auth="password,keyboard-interactive",
        known_hosts=([host_key.key], [], []) if host_key else None,
        server_host_key_algs=_algorithms_for(host_key),
        client_keys=None,
        agent_path=None,
        config=None,  # never the controller's ~/.ssh/config
    )


def _algorithms_for(host_key: Optional[HostKeyInfo]):
    """Negotiate the key type that was probed, so the accepted key is the one checked."""
    if host_key is None:
        return ()
    if host_key.algorithm == "ssh-rsa":
        return list(CUCM_HOST_KEY_ALGS)
    return [host_key.algorithm]


async def _resolve(host: str, port: int, timeout: float, context) -> str:
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout)
    except (socket.gaierror, UnicodeError):  # UnicodeError: malformed names such as "a..b"
        raise SftpConnectError(ERROR_UNRESOLVED, **context) from None
    except asyncio.TimeoutError:
        raise SftpConnectError(ERROR_TIMEOUT, **context) from None
    return infos[0][4][0]


async def _guard(awaitable, timeout: float, context, *, uploading: bool = False):
    """Await with a time bound, turning library errors into SftpClientError."""
    try:
        return await asyncio.wait_for(awaitable, timeout)
    except SftpClientError:
        raise
    except Exception as exc:  # every failure below becomes one of the ERROR_* kinds
        raise _translate(exc, context, uploading) from exc


def _translate(exc: Exception, context, uploading: bool) -> SftpClientError:
    if isinstance(exc, asyncssh.PermissionDenied):
        return SftpAuthError(**context)
    if isinstance(exc, asyncssh.HostKeyNotVerifiable):
        return SftpHostKeyError(**context)
    if isinstance(exc, asyncssh.SFTPPermissionDenied):
        return SftpPermissionError(**context)
    if isinstance(exc, (asyncssh.SFTPNoSuchFile, asyncssh.SFTPNoSuchPath)):
        missing = ERROR_NO_SUCH_DIRECTORY if uploading else ERROR_NO_SUCH_FILE
        return SftpNoSuchFileError(missing, **context)
    if isinstance(exc, (asyncssh.SFTPNoSpaceOnFilesystem, asyncssh.SFTPQuotaExceeded)) or (
            isinstance(exc, asyncssh.SFTPFailure) and "space" in exc.reason.lower()):
        return SftpNoSpaceError(**context)
    if isinstance(exc, (asyncssh.SFTPConnectionLost, asyncssh.ConnectionLost,
                        asyncssh.DisconnectError, ConnectionResetError, BrokenPipeError,
                        asyncio.IncompleteReadError)):
        return SftpConnectionLostError(**context)
    if isinstance(exc, ConnectionRefusedError):
        return SftpConnectError(ERROR_CONNECTION_REFUSED, **context)
    if isinstance(exc, socket.gaierror):
        return SftpConnectError(ERROR_UNRESOLVED, **context)
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return SftpConnectError(ERROR_TIMEOUT, **context)
    if isinstance(exc, asyncssh.SFTPError):
        return SftpClientError(ERROR_FAILURE, reason=exc.reason, **context)
    return SftpClientError(ERROR_FAILURE, reason=str(exc) or type(exc).__name__, **context)
