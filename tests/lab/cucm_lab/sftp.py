"""An SFTP server for the lab: where CUCM nodes push ITLRecovery.p12 and fetch p12 keys from.

CUCM is the SFTP *client* (`file get tftp`, `utils itl reset remotekey`, see sftp_client.py);
this is the operator's backup server. It is a real asyncssh SFTP server on 127.0.0.1 with
password authentication only, an RSA host key (so CUCM's prompt shows an MD5 colon
fingerprint like the seed's `2c:8f:...`) and a directory on disk as its root: the client's
`/home/backup/x` is `<root>/home/backup/x` and nothing outside the root is reachable.

Faults, settable at runtime with `set_fault(name, value)`:

=================  =============================================================================
down               stop listening: new connections are refused (the port is taken again on clear)
auth_refused       every password is wrong
permission_denied  writes (open for writing, mkdir, remove, rename, setstat) fail: SFTP permission
                   denied
disk_full          N: only N more bytes fit on the "disk"; then writes fail with SFTP failure
                   "No space left on device" (the bytes that fitted stay)
cut_after          N: an upload that goes past N bytes gets its first N bytes written, then the
                   connection is dropped; the partial file stays on disk
host_key_changed   serve another host key (the same one every time the fault is set)
ed25519_key        also offer an ED25519 host key (real servers offer several key types; a client
                   that prefers ED25519, as paramiko does, is then shown a key CUCM is not)
=================  =============================================================================

Use it in the lab's event loop (`await SftpServer(...).start()`), from synchronous code through
`SftpServerThread`, or as a process: `python -m cucm_lab.sftp serve --root DIR --port P
--user U --password PW --state-file F` (see `main`).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field, fields
from typing import Dict, List, Mapping, Optional, Sequence

import asyncssh

from .sftp_client import HostKeyInfo

LOG = logging.getLogger("cucm_lab.sftp")

LISTEN_HOST = "127.0.0.1"
HOST_KEY_ALGORITHM = "ssh-rsa"
HOST_KEY_BITS = 2048
NO_SPACE_REASON = "No space left on device"
MAX_RUNTIME_LIMIT = 24 * 3600.0
_WRITE_FLAGS = asyncssh.FXF_WRITE | asyncssh.FXF_APPEND | asyncssh.FXF_CREAT | asyncssh.FXF_TRUNC


@dataclass
class SftpFaults:
    """Active faults (see the module docstring); the defaults mean a healthy server."""

    down: bool = False
    auth_refused: bool = False
    permission_denied: bool = False
    disk_full: Optional[int] = None  # bytes still free; None: unlimited
    cut_after: Optional[int] = None  # bytes of an upload before the connection drops
    host_key_changed: bool = False
    ed25519_key: bool = False


FAULT_NAMES = tuple(f.name for f in fields(SftpFaults))


@dataclass(frozen=True)
class StoredSftpFile:
    """A file under the server root, named as clients see it."""

    path: str  # "/home/backup/ITLRecovery.p12"
    size: int
    sha256: str


@dataclass
class UploadRecord:
    """One file opened for writing, in arrival order."""

    path: str
    received: int = 0  # bytes written to disk through this handle
    error: Optional[str] = None  # the fault that stopped it: cut_after, disk_full, ...
    complete: bool = False  # closed by the client on a live connection, no write refused


def new_host_key(algorithm: str = HOST_KEY_ALGORITHM) -> asyncssh.SSHKey:
    if algorithm == "ssh-rsa":
        return asyncssh.generate_private_key(algorithm, key_size=HOST_KEY_BITS)
    return asyncssh.generate_private_key(algorithm)


def load_or_create_host_key(path: str, algorithm: str = HOST_KEY_ALGORITHM) -> asyncssh.SSHKey:
    """The key saved at `path`, or a new one saved there (a restarted server keeps its identity)."""
    if os.path.exists(path):
        return asyncssh.read_private_key(path)
    key = new_host_key(algorithm)
    key.write_private_key(path)
    os.chmod(path, 0o600)
    return key


class SftpServer:
    """One SFTP server with its users, host key, root directory and faults."""

    def __init__(self, root: str, users: Optional[Mapping[str, str]] = None, *, port: int = 0,
                 host_key: Optional[asyncssh.SSHKey] = None,
                 key_algorithm: str = HOST_KEY_ALGORITHM, create_homes: bool = True):
        """`users`: name -> password. `create_homes`: make `/home/<user>` for each user, as a
        real server has them (CUCM's `Download directory` must exist)."""
        os.makedirs(root, exist_ok=True)
        self.root = os.path.realpath(root)
        self.port = port
        self.faults = SftpFaults()
        self.uploads: List[UploadRecord] = []
        self._users: Dict[str, str] = {}
        self._create_homes = create_homes
        self._key_algorithm = key_algorithm
        self._primary_key = host_key or new_host_key(key_algorithm)
        self._alternate_key: Optional[asyncssh.SSHKey] = None
        self._ed25519_key = new_host_key("ssh-ed25519")
        self._acceptor: Optional[asyncssh.SSHAcceptor] = None
        self._started = False  # between start() and stop(), even while `down`
        self.connections: set = set()  # live asyncssh connections
        self._written_since_disk_full = 0
        for name, password in (users or {}).items():
            self.add_user(name, password)

    # -- life cycle ---------------------------------------------------------------------
    async def start(self) -> "SftpServer":
        await self._listen()
        self._started = True
        LOG.info("SFTP server on %s:%d, root %s", LISTEN_HOST, self.port, self.root)
        return self

    async def stop(self, timeout: float = 5.0) -> None:
        """Stop listening and drop every connection."""
        self._started = False
        self._close_listener()
        connections = list(self.connections)
        for conn in connections:
            conn.abort()
        if connections:
            await asyncio.wait([asyncio.ensure_future(c.wait_closed()) for c in connections],
                               timeout=timeout)

    async def __aenter__(self) -> "SftpServer":
        return await self.start()

    async def __aexit__(self, *exc_info) -> None:
        await self.stop()

    @property
    def listening(self) -> bool:
        return self._acceptor is not None

    # -- users --------------------------------------------------------------------------
    def add_user(self, name: str, password: str) -> None:
        self._users[name] = password
        if self._create_homes:
            os.makedirs(os.path.join(self.root, "home", name), exist_ok=True)

    def remove_user(self, name: str) -> None:
        self._users.pop(name, None)

    @property
    def usernames(self) -> List[str]:
        return sorted(self._users)

    def password_ok(self, name: str, password: str) -> bool:
        expected = self._users.get(name)
        if expected is None or self.faults.auth_refused:
            return False
        return hmac.compare_digest(expected.encode("utf-8"), password.encode("utf-8"))

    # -- host key -----------------------------------------------------------------------
    @property
    def host_key(self) -> HostKeyInfo:
        """The key clients are shown now (the alternate one under `host_key_changed`)."""
        return HostKeyInfo.from_key(self._served_key())

    @property
    def ed25519_host_key(self) -> HostKeyInfo:
        """The ED25519 key offered besides the RSA one under the `ed25519_key` fault."""
        return HostKeyInfo.from_key(self._ed25519_key)

    def _offered_keys(self) -> List[asyncssh.SSHKey]:
        return [self._served_key()] + ([self._ed25519_key] if self.faults.ed25519_key else [])

    def known_hosts_line(self, host: str = LISTEN_HOST) -> str:
        return self.host_key.known_hosts_line(host, self.port)

    async def rotate_host_key(self, key: Optional[asyncssh.SSHKey] = None) -> HostKeyInfo:
        """Replace the server's own key for good (new connections only)."""
        self._primary_key = key or new_host_key(self._key_algorithm)
        self._serve_current_key()
        return self.host_key

    def _served_key(self) -> asyncssh.SSHKey:
        if self.faults.host_key_changed:
            if self._alternate_key is None:
                self._alternate_key = new_host_key(self._key_algorithm)
            return self._alternate_key
        return self._primary_key

    def _serve_current_key(self) -> None:
        if self._acceptor is not None:
            self._acceptor.update(server_host_keys=self._offered_keys())

    # -- faults -------------------------------------------------------------------------
    async def set_fault(self, name: str, value=True) -> None:
        """Set one fault; False / None / 0-for-flags clears it. `disk_full` and `cut_after`
        take a byte count (0 is a valid count)."""
        if name not in FAULT_NAMES:
            raise ValueError("unknown SFTP fault %r (known: %s)" % (name, ", ".join(FAULT_NAMES)))
        if name in ("disk_full", "cut_after"):
            value = None if value is None or value is False else int(value)
            if value is not None and value < 0:
                raise ValueError("%s needs a byte count >= 0" % name)
        else:
            value = bool(value)
        setattr(self.faults, name, value)
        if name == "disk_full":
            self._written_since_disk_full = 0
        elif name in ("host_key_changed", "ed25519_key"):
            self._serve_current_key()
        elif name == "down":
            if value:
                self._close_listener()
            elif self._started and not self.listening:
                await self._listen()

    async def clear_faults(self) -> None:
        for name, default in asdict(SftpFaults()).items():
            await self.set_fault(name, default)

    # -- what was written ---------------------------------------------------------------
    def files(self) -> List[StoredSftpFile]:
        """Every regular file under the root, sorted by path."""
        found = []
        for directory, unused_dirs, names in os.walk(self.root):
            for name in names:
                local = os.path.join(directory, name)
                if os.path.isfile(local) and not os.path.islink(local):
                    with open(local, "rb") as handle:
                        data = handle.read()
                    found.append(StoredSftpFile(self.client_path(local), len(data),
                                                hashlib.sha256(data).hexdigest()))
        return sorted(found, key=lambda f: f.path)

    def local_path(self, client_path: str) -> str:
        """Where a client path lives on disk (for tests and the control API)."""
        return os.path.join(self.root, *_confined_parts(client_path.encode("utf-8")))

    def client_path(self, local_path: str) -> str:
        return "/" + os.path.relpath(local_path, self.root).replace(os.sep, "/")

    def read_file(self, client_path: str) -> bytes:
        with open(self.local_path(client_path), "rb") as handle:
            return handle.read()

    def state(self) -> dict:
        """JSON-ready description: where to connect and which host key to expect."""
        info = self.host_key
        return {
            "host": LISTEN_HOST,
            "port": self.port,
            "pid": os.getpid(),
            "root": self.root,
            "users": self.usernames,
            "host_key": {
                "algorithm": info.algorithm,
                "type": info.key_type,
                "md5": info.md5,
                "sha256": info.sha256,
                "public_key": info.public_key,
            },
            "known_hosts": self.known_hosts_line(),
            "faults": asdict(self.faults),
        }

    # -- internals used by the sessions -------------------------------------------------
    def admit_write(self, upload: UploadRecord, size: int):
        """How many of `size` bytes may be written, and which fault stops the rest."""
        if self.faults.permission_denied:
            upload.error = "permission_denied"
            raise asyncssh.SFTPPermissionDenied("Permission denied")
        allowed, stop = size, None
        if self.faults.cut_after is not None and upload.received + size > self.faults.cut_after:
            allowed, stop = max(0, self.faults.cut_after - upload.received), "cut_after"
        if self.faults.disk_full is not None:
            free = max(0, self.faults.disk_full - self._written_since_disk_full)
            if free < allowed:
                allowed, stop = free, "disk_full"
        return allowed, stop

    def record_written(self, upload: UploadRecord, size: int) -> None:
        upload.received += size
        self._written_since_disk_full += size

    def new_upload(self, path: str) -> UploadRecord:
        record = UploadRecord(path=path)
        self.uploads.append(record)
        return record

    async def _listen(self) -> None:
        self._acceptor = await asyncssh.listen(
            LISTEN_HOST, self.port,
            server_factory=lambda: _PasswordOnly(self),
            server_host_keys=self._offered_keys(),
            sftp_factory=lambda chan: _ConfinedSftp(chan, self),
            sftp_version=3,  # what OpenSSH's sftp-server speaks
            allow_scp=False,
        )
        self.port = self._acceptor.get_port()

    def _close_listener(self) -> None:
        if self._acceptor is not None:
            self._acceptor.close()
            self._acceptor = None


class _PasswordOnly(asyncssh.SSHServer):
    def __init__(self, server: SftpServer):
        self._server = server
        self._conn = None

    def connection_made(self, conn):
        self._conn = conn
        self._server.connections.add(conn)

    def connection_lost(self, exc):
        self._server.connections.discard(self._conn)

    def begin_auth(self, username):
        return True

    def password_auth_supported(self):
        return True

    def validate_password(self, username, password):
        return self._server.password_ok(username, password)


def _confined_parts(path: bytes, cwd: Sequence[bytes] = ()) -> List[str]:
    """The components of a client path below the root, relative ones starting at `cwd`;
    `..` above the root is refused."""
    parts: List[bytes] = [] if path.startswith(b"/") else list(cwd)
    for part in path.split(b"/"):
        if part in (b"", b"."):
            continue
        if part == b"..":
            if not parts:
                raise asyncssh.SFTPPermissionDenied("Path outside the server root")
            parts.pop()
        else:
            parts.append(part)
    return [os.fsdecode(p) for p in parts]


class _ConfinedSftp(asyncssh.SFTPServer):
    """asyncssh's file-system SFTP server, confined to the root and subject to the faults."""

    def __init__(self, chan, server: SftpServer):
        super().__init__(chan, chroot=server.root.encode())
        self._lab = server
        self._uploads: Dict[object, UploadRecord] = {}
        # Like OpenSSH, a session starts in the user's home directory when there is one.
        home = os.path.join(server.root, "home", chan.get_extra_info("username") or "")
        self._cwd = [b"home", os.fsencode(os.path.basename(home))] if os.path.isdir(home) else []

    def client_parts(self, path: bytes) -> List[str]:
        return _confined_parts(path, self._cwd)

    def map_path(self, path: bytes) -> bytes:
        local = os.path.join(self._lab.root, *self.client_parts(path))
        # A symlink left inside the root must not lead out of it.
        real = os.path.realpath(local)
        if real != self._lab.root and not real.startswith(self._lab.root + os.sep):
            raise asyncssh.SFTPPermissionDenied("Path outside the server root")
        return os.fsencode(local)

    def open(self, path, pflags, attrs):
        writing = bool(pflags & _WRITE_FLAGS)
        if writing and self._lab.faults.permission_denied:
            raise asyncssh.SFTPPermissionDenied("Permission denied")
        file_obj = super().open(path, pflags, attrs)
        if writing:
            self._uploads[file_obj] = self._lab.new_upload("/" + "/".join(self.client_parts(path)))
        return file_obj

    def write(self, file_obj, offset, data):
        upload = self._uploads.get(file_obj)
        if upload is None:
            return super().write(file_obj, offset, data)
        allowed, stop = self._lab.admit_write(upload, len(data))
        if allowed:
            super().write(file_obj, offset, data[:allowed])
            self._lab.record_written(upload, allowed)
        upload.error = stop or upload.error
        if stop == "cut_after":
            LOG.info("cut_after: dropping the connection after %d bytes of %s",
                     upload.received, upload.path)
            self.connection.abort()
            raise asyncssh.SFTPConnectionLost("Connection cut by the lab (cut_after)")
        if stop == "disk_full":
            raise asyncssh.SFTPFailure(NO_SPACE_REASON)
        return len(data)

    def close(self, file_obj):
        upload = self._uploads.pop(file_obj, None)
        super().close(file_obj)
        if upload is not None:
            # Handles still open when the connection goes are closed by asyncssh's clean-up.
            upload.complete = upload.error is None and not self.connection.is_closed()

    # Mutations other than writing a file honour permission_denied; links never, so that
    # nothing inside the root can point out of it.
    def _check_writable(self):
        if self._lab.faults.permission_denied:
            raise asyncssh.SFTPPermissionDenied("Permission denied")

    def mkdir(self, path, attrs):
        self._check_writable()
        return super().mkdir(path, attrs)

    def rmdir(self, path):
        self._check_writable()
        return super().rmdir(path)

    def remove(self, path):
        self._check_writable()
        return super().remove(path)

    def rename(self, oldpath, newpath):
        self._check_writable()
        return super().rename(oldpath, newpath)

    def posix_rename(self, oldpath, newpath):
        self._check_writable()
        return super().posix_rename(oldpath, newpath)

    def setstat(self, path, attrs):
        self._check_writable()
        return super().setstat(path, attrs)

    def symlink(self, oldpath, newpath):
        raise asyncssh.SFTPPermissionDenied("Links are not allowed on this server")

    def link(self, oldpath, newpath):
        raise asyncssh.SFTPPermissionDenied("Links are not allowed on this server")


# -- from synchronous code ----------------------------------------------------------------
class SftpServerThread:
    """An SftpServer on its own event loop in a daemon thread (paramiko tests, controller-side
    checks). `call(fn, *args)` runs a server method on that loop and returns its result."""

    def __init__(self, *args, **kwargs):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="sftp-server",
                                        daemon=True)
        self._thread.start()
        try:
            self.server: SftpServer = self.call(lambda: SftpServer(*args, **kwargs))
            self.call(self.server.start)
        except BaseException:
            self._stop_loop(timeout=10.0)
            raise

    def call(self, fn, *args, timeout: float = 30.0, **kwargs):
        async def run():
            result = fn(*args, **kwargs)
            return await result if asyncio.iscoroutine(result) else result
        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout)

    def set_fault(self, name: str, value=True) -> None:
        self.call(self.server.set_fault, name, value)

    def stop(self, timeout: float = 10.0) -> None:
        if self._loop.is_closed():
            return
        try:
            self.call(self.server.stop, timeout=timeout)
        finally:
            self._stop_loop(timeout)

    def _stop_loop(self, timeout: float) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        if not self._thread.is_alive():
            self._loop.close()

    def __enter__(self) -> "SftpServerThread":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


