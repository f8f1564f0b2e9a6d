"""ShellChannel on both network_cli backends, against a real lab node over SSH.

Each test opens an interactive shell the way network_cli's backends do (paramiko's
``SSHClient.invoke_shell()``, pylibssh's ``Session.invoke_shell()``) and hands ShellChannel a
minimal stand-in of the connection: ``_ssh_shell``, ``ssh_type``, ``_ssh_type_conn`` and
``_connected``, the attributes it reads and resets.
"""

import re
import time

import pytest

from ansible_collections.cucm.trust.plugins.plugin_utils._shell_channel import ChannelClosed, ShellChannel
from ansible_collections.cucm.trust.plugins.terminal.cucm import PROMPT_RE
from cucm_lab.testing import start_lab

BACKENDS = ["paramiko", "libssh"]
# network_cli sets the command timeout on paramiko's channel; a read must leave it as it was.
COMMAND_TIMEOUT = 30.0


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    handle = start_lab(tmp_path_factory.mktemp("shell_channel"), nodes=1, release="12.5", test_commands=True,
                       sftp_servers=0)
    yield handle
    handle.stop()


@pytest.fixture
def node(lab):
    """The lab's node; faults and settings a test adds are undone afterwards."""
    settings = lab.control("GET", "/settings")
    yield lab.lab_json["nodes"][0]
    lab.control("DELETE", "/faults")
    for hostname, values in settings.items():
        lab.control("POST", "/settings", dict(values, node=hostname))


class SshSession(object):
    """Stands for network_cli's ``_ssh_type_conn``: closing it ends the SSH session."""

    def __init__(self, client):
        self.client = client
        self.closed = False

    def close(self):
        self.closed = True
        self.client.close()


class Connection(object):
    """What ShellChannel uses of network_cli."""

    def __init__(self, ssh_type, client, shell):
        self.ssh_type = ssh_type
        self._ssh_type_conn = SshSession(client)
        self._ssh_shell = shell
        self._connected = True


def open_connection(ssh_type, node, password):
    if ssh_type == "paramiko":
        import paramiko

        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        client.connect(node["host"], port=node["port"], username="admin", password=password,
                       look_for_keys=False, allow_agent=False, timeout=10)
        shell = client.invoke_shell()
        shell.settimeout(COMMAND_TIMEOUT)
    else:
        session_module = pytest.importorskip("pylibsshext.session")
        client = session_module.Session()
        client.connect(host=node["host"], port=node["port"], user="admin", password=password,
                       host_key_checking=False, look_for_keys=False, timeout=10)
        shell = client.invoke_shell()
    return Connection(ssh_type, client, shell)


@pytest.fixture(params=BACKENDS)
def connection(request, lab, node):
    conn = open_connection(request.param, node, lab.lab_json["password"])
    yield conn
    ShellChannel(conn).abandon()


def read_until(channel, pattern, timeout=5.0):
    """Read with ShellChannel.read until ``pattern`` matches the end of what arrived (bounded)."""
    regex = re.compile(pattern) if isinstance(pattern, bytes) else pattern
    data = b""
    deadline = time.time() + timeout
    while time.time() < deadline:
        data += channel.read(0.2)
        if regex.search(data):
            return data
    raise AssertionError("no %r within %ss in %r" % (regex.pattern, timeout, data[-300:]))


def open_sessions(lab, hostname):
    return lab.control("GET", "/stats")["nodes"][hostname]["sessions"]


def wait_sessions(lab, hostname, count, timeout=3.0):
    deadline = time.time() + timeout
    while open_sessions(lab, hostname) != count and time.time() < deadline:
        time.sleep(0.05)
    return open_sessions(lab, hostname)


def test_read_returns_the_banner_and_prompt_as_they_arrive(connection):
    """read() hands over what the node prints: the welcome block, then the prompt."""
    data = read_until(ShellChannel(connection), PROMPT_RE)
    assert data.startswith(b"Command Line Interface is starting up, please wait ...\r\n")
    assert b"\r\n   Welcome to the Platform Command Line Interface\r\n" in data
    assert data.endswith(b"\r\n\r\nadmin:")


def test_read_returns_nothing_on_silence_within_the_timeout(connection):
    """At the prompt nothing more comes: read() waits about its timeout and returns b""."""
    channel = ShellChannel(connection)
    read_until(channel, PROMPT_RE)
    started = time.time()
    assert channel.read(0.3) == b""
    assert 0.25 <= time.time() - started < 1.0
    if connection.ssh_type == "paramiko":
        assert connection._ssh_shell.gettimeout() == COMMAND_TIMEOUT


