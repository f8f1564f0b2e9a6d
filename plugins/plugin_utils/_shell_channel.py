# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Backend-neutral access to network_cli's interactive shell channel.

Private to cucm.trust: used by plugins/cliconf/cucm.py only (and its tests); not an API.

network_cli offers "send a command and read until a prompt". The dialog mechanism and the
per-task resynchronisation also need "read whatever arrives within t seconds" and "send bytes
without logging or recording them" (passwords). Both backends expose that on the channel object
network_cli keeps in its private ``_ssh_shell`` attribute, so this module is the one place that
touches it; galaxy.yml pins the ansible.netcommon range it was written against and
tests/unit/plugins/plugin_utils/test_shell_channel.py exercises both backends.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
import time

# libssh's ssh_channel_poll*() return value for "the remote side closed the channel".
_LIBSSH_EOF = -127


class ChannelClosed(Exception):
    """The device closed the shell channel (logout, reboot, dropped connection)."""


class ShellChannel(object):
    def __init__(self, connection):
        self._connection = connection

    @property
    def _shell(self):
        shell = getattr(self._connection, "_ssh_shell", None)
        if shell is None:
            raise ChannelClosed("the CLI session is not open")
        return shell

    @property
    def _is_paramiko(self):
        return self._connection.ssh_type == "paramiko"

    def read(self, timeout):
        """Return the bytes that arrive within ``timeout`` seconds (b"" when none did)."""
        try:
            if self._is_paramiko:
                return self._read_paramiko(timeout)
            return self._read_libssh(timeout)
        except ChannelClosed:
            raise
        except Exception as exc:  # pylibssh / paramiko / socket errors all mean the same here
            raise ChannelClosed("the CLI session was lost (%s)" % exc)

    def _read_paramiko(self, timeout):
        shell = self._shell
        previous = shell.gettimeout()
        shell.settimeout(max(timeout, 0.001))
        try:
            data = shell.recv(4096)
        except socket.timeout:
            return b""
        finally:
            shell.settimeout(previous)
        if not data:
            raise ChannelClosed("the device closed the CLI session")
        return data

    def _read_libssh(self, timeout):
        shell = self._shell
        available = shell.poll(timeout=max(int(timeout * 1000), 1))
        if available == _LIBSSH_EOF or (available == 0 and shell.is_eof):
            raise ChannelClosed("the device closed the CLI session")
        if available <= 0:
            return b""
        data = shell.read_nonblocking(size=1024)
        if data is None:
            raise ChannelClosed("the device closed the CLI session")
        return data

    def send(self, data):
        """Send raw bytes. Nothing is logged or kept in the connection history."""
        try:
            self._shell.sendall(data)
        except ChannelClosed:
            raise
        except Exception as exc:
            raise ChannelClosed("the CLI session was lost (%s)" % exc)

    def type_slowly(self, data, delay):
        """Send one byte at a time: some CUCM input modes drop characters typed in one burst."""
        for index in range(len(data)):
            self.send(data[index:index + 1])
            time.sleep(delay)

    def drain(self, quiet=0.25, limit=3.0):
        """Read until the channel has been silent for ``quiet`` seconds (at most ``limit`` s)."""
        collected = b""
        deadline = time.time() + limit
        while time.time() < deadline:
            data = self.read(quiet)
            if not data:
                break
            collected += data
        return collected

    def abandon(self):
        """Close the SSH session but keep the persistent connection process alive.

        Used when a dialog cannot be finished safely (the CLI waits at a question we must not
        answer): dropping the session makes CUCM abandon the command, and the next command of
        the play reconnects. network_cli.close() would also end the persistent process.
        """
        connection = self._connection
        shell = getattr(connection, "_ssh_shell", None)
        if shell is not None:
            try:
                shell.close()
            except Exception:  # the channel may already be gone; nothing else to release
                pass
            connection._ssh_shell = None
        if getattr(connection, "_ssh_type_conn", None) is not None:
            # Close the SSH transport but keep the plugin object: it holds the connection's
            # options (host, port, user...), which network_cli sets only once per task, so the
            # next command of this same task can reconnect with it.
            connection._ssh_type_conn.close()
        connection._connected = False