# -- as a process ---------------------------------------------------------------------------
@dataclass
class SftpProcess:
    """A `python -m cucm_lab.sftp serve` child process started by `start_process`."""

    process: subprocess.Popen
    state_file: str
    state: dict = field(default_factory=dict)

    @property
    def port(self) -> int:
        return self.state["port"]

    def stop(self, timeout: float = 10.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        return self.process.returncode


def start_process(root: str, state_file: str, users: Mapping[str, str], *, port: int = 0,
                  host_key_file: Optional[str] = None, faults: Sequence[str] = (),
                  max_runtime: float = 600.0, ready_timeout: float = 30.0) -> SftpProcess:
    """Start the standalone server and wait until its state file says where it listens."""
    if os.path.exists(state_file):
        os.remove(state_file)
    argv = [sys.executable, "-m", "cucm_lab.sftp", "serve", "--root", root, "--port", str(port),
            "--state-file", state_file, "--max-runtime", str(max_runtime)]
    for name, password in users.items():
        argv += ["--user", name, "--password", password]
    if host_key_file:
        argv += ["--host-key", host_key_file]
    for fault in faults:
        argv += ["--fault", fault]
    env = dict(os.environ)
    lab_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [lab_dir, env.get("PYTHONPATH")]))
    child = SftpProcess(subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE), state_file)
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if os.path.exists(state_file):
            with open(state_file, encoding="utf-8") as handle:
                child.state = json.load(handle)
            return child
        if child.process.poll() is not None:
            raise RuntimeError("SFTP server exited with %s: %s" % (
                child.process.returncode, child.process.stderr.read().decode(errors="replace")))
        time.sleep(0.05)
    child.stop()
    raise RuntimeError("SFTP server not ready after %.0f s" % ready_timeout)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cucm_lab.sftp",
                                     description="the lab's SFTP server")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run an SFTP server in the foreground")
    serve.add_argument("--root", required=True, help="directory served as /")
    serve.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: OS-chosen)")
    serve.add_argument("--user", action="append", default=[], required=True,
                       help="user name (repeat, one --password per --user)")
    serve.add_argument("--password", action="append", default=[], required=True)
    serve.add_argument("--state-file", required=True,
                       help="JSON written once listening: port, host key fingerprints, known_hosts")
    serve.add_argument("--host-key", help="private key file, created if missing (default: new key)")
    serve.add_argument("--key-type", default=HOST_KEY_ALGORITHM,
                       choices=("ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256"))
    serve.add_argument("--fault", action="append", default=[], metavar="NAME[=VALUE]",
                       help="fault active from the start, e.g. cut_after=100 (repeatable)")
    serve.add_argument("--max-runtime", type=float, default=3600.0,
                       help="stop by itself after this many seconds (<= 24 h)")
    return parser


