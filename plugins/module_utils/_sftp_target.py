# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The backup SFTP server as the controller sees it: host-key checked, small operations.

Private to cucm.trust: used by plugins/modules/itl_recovery_backup.py only (and its tests); not an API.

CUCM pushes ``ITLRecovery.p12`` to the SFTP server; the module then checks from the controller
what really landed there. CUCM's SSH client may be shown another of the server's host keys than
the controller negotiated (it prefers RSA, paramiko ED25519): ``offered_keys`` asks the server for
each key type on its own and verifies each, so CUCM's question is answered for any verified key
and for no other. The controller's connection verifies the server's host key against
the fingerprints the user gave (MD5 ``aa:bb:..`` as CUCM prints it, or ``SHA256:...``), against
``~/.ssh/known_hosts``, or - only with the ``accept_new`` policy - accepts a new key and reports
it, so the module can require that CUCM was shown the same key.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import os
import posixpath
import socket
import stat

try:
    import paramiko

    HAS_PARAMIKO = True
except ImportError:  # pragma: no cover - reported by the module
    paramiko = None
    HAS_PARAMIKO = False


class SftpTargetError(Exception):
    """The SFTP target cannot be used. ``step`` names what was being done."""

    def __init__(self, step, message):
        super(SftpTargetError, self).__init__("%s: %s" % (step, message))
        self.step = step


def fingerprints(key):
    """The MD5 (``aa:bb:..``) and SHA256 (``SHA256:...``) fingerprints of a paramiko key."""
    blob = key.asbytes()
    md5 = hashlib.md5(blob).hexdigest()
    sha256 = base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")
    return {"md5": ":".join(md5[i:i + 2] for i in range(0, len(md5), 2)), "sha256": "SHA256:" + sha256,
            "type": key.get_name()}


def normalize_fingerprint(value):
    """Compare-ready form: MD5 lower-case without an ``MD5:`` prefix; SHA256 as given."""
    value = (value or "").strip()
    if value.upper().startswith("MD5:"):
        value = value[4:]
    if value.upper().startswith("SHA256:"):
        return "SHA256:" + value[7:].rstrip("=")
    return value.lower()


# Host key types an SSH client (CUCM's OpenSSH among them) may negotiate, one probe each.
KEY_TYPES = ("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512")


class _CheckHostKey(object):
    """paramiko missing-host-key policy: accept only expected fingerprints (or any, when told)."""

    def __init__(self, expected, accept_new):
        self.expected = set(normalize_fingerprint(f) for f in expected or [])
        self.accept_new = accept_new
        self.seen = None

    def missing_host_key(self, client, hostname, key):
        prints = fingerprints(key)
        self.seen = prints
        if prints["md5"] in self.expected or prints["sha256"] in self.expected or self.accept_new:
            return
        raise SftpTargetError(
            "SFTP pre-flight",
            "host key of %s is %s (%s), not the expected fingerprint %s"
            % (hostname, prints["sha256"], prints["md5"], ", ".join(sorted(self.expected)) or "(none given)"),
        )


