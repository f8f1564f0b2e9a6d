"""Stand-ins for what the cucm cliconf plugin uses of network_cli, for its unit tests.

``NetworkCli`` has the attributes and methods the plugin (and ShellChannel) touch:
``connected``, ``_connect()``, ``update_cli_prompt_context()``, ``get_option()``,
``queue_message()``, ``send()`` (network_cli's ``sendonly`` path only), ``_ssh_shell``,
``ssh_type``, ``_ssh_type_conn`` and ``_connected``. Its shells come from an *opener*:

* ``lab_opener``: a real SSH session to a lab node, paramiko or pylibssh, opened the way
  network_cli's backends open theirs;
* ``scripted_opener``: ``ScriptedShell``, a paramiko-like channel that plays bytes taken from
  the seed transcripts (tests/unit/fixtures/dialogs) and records what it receives.

Every shell is wrapped so that all bytes sent to the device are recorded (``NetworkCli.sent``).
"""

import os
import re
import socket
import time

from ansible_collections.cucm.trust.plugins.terminal.cucm import PROMPT_RE

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "dialogs")
COMMAND_TIMEOUT = 10.0


class NetworkCli(object):
    """The network_cli connection as the cliconf plugin sees it."""

    def __init__(self, opener, ssh_type="paramiko", host="127.0.0.1", command_timeout=COMMAND_TIMEOUT):
        self._opener = opener
        self.ssh_type = ssh_type
        self._options = {"host": host, "port": 22, "persistent_command_timeout": command_timeout}
        self._ssh_shell = None
        self._ssh_type_conn = None
        self._connected = False
        self.cliconf = None
        self.messages = []  # (level, message) given to queue_message
        self.shells = []  # every shell opened, in order (RecordingShell)
        self._new_task = False

    @property
    def connected(self):
        return self._connected

    @property
    def connects(self):
        return len(self.shells)

    @property
    def sent(self):
        """Everything sent to the device over every session, in order."""
        return b"".join(shell.sent for shell in self.shells)

    def _connect(self):
        """Open a session and read up to the first prompt (network_cli's _connect)."""
        if self._connected:
            return self
        client, shell = self._opener()
        self._ssh_type_conn = SshSession(client)
        self._ssh_shell = RecordingShell(shell)
        self.shells.append(self._ssh_shell)
        self._connected = True
        _read_first_prompt(self._ssh_shell, self.ssh_type)
        return self

    def start_task(self):
        """A new task begins: its first command resynchronises the CLI (network_cli's set_check_prompt)."""
        self._new_task = True

    def update_cli_prompt_context(self):
        if self._new_task:
            self._new_task = False
            self.cliconf.set_cli_prompt_context()

    def get_option(self, name):
        return self._options[name]

    def set_option(self, name, value):
        self._options[name] = value

    def queue_message(self, level, message):
        self.messages.append((level, message))

    def send(self, command, sendonly=False, newline=True, **unused):
        """network_cli's send, for ``sendonly`` only: type the command and do not wait for it."""
        if not sendonly:
            raise NotImplementedError("the stand-in implements network_cli's send for sendonly only")
        self._ssh_shell.sendall(command + (b"\r" if newline else b""))
        return b""


class SshSession(object):
    """Stands for network_cli's ``_ssh_type_conn``: closing it ends the SSH session."""

    def __init__(self, client):
        self.client = client
        self.closed = False

    def close(self):
        self.closed = True
        if self.client is not None:
            self.client.close()


class RecordingShell(object):
    """A shell channel that records the bytes sent through it."""

    def __init__(self, shell):
        self._shell = shell
        self.chunks = []  # one entry per sendall()
        self.closed = False

    @property
    def sent(self):
        return b"".join(self.chunks)

    def sendall(self, data):
        self.chunks.append(bytes(data))
        return self._shell.sendall(data)

    def close(self):
        self.closed = True
        return self._shell.close()

    def __getattr__(self, name):
        return getattr(self._shell, name)


def _read_first_prompt(shell, ssh_type, timeout=10.0):
    data = b""
    deadline = time.time() + timeout
    while not PROMPT_RE.search(data):
        if time.time() > deadline:
            raise AssertionError("no prompt when the session opened: %r" % data[-300:])
        if ssh_type == "paramiko":
            shell.settimeout(0.1)
            try:
                data += shell.recv(4096)
            except socket.timeout:
                pass
        elif shell.poll(timeout=100) > 0:
            data += shell.read_nonblocking(size=1024)
    return data


# -- a real lab session ---------------------------------------------------------------------
def lab_opener(ssh_type, lab, hostname):
    """Open an interactive shell on a lab node, as network_cli's paramiko or libssh backend does."""
    node = lab.node(hostname)
    password = lab.lab_json["password"]

    def open_shell():
        if ssh_type == "paramiko":
            import paramiko

            client = paramiko.SSHClient()
            client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
            client.connect(node["host"], port=node["port"], username="admin", password=password,
                           look_for_keys=False, allow_agent=False, timeout=10)
            shell = client.invoke_shell()
            shell.settimeout(COMMAND_TIMEOUT)
            return client, shell
        from pylibsshext.session import Session

        client = Session()
        client.connect(host=node["host"], port=node["port"], user="admin", password=password,
                       host_key_checking=False, look_for_keys=False, timeout=10)
        return client, client.invoke_shell()

    return open_shell