def test_send_then_read_until_the_prompt(connection):
    """send() types a command; its echo, output and the next prompt come back through read()."""
    channel = ShellChannel(connection)
    read_until(channel, PROMPT_RE)
    channel.send(b"show myself\r")
    data = read_until(channel, PROMPT_RE)
    assert data.startswith(b"show myself\r\n")
    assert b"Machine Name    : lab125-pub\r\naccount name    : admin\r\n" in data
    assert data.endswith(b"\r\n\r\nadmin:")


def test_drain_stops_after_quiet_time(connection):
    """drain() collects the whole output and returns once the channel has been quiet, long
    before its limit."""
    channel = ShellChannel(connection)
    read_until(channel, PROMPT_RE)
    channel.send(b"show myself\r")
    started = time.time()
    data = channel.drain(quiet=0.3, limit=5.0)
    elapsed = time.time() - started
    assert data.startswith(b"show myself\r\n") and data.endswith(b"\r\n\r\nadmin:")
    assert 0.3 <= elapsed < 1.5
    assert channel.read(0.05) == b""


def test_drain_respects_its_limit_while_output_keeps_coming(lab, node, connection):
    """A service restart prints its state every 50 ms: the quiet time never comes, drain()
    returns at its limit with what arrived so far."""
    lab.control("POST", "/settings", {"node": node["hostname"], "time_scale": 0.05, "service_stop_seconds": 12,
                                      "service_poll_seconds": 1.0})
    channel = ShellChannel(connection)
    read_until(channel, PROMPT_RE)
    channel.send(b"utils service restart Cisco Tftp\r")
    started = time.time()
    data = channel.drain(quiet=0.5, limit=0.3)
    elapsed = time.time() - started
    assert 0.3 <= elapsed < 0.5
    assert b"Cisco Tftp[STOPPING]\r\n" in data
    assert not PROMPT_RE.search(data)
    rest = read_until(channel, PROMPT_RE)  # let the restart finish
    assert b"Cisco Tftp[STARTED]\r\n" in rest


def test_type_slowly_sends_byte_by_byte(connection):
    """`labtest ask slow` keeps only the first character of a burst: send() loses the rest,
    type_slowly() gets the whole word through, echoed character by character."""
    channel = ShellChannel(connection)
    read_until(channel, PROMPT_RE)
    channel.send(b"labtest ask slow\r")
    read_until(channel, rb"Type a word:$")
    channel.send(b"hello")
    channel.send(b"\r")
    assert b"You typed: h\r\n" in read_until(channel, PROMPT_RE)

    channel.send(b"labtest ask slow\r")
    read_until(channel, rb"Type a word:$")
    channel.type_slowly(b"hello", 0.02)
    channel.send(b"\r")
    data = read_until(channel, PROMPT_RE)
    assert data.startswith(b"hello\r\n")
    assert b"You typed: hello\r\n" in data


@pytest.mark.parametrize("how", ["exit", "disconnect"])
def test_a_session_the_server_ends_raises_channel_closed(lab, node, connection, how):
    """`exit` (the CLI ends the session) or a dropped connection: read(), send() and
    type_slowly() all raise ChannelClosed, whatever the backend raised underneath."""
    channel = ShellChannel(connection)
    read_until(channel, PROMPT_RE)
    assert wait_sessions(lab, node["hostname"], 1) == 1  # earlier tests' sessions are gone
    if how == "exit":
        channel.send(b"exit\r")
    else:
        assert lab.control("POST", "/actions/disconnect", {"node": node["hostname"]})["closed"] == 1
    # Bounded by time, not reads: on a loaded machine the close can take seconds to arrive.
    deadline = time.monotonic() + 30
    with pytest.raises(ChannelClosed):
        while time.monotonic() < deadline:
            channel.read(0.1)
    with pytest.raises(ChannelClosed):
        channel.send(b"show myself\r")
    with pytest.raises(ChannelClosed):
        channel.type_slowly(b"y", 0.0)


def test_abandon_closes_the_session_and_marks_the_connection_not_connected(lab, node, connection):
    """abandon() closes the channel and the SSH session (the node sees the session end) and
    leaves the connection marked not connected, so that the next command reconnects - with the
    same transport plugin object, which keeps the options network_cli set for this task."""
    channel = ShellChannel(connection)
    read_until(channel, PROMPT_RE)
    assert wait_sessions(lab, node["hostname"], 1) == 1
    ssh_session = connection._ssh_type_conn
    channel.abandon()
    assert connection._ssh_shell is None and connection._ssh_type_conn is ssh_session
    assert connection._connected is False
    assert ssh_session.closed
    assert wait_sessions(lab, node["hostname"], 0) == 0
    with pytest.raises(ChannelClosed):
        channel.read(0.1)
    channel.abandon()  # a second abandon (the fixture's) has nothing left to close