class SftpTarget(object):
    def __init__(self, host, port, username, password, expected_fingerprints=None, accept_new=False,
                 known_hosts=None, timeout=30):
        self.host = host
        self.port = port
        self.username = username
        self._password = password
        self._policy = _CheckHostKey(expected_fingerprints, accept_new)
        self._known_hosts = known_hosts
        self._timeout = timeout
        self._client = None
        self.sftp = None
        self.host_key = None
        self.host_keys = []

    def __enter__(self):
        self.connect()
        return self

    def __exit__(self, *exc_info):
        self.close()

    def connect(self):
        if not HAS_PARAMIKO:
            raise SftpTargetError("SFTP pre-flight", "the paramiko Python library is required on the controller")
        client = paramiko.SSHClient()
        known_hosts = self._known_hosts or os.path.expanduser("~/.ssh/known_hosts")
        if os.path.exists(known_hosts):
            # A known_hosts entry that disagrees with the server is refused by paramiko itself.
            client.load_host_keys(known_hosts)
        client.set_missing_host_key_policy(self._policy)
        try:
            client.connect(self.host, port=self.port, username=self.username, password=self._password,
                           timeout=self._timeout, banner_timeout=self._timeout, auth_timeout=self._timeout,
                           allow_agent=False, look_for_keys=False)
            self.sftp = client.open_sftp()
        except SftpTargetError:
            client.close()
            raise
        except paramiko.BadHostKeyException as exc:
            client.close()
            seen = fingerprints(exc.key)
            raise SftpTargetError("SFTP pre-flight", "host key of %s changed: it is now %s (%s), known_hosts "
                                  "says otherwise" % (self.host, seen["sha256"], seen["md5"]))
        except paramiko.AuthenticationException:
            client.close()
            raise SftpTargetError("SFTP pre-flight", "authentication as %s refused by %s:%s"
                                  % (self.username, self.host, self.port))
        except Exception as exc:  # socket errors, SSH negotiation failures
            client.close()
            raise SftpTargetError("SFTP pre-flight", "cannot reach %s:%s (%s)" % (self.host, self.port, exc))
        self._client = client
        self.host_key = fingerprints(client.get_transport().get_remote_server_key())
        self.host_keys = self.offered_keys(client.get_host_keys())

    def offered_keys(self, known):
        """``[fingerprints + {verified}]`` for every host key type the server offers. A key is
        verified when known_hosts or the expected fingerprints hold it (or, with the
        ``accept_new`` policy, when known_hosts does not contradict it)."""
        keys = [dict(self.host_key, verified=True)]
        for key_type in KEY_TYPES:
            key = self._probe(key_type)
            if key is None or any(k["sha256"] == fingerprints(key)["sha256"] for k in keys):
                continue
            prints = fingerprints(key)
            entry = (known.lookup(self.host if self.port == 22 else "[%s]:%d" % (self.host, self.port)) or {})
            listed = entry.get(key.get_name())
            expected = self._policy.expected
            verified = (listed is not None and listed.asbytes() == key.asbytes()) or \
                prints["md5"] in expected or prints["sha256"] in expected or \
                (self._policy.accept_new and listed is None)
            keys.append(dict(prints, verified=bool(verified)))
        return keys

    def _probe(self, key_type):
        """The server's key of ``key_type`` (key exchange only, no login), None when it has none."""
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self._timeout)
        except (OSError, socket.error):
            return None
        transport = paramiko.Transport(sock)
        transport.get_security_options().key_types = [key_type]
        try:
            transport.start_client(timeout=self._timeout)
            return transport.get_remote_server_key()
        except (paramiko.SSHException, EOFError, OSError):
            return None
        finally:
            transport.close()

    @property
    def allowed_fingerprints(self):
        """Both fingerprint forms of every verified key: what CUCM may be shown."""
        return [value for key in self.host_keys if key["verified"] for value in (key["md5"], key["sha256"])]

    def close(self):
        if self._client is not None:
            self._client.close()
            self._client = None
            self.sftp = None

    # -- small operations, each naming its step on failure ---------------------------------------
    def stat(self, path):
        """paramiko SFTPAttributes, or None when the path does not exist."""
        try:
            return self.sftp.stat(path)
        except IOError:
            return None

    def is_dir(self, path):
        attrs = self.stat(path)
        return attrs is not None and stat.S_ISDIR(attrs.st_mode)

    def makedirs(self, path, step):
        """Create ``path`` and missing parents (like ``mkdir -p``)."""
        parts = [p for p in path.split("/") if p]
        current = "/" if path.startswith("/") else ""
        for part in parts:
            current = posixpath.join(current, part) if current else part
            if self.is_dir(current):
                continue
            try:
                self.sftp.mkdir(current)
            except IOError as exc:
                raise SftpTargetError(step, "cannot create %s (%s)" % (current, exc))

    def mkdir_new(self, path, step):
        """Create ``path``, which must not exist yet (nothing is ever overwritten)."""
        if self.stat(path) is not None:
            raise SftpTargetError(step, "%s already exists" % path)
        try:
            self.sftp.mkdir(path)
        except IOError as exc:
            raise SftpTargetError(step, "cannot create %s (%s)" % (path, exc))

    def read(self, path, step):
        try:
            with self.sftp.open(path, "rb") as handle:
                return handle.read()
        except IOError as exc:
            raise SftpTargetError(step, "cannot read %s (%s)" % (path, exc))

    def write(self, path, data, step):
        try:
            with self.sftp.open(path, "wb") as handle:
                handle.write(data)
        except IOError as exc:
            raise SftpTargetError(step, "cannot write %s (%s)" % (path, exc))

    def listdir(self, path):
        try:
            return sorted(self.sftp.listdir(path))
        except IOError:
            return []

    def remove(self, path, step):
        try:
            self.sftp.remove(path)
        except IOError as exc:
            raise SftpTargetError(step, "cannot remove %s (%s)" % (path, exc))

    def rmdir(self, path, step):
        try:
            self.sftp.rmdir(path)
        except IOError as exc:
            raise SftpTargetError(step, "cannot remove directory %s (%s)" % (path, exc))

    def probe_writable(self, directory, token):
        """Create and remove an empty directory under ``directory``: proof of write access."""
        probe = posixpath.join(directory, ".cucm-trust-probe-%s" % token)
        self.mkdir_new(probe, "SFTP pre-flight (write probe)")
        self.rmdir(probe, "SFTP pre-flight (write probe)")
