"""The SSH side of the lab, seen by real clients (paramiko, libssh): session, auth, refusals."""

import re
import time

import paramiko
import pytest

from cucm_lab.testing import PROMPT_RE, ShellClient

BANNER_START = "Command Line Interface is starting up, please wait ...\r\n"


def _transport(lab, hostname):
    node = lab.node(hostname)
    transport = paramiko.Transport((node["host"], node["port"]))
    transport.start_client(timeout=10)
    return transport


def _password(lab):
    return lab.lab_json["password"]


def test_banner_then_prompt(clean_lab, pub):
    clean_lab.control("POST", "/settings", {"node": pub, "banner_delay": 1.0})
    with clean_lab.shell(pub, wait_prompt=False) as cli:
        first = cli.read_until(re.escape(BANNER_START))
        started = time.monotonic()
        rest = cli.read_until(PROMPT_RE)
        waited = time.monotonic() - started
    assert first == BANNER_START
    assert waited >= 0.9
    # cucm-cli-behaviour.md, "Session": welcome line, VMware block, then the prompt.
    lines = rest.split("\r\n")
    assert lines[1] == "   Welcome to the Platform Command Line Interface"
    assert lines[3] == "VMware Installation:"
    assert re.match(r"^\s+\d+ vCPU: ", lines[4])
    assert re.match(r"^\s+Disk 1: \d+GB", lines[5])
    assert re.match(r"^\s+\d+ Mbytes RAM$", lines[6])
    assert lines[-1] == "admin:"


def test_echo_and_crlf(clean_lab, pub):
    with clean_lab.shell(pub) as cli:
        assert cli.banner.endswith("\r\n\r\nadmin:")
        cli.send("show version active\r")
        raw = cli.read_until(PROMPT_RE)
    transcript = "admin:" + raw
    assert transcript.startswith("admin:show version active\r\n")
    assert "Active Master Version: %s\r\n" % clean_lab.control("GET", "/state")["version"] in raw
    # Every line break is CRLF: no bare LF anywhere.
    assert "\n" not in raw.replace("\r\n", "")


def test_prompt_is_admin_whatever_the_login(clean_lab, pub):
    with clean_lab.shell(pub) as cli:
        assert cli.banner.endswith("admin:")
        assert "account name    : admin" in cli.command("show myself")


def test_password_auth(clean_lab, pub):
    clean_lab.control("POST", "/settings", {"node": pub, "auth_methods": ["password"]})
    transport = _transport(clean_lab, pub)
    try:
        with pytest.raises(paramiko.BadAuthenticationType) as refused:
            transport.auth_interactive("admin", lambda *a: [_password(clean_lab)])
        assert refused.value.allowed_types == ["password"]
        transport.auth_password("admin", _password(clean_lab), fallback=False)
        assert transport.is_authenticated()
    finally:
        transport.close()


def test_keyboard_interactive_auth_asks_one_password_question(clean_lab, pub):
    clean_lab.control("POST", "/settings", {"node": pub, "auth_methods": ["keyboard-interactive"]})
    questions = []

    def answer(title, instructions, prompts):
        questions.extend(prompts)
        return [_password(clean_lab)] * len(prompts)

    transport = _transport(clean_lab, pub)
    try:
        with pytest.raises(paramiko.BadAuthenticationType) as refused:
            transport.auth_password("admin", _password(clean_lab), fallback=False)
        assert refused.value.allowed_types == ["keyboard-interactive"]
        transport.auth_interactive("admin", answer)
        assert transport.is_authenticated()
    finally:
        transport.close()
    assert questions == [("Password: ", False)]


def test_release_profile_auth_methods(clean_lab, pub):
    """12.5 offers both methods (releases.py); no public keys ever."""
    transport = _transport(clean_lab, pub)
    try:
        key = paramiko.RSAKey.generate(1024)
        with pytest.raises(paramiko.BadAuthenticationType) as refused:
            transport.auth_publickey("admin", key)
        assert sorted(refused.value.allowed_types) == ["keyboard-interactive", "password"]
    finally:
        transport.close()