# -- a scripted device ----------------------------------------------------------------------
class ScriptedShell(object):
    """A paramiko-like channel that plays a script.

    Steps, in order: ``("out", data)`` prints ``data``; ``("out", data, delay)`` prints it
    ``delay`` seconds after the previous step; ``("in", data)`` waits until ``data`` has been
    sent to it; ``("close",)`` ends the session as the device would (paramiko: recv() returns
    b"" once what was printed is read, sendall() raises ``OSError("Socket is closed")``).
    """

    def __init__(self, steps):
        self._steps = list(steps)
        self._queue = []  # (due time, bytes or None for the end of the session)
        self._received = b""
        self._matched = 0
        self._timeout = None
        self._last_due = time.time()
        self.closed_by_device = False
        self.closed = False
        self._run()

    def _run(self):
        now = time.time()
        self._last_due = max(self._last_due, now)
        while self._steps:
            step = self._steps[0]
            if step[0] == "in":
                index = self._received.find(step[1], self._matched)
                if index < 0:
                    return
                self._matched = index + len(step[1])
                self._last_due = max(self._last_due, now)
            elif step[0] == "out":
                self._last_due += step[2] if len(step) > 2 else 0.0
                self._queue.append((self._last_due, step[1]))
            elif step[0] == "close":
                self._queue.append((self._last_due, None))
            self._steps.pop(0)

    def _due(self):
        return self._queue and self._queue[0][0] <= time.time()

    def _check_close(self):
        if any(data is None and due <= time.time() for due, data in self._queue):
            self.closed_by_device = True

    def settimeout(self, timeout):
        self._timeout = timeout

    def gettimeout(self):
        return self._timeout

    def recv(self, size):
        deadline = time.time() + (self._timeout if self._timeout is not None else 60.0)
        while not self._due():
            if self.closed:
                raise OSError("Socket is closed")
            if time.time() >= deadline:
                raise socket.timeout()
            next_due = self._queue[0][0] if self._queue else deadline
            time.sleep(max(0.0, min(next_due, deadline) - time.time()) + 0.001)
        due, data = self._queue[0]
        if data is None:
            self.closed_by_device = True
            return b""
        if len(data) > size:
            self._queue[0] = (due, data[size:])
            return data[:size]
        self._queue.pop(0)
        return data

    def sendall(self, data):
        self._check_close()
        if self.closed or self.closed_by_device:
            raise OSError("Socket is closed")
        self._received += data
        self._run()

    def close(self):
        self.closed = True

    @property
    def unplayed(self):
        """Steps the device never reached (an ``in`` it is still waiting for, and what follows)."""
        return list(self._steps)


def scripted_opener(*scripts):
    """An opener that hands out one ScriptedShell per session, from ``scripts`` in order."""
    pending = list(scripts)

    def open_shell():
        if not pending:
            raise AssertionError("the test scripted %d session(s) only" % len(scripts))
        return None, ScriptedShell(pending.pop(0))

    return open_shell


# -- seed transcripts -------------------------------------------------------------------------
def seed(name, index=0):
    """(command, output lines) of the ``index``-th command of a seed transcript."""
    with open(os.path.join(FIXTURES, name)) as handle:
        lines = handle.read().splitlines()
    starts = [number for number, line in enumerate(lines) if line.startswith("admin:")]
    assert starts[0] == 0
    start = starts[index]
    end = starts[index + 1] if index + 1 < len(starts) else len(lines)
    return lines[start][len("admin:"):], lines[start + 1:end]


def seed_script(name, questions=(), prompt_first=True, index=0):
    """The steps of a ScriptedShell that plays the seed ``name`` as CUCM printed it.

    ``questions``: (question regex, answer) pairs. At a line where a question matches, the
    device prints the line up to the end of the question and waits for the answer followed by
    Enter; the rest of the seed's line (the echo of what the engineer typed) follows. The
    session opens at a prompt (``prompt_first``) and the output ends with one.
    """
    command, lines = seed(name, index)
    steps = [("out", b"admin:")] if prompt_first else []
    steps += [("in", command.encode() + b"\r"), ("out", command.encode() + b"\r\n")]
    for line in lines:
        hit = None
        for pattern, answer in questions:
            match = re.search(pattern, line)
            if match and (hit is None or match.start() < hit[0].start()):
                hit = (match, answer)
        if hit is None:
            steps.append(("out", line.encode() + b"\r\n"))
            continue
        match, answer = hit
        steps += [("out", line[:match.end()].encode()), ("in", answer.encode() + b"\r"),
                  ("out", line[match.end():].encode() + b"\r\n")]
    steps.append(("out", b"admin:"))
    return command, steps


def output_text(lines):
    """Seed lines as the dialog result's ``output`` gives them."""
    return "\n".join(lines)
