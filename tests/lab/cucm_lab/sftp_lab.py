"""The lab's own SFTP servers (`serve --sftp-servers K`): the operator's backup servers that
`file get tftp` pushes to and `utils itl reset remotekey` fetches from.

Each is an sftp.SftpServer in the lab's event loop on 127.0.0.1 with its own host key (kept in
`<state dir>/sftp/<name>/host_key`, so a restarted lab keeps its identity), its own root
directory (`<state dir>/sftp/<name>/root`, the client's `/` ; the user's home is
`/home/<user>`) and one user with a password made at every start. lab.json lists them
(`describe`); the control API sets their faults and rotates their keys.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from dataclasses import dataclass
from typing import Dict, List, Optional, Union

from .sftp import FAULT_NAMES, LISTEN_HOST, SftpServer, load_or_create_host_key, new_host_key

USERNAME = "cucmbackup"
BYTE_FAULTS = ("disk_full", "cut_after")  # faults that take a byte count


@dataclass
class LabSftpServer:
    name: str  # "sftp1", "sftp2", ...
    username: str
    password: str
    key_path: str
    server: SftpServer

    @property
    def directory(self) -> str:
        """The user's home: where `file get` should put files."""
        return "/home/%s/" % self.username

    def describe(self) -> dict:
        key = self.server.host_key
        return {
            "name": self.name,
            "host": LISTEN_HOST,
            "port": self.server.port,
            "username": self.username,
            "password": self.password,
            "root": self.server.root,
            "directory": self.directory,
            "md5_fingerprint": key.md5,
            "sha256_fingerprint": key.sha256,
            # offered only under the `ed25519_key` fault
            "ed25519_sha256_fingerprint": self.server.ed25519_host_key.sha256,
            "known_hosts_line": self.server.known_hosts_line(),
        }


class LabSftp:
    """K SFTP servers of one lab process; every method runs in the lab's event loop."""

    def __init__(self, state_dir: str, count: int):
        self.state_dir = state_dir
        self.count = count
        self.servers: List[LabSftpServer] = []

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            for index in range(1, self.count + 1):
                name = "sftp%d" % index
                base = os.path.join(self.state_dir, "sftp", name)
                os.makedirs(base, mode=0o700, exist_ok=True)
                key_path = os.path.join(base, "host_key")
                key = await loop.run_in_executor(None, load_or_create_host_key, key_path)
                password = secrets.token_urlsafe(12)
                server = SftpServer(os.path.join(base, "root"), {USERNAME: password}, host_key=key)
                await server.start()
                self.servers.append(LabSftpServer(name, USERNAME, password, key_path, server))
        except Exception:
            await self.stop()
            raise

    async def stop(self) -> None:
        for entry in self.servers:
            await entry.server.stop()
        self.servers = []

    def describe(self) -> List[dict]:
        return [entry.describe() for entry in self.servers]

    def find(self, which: Union[None, int, str]) -> LabSftpServer:
        """A server by name ("sftp2"), 0-based index, or the first one when None."""
        if not self.servers:
            raise KeyError("the lab runs no SFTP server")
        if which is None:
            return self.servers[0]
        if isinstance(which, int) and not isinstance(which, bool):
            if 0 <= which < len(self.servers):
                return self.servers[which]
        for entry in self.servers:
            if entry.name == which:
                return entry
        raise KeyError("no SFTP server %r (known: %s)" % (which, ", ".join(e.name for e in self.servers)))

    async def set_fault(self, which, fault: str, params: Optional[Dict] = None) -> dict:
        """`fault` (see sftp.py): flags take `{"enabled": bool}` (default true), `disk_full`
        and `cut_after` take `{"bytes": N}`."""
        entry = self.find(which)
        params = dict(params or {})
        if fault not in FAULT_NAMES:
            raise ValueError("fault must be one of %s" % ", ".join(FAULT_NAMES))
        if fault in BYTE_FAULTS:
            value = params.pop("bytes", None)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError("%s needs params {\"bytes\": N >= 0}" % fault)
        else:
            value = params.pop("enabled", True)
            if not isinstance(value, bool):
                raise ValueError("enabled must be true or false")
        if params:
            raise ValueError("unknown params for %s: %s" % (fault, ", ".join(sorted(params))))
        await entry.server.set_fault(fault, value)
        return self._state(entry)

    async def clear_faults(self, which=None) -> List[dict]:
        entries = [self.find(which)] if which is not None else self.servers
        for entry in entries:
            await entry.server.clear_faults()
        return [self._state(entry) for entry in entries]

    async def rotate_host_key(self, which=None) -> dict:
        """A new host key for good (saved, so a restarted lab keeps it)."""
        entry = self.find(which)
        key = await asyncio.get_running_loop().run_in_executor(None, new_host_key)
        key.write_private_key(entry.key_path)
        os.chmod(entry.key_path, 0o600)
        await entry.server.rotate_host_key(key)
        return self._state(entry)

    def state(self) -> List[dict]:
        return [self._state(entry) for entry in self.servers]

    @staticmethod
    def _state(entry: LabSftpServer) -> dict:
        described = entry.describe()
        described.update(
            faults=entry.server.state()["faults"],
            files=[{"path": f.path, "size": f.size, "sha256": f.sha256} for f in entry.server.files()],
        )
        return described