async def _serve(args) -> str:
    users = dict(zip(args.user, args.password))
    key = load_or_create_host_key(args.host_key, args.key_type) if args.host_key else None
    server = SftpServer(args.root, users, port=args.port, host_key=key,
                        key_algorithm=args.key_type)
    stop = asyncio.Event()
    reason = {"why": "max-runtime"}

    def on_signal(signum):
        reason["why"] = signal.Signals(signum).name
        stop.set()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, on_signal, signum)
    await server.start()
    try:
        for fault in args.fault:
            name, unused_sep, value = fault.partition("=")
            await server.set_fault(name, int(value) if value else True)
        _write_json(args.state_file, server.state())
        print("cucm-lab sftp ready: port=%d" % server.port, flush=True)
        try:
            await asyncio.wait_for(stop.wait(), args.max_runtime)
        except asyncio.TimeoutError:
            pass
    finally:
        await server.stop()
        if os.path.exists(args.state_file):
            os.remove(args.state_file)
    return reason["why"]


def _write_json(path: str, data: dict) -> None:
    """Write atomically, so a poller never reads half a file."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
    os.replace(tmp, path)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    if len(args.user) != len(args.password):
        print("every --user needs a --password", file=sys.stderr)
        return 2
    if not 0 < args.max_runtime <= MAX_RUNTIME_LIMIT:
        print("--max-runtime must be > 0 and <= %d" % MAX_RUNTIME_LIMIT, file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    why = asyncio.run(_serve(args))
    LOG.info("stopped: %s", why)
    return 0


if __name__ == "__main__":
    sys.exit(main())