def test_wrong_password_rejected_and_not_counted(clean_lab, pub):
    transport = _transport(clean_lab, pub)
    try:
        with pytest.raises(paramiko.AuthenticationException):
            transport.auth_password("admin", "not-the-password", fallback=False)
        with pytest.raises(paramiko.AuthenticationException):
            transport.auth_password("root", _password(clean_lab), fallback=False)
    finally:
        transport.close()
    assert clean_lab.control("GET", "/stats")["nodes"][pub]["logins"] == 0


def test_exec_refused(clean_lab, pub):
    transport = _transport(clean_lab, pub)
    try:
        transport.auth_password("admin", _password(clean_lab))
        channel = transport.open_session(timeout=10)
        with pytest.raises(paramiko.SSHException):
            channel.exec_command("show version active")
    finally:
        transport.close()


def test_sftp_subsystem_refused(clean_lab, pub):
    transport = _transport(clean_lab, pub)
    try:
        transport.auth_password("admin", _password(clean_lab))
        with pytest.raises(paramiko.SSHException):
            paramiko.SFTPClient.from_transport(transport)
    finally:
        transport.close()


def test_host_key_matches_known_hosts(clean_lab, pub):
    node = clean_lab.node(pub)
    known = paramiko.HostKeys(clean_lab.lab_json["known_hosts"])
    entry = known.lookup("[127.0.0.1]:%d" % node["port"])
    assert entry is not None and list(entry) == ["ssh-rsa"]
    transport = _transport(clean_lab, pub)
    try:
        assert transport.get_remote_server_key() == entry["ssh-rsa"]
        assert "AsyncSSH" not in transport.remote_version
    finally:
        transport.close()


def test_libssh_client(clean_lab, sub):
    """ansible-pylibssh (network_cli's recommended backend) against a keyboard-interactive node."""
    session_module = pytest.importorskip("pylibsshext.session")
    clean_lab.control("POST", "/settings", {"node": sub, "auth_methods": ["keyboard-interactive"]})
    node = clean_lab.node(sub)
    session = session_module.Session()
    session.connect(host=node["host"], port=node["port"], user="admin", password=_password(clean_lab),
                    host_key_checking=False, look_for_keys=False, timeout=10)
    try:
        channel = session.invoke_shell()
        received = b""
        deadline = time.monotonic() + 10
        while not received.endswith(b"admin:") and time.monotonic() < deadline:
            received += channel.read_nonblocking(65536)
            time.sleep(0.02)
        assert received.endswith(b"\r\n\r\nadmin:")
        channel.sendall(b"show myself\r")
        received = b""
        while not received.endswith(b"admin:") and time.monotonic() < deadline:
            received += channel.read_nonblocking(65536)
            time.sleep(0.02)
        assert received.startswith(b"show myself\r\n")
        assert ("Machine Name    : %s\r\n" % sub).encode() in received
        channel.close()
    finally:
        session.close()


def test_exit_closes_the_session(clean_lab, pub):
    with clean_lab.shell(pub) as cli:
        cli.send("exit\r")
        with pytest.raises(EOFError):
            cli.read_until("never", timeout=5)
        assert cli.channel.recv_exit_status() == 0


def test_shell_client_helper_defaults(clean_lab, pub):
    """The helper used across these tests logs in with lab.json's credentials."""
    node = clean_lab.node(pub)
    with ShellClient(node["host"], node["port"], "admin", _password(clean_lab), auth="keyboard-interactive") as cli:
        assert cli.banner.endswith("admin:")


def test_paramiko_client_falls_back_to_keyboard_interactive(clean_lab, pub):
    """SSHClient.connect(password=...) (network_cli's paramiko path) on a kbdint-only node:
    paramiko's password attempt is refused and it retries keyboard-interactive on the same
    connection, as it does against CUCM's OpenSSH."""
    clean_lab.control("POST", "/settings", {"node": pub, "auth_methods": ["keyboard-interactive"]})
    node = clean_lab.node(pub)
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    try:
        client.connect(node["host"], port=node["port"], username="admin", password=_password(clean_lab),
                       look_for_keys=False, allow_agent=False, timeout=10)
        assert client.get_transport().is_authenticated()
    finally:
        client.close()
    assert clean_lab.control("GET", "/stats")["nodes"][pub]["logins"] == 1
