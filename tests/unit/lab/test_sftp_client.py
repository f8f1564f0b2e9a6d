"""CUCM's side of SFTP (cucm_lab.sftp_client) against the lab's SFTP server over loopback:
the host-key probe and known_hosts, uploads (`file get tftp`), downloads (`utils itl reset
remotekey`) and every error they map."""

import asyncio
import os
import re
import socket

import pytest

from cucm_lab import pki, sftp_client
from cucm_lab.model import Node
from cucm_lab.sftp import SftpServerThread, new_host_key
from cucm_lab.sftp_client import (
    CONTINUE_QUESTION,
    ERROR_MESSAGES,
    HostKeyStatus,
    HostProbe,
    KnownHosts,
    SftpAuthError,
    SftpClientError,
    SftpConnectError,
    SftpConnectionLostError,
    SftpHostKeyError,
    SftpNoSpaceError,
    SftpNoSuchFileError,
    SftpPermissionError,
    download,
    probe_host_key,
    upload,
)

DIALOG_001 = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "dialogs",
                          "001_file_get_itlrecovery.txt")
HOST = "127.0.0.1"
USER, PASSWORD = "backup", "s3cret-backup"
DIRECTORY = "/home/backup/"
DATA = os.urandom(1709)  # dialog 001: "Total size in Bytes: 1709"


def run(coro, timeout=20):
    return asyncio.run(asyncio.wait_for(coro, timeout))


@pytest.fixture(scope="module")
def host_key():
    return new_host_key()


@pytest.fixture
def sftpd(tmp_path, host_key):
    with SftpServerThread(str(tmp_path / "root"), {USER: PASSWORD}, host_key=host_key) as running:
        yield running


def push(server, data=DATA, *, host_key=None, password=PASSWORD, directory=DIRECTORY,
         port=None, host=HOST, **kwargs):
    return run(upload(host, port or server.port, USER, password, directory, "ITLRecovery.p12",
                      data, host_key=host_key, **kwargs))


# -- the dialog ------------------------------------------------------------------------------
def seed_host_key_lines():
    """Dialog 001's host-key question, with the web page's line wrap undone."""
    text = open(DIALOG_001, encoding="utf-8").read()
    start = text.index("The authenticity of host")
    block = text[start:text.index(CONTINUE_QUESTION.rstrip())]
    unwrapped = block.replace("can't be\nestablished", "can't be established")
    authenticity, fingerprint = unwrapped.splitlines()
    return authenticity, fingerprint


def test_unknown_host_lines_have_the_seed_layout(sftpd):
    seed_authenticity, seed_fingerprint = seed_host_key_lines()
    probe = HostProbe("joemar2-server.cisco.com", 22, "172.18.172.254", sftpd.server.host_key)

    authenticity, fingerprint = probe.unknown_host_lines()

    assert authenticity == seed_authenticity
    layout = re.compile(r"RSA key fingerprint is (?:[0-9a-f]{2}:){15}[0-9a-f]{2}\.$")
    assert layout.match(seed_fingerprint) and layout.match(fingerprint)
    assert fingerprint == "RSA key fingerprint is %s." % sftpd.server.host_key.md5
    assert CONTINUE_QUESTION.rstrip() + " yes" in open(DIALOG_001, encoding="utf-8").read()


def test_probe_reports_the_served_key_without_logging_in(sftpd):
    probe = run(probe_host_key(HOST, sftpd.server.port))

    assert probe.address == HOST and probe.port == sftpd.server.port
    assert probe.host_key == sftpd.server.host_key
    assert probe.unknown_host_lines()[0] == (
        "The authenticity of host '[127.0.0.1]:%d ([127.0.0.1]:%d)' can't be established."
        % (sftpd.server.port, sftpd.server.port))
    assert sftpd.server.uploads == []


def test_known_hosts_remember_then_refuse_a_changed_key(sftpd):
    node = Node(hostname="lab-pub", fqdn="lab-pub.lab.example", ip="192.0.2.10", publisher=True)
    known = KnownHosts(node.sftp_known_hosts)
    port = sftpd.server.port
    first = run(probe_host_key(HOST, port))

    assert known.check(HOST, port, first.host_key) == HostKeyStatus.UNKNOWN
    known.remember(HOST, port, first.host_key)
    assert node.sftp_known_hosts == {"[127.0.0.1]:%d" % port: first.host_key.public_key}
    assert known.check(HOST, port, run(probe_host_key(HOST, port)).host_key) == HostKeyStatus.KNOWN

    sftpd.call(sftpd.server.rotate_host_key)
    second = run(probe_host_key(HOST, port))
    assert known.check(HOST, port, second.host_key) == HostKeyStatus.CHANGED

    warning = second.changed_host_lines(known.line_number(HOST, port))
    assert "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @" in warning
    assert "%s." % second.host_key.md5 in warning
    assert "Offending key in /root/.ssh/known_hosts:1" in warning
    assert warning[-1] == "Host key verification failed."

    known.forget(HOST, port)
    assert known.check(HOST, port, second.host_key) == HostKeyStatus.UNKNOWN


# -- uploads ---------------------------------------------------------------------------------
def test_upload_with_the_accepted_key(sftpd):
    probe = run(probe_host_key(HOST, sftpd.server.port))

    result = push(sftpd.server, host_key=probe.host_key)

    stored = sftpd.server.files()
    assert [(f.path, f.size, f.sha256) for f in stored] == [
        (result.remote_path, result.size, result.sha256)]
    assert result.remote_path == "/home/backup/ITLRecovery.p12" and result.size == 1709
    assert sftpd.server.read_file(result.remote_path) == DATA


def test_upload_refuses_a_key_other_than_the_accepted_one(sftpd):
    accepted = run(probe_host_key(HOST, sftpd.server.port)).host_key
    sftpd.set_fault("host_key_changed")

    with pytest.raises(SftpHostKeyError) as refused:
        push(sftpd.server, host_key=accepted)

    assert refused.value.kind == sftp_client.ERROR_HOST_KEY_CHANGED
    assert str(refused.value) == "Host key verification failed."
    assert sftpd.server.files() == []


def test_wrong_password(sftpd):
    with pytest.raises(SftpAuthError) as refused:
        push(sftpd.server, password="wrong")
    assert str(refused.value) == ERROR_MESSAGES[sftp_client.ERROR_AUTH_FAILED]


def test_auth_refused_fault(sftpd):
    sftpd.set_fault("auth_refused")
    with pytest.raises(SftpAuthError):
        push(sftpd.server)


def test_server_down_is_connection_refused(sftpd):
    port = sftpd.server.port
    sftpd.set_fault("down")
    for attempt in (probe_host_key(HOST, port), upload(HOST, port, USER, PASSWORD, DIRECTORY, "f",
                                                       DATA, host_key=None)):
        with pytest.raises(SftpConnectError) as refused:
            run(attempt)
        assert refused.value.kind == sftp_client.ERROR_CONNECTION_REFUSED
        assert str(refused.value) == (
            "ssh: connect to host 127.0.0.1 port %d: Connection refused" % port)


def test_unknown_host_name():
    with pytest.raises(SftpConnectError) as unresolved:
        run(probe_host_key("sftp.nonexistent.invalid", 22))
    assert unresolved.value.kind == sftp_client.ERROR_UNRESOLVED
    assert "Could not resolve hostname sftp.nonexistent.invalid" in str(unresolved.value)


def test_silent_server_times_out():
    # A listening socket nobody accepts from: TCP connects, SSH never says hello.
    with socket.socket() as silent:
        silent.bind((HOST, 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        with pytest.raises(SftpConnectError) as timed_out:
            run(probe_host_key(HOST, port, timeout=0.5))
    assert timed_out.value.kind == sftp_client.ERROR_TIMEOUT


def test_permission_denied(sftpd):
    sftpd.set_fault("permission_denied")
    with pytest.raises(SftpPermissionError) as denied:
        push(sftpd.server)
    assert denied.value.context["path"] == "/home/backup/ITLRecovery.p12"
    assert sftpd.server.files() == []


def test_no_space_left(sftpd):
    sftpd.set_fault("disk_full", 1000)
    with pytest.raises(SftpNoSpaceError) as full:
        push(sftpd.server)
    assert "No space left on device" in str(full.value)
    assert sftpd.server.read_file("/home/backup/ITLRecovery.p12") == DATA[:1000]


def test_connection_lost_mid_transfer_leaves_the_partial_file(sftpd):
    sftpd.set_fault("cut_after", 700)
    with pytest.raises(SftpConnectionLostError) as lost:
        push(sftpd.server)
    assert str(lost.value) == "Connection closed"
    assert sftpd.server.read_file("/home/backup/ITLRecovery.p12") == DATA[:700]
    assert [(u.received, u.complete) for u in sftpd.server.uploads] == [(700, False)]


def test_missing_download_directory(sftpd):
    with pytest.raises(SftpNoSuchFileError) as missing:
        push(sftpd.server, directory="/home/nobody/")
    assert missing.value.kind == sftp_client.ERROR_NO_SUCH_DIRECTORY
    assert str(missing.value) == (
        'dest open "/home/nobody/ITLRecovery.p12": No such file or directory')


def test_messages_come_from_a_replaceable_table(sftpd):
    with pytest.raises(SftpClientError) as refused:
        push(sftpd.server, password="wrong")
    table = dict(ERROR_MESSAGES, auth_failed="Bad credentials for {user}@{host}:{port}")
    expected = "Bad credentials for backup@127.0.0.1:%d" % sftpd.server.port
    assert refused.value.render(table) == expected


# -- downloads -------------------------------------------------------------------------------
def test_download_the_p12_a_node_uploaded(sftpd):
    """The remotekey round trip: a real ITLRecovery PKCS#12 goes up and comes back intact."""
    identity = pki.new_identity("ITLRECOVERY_lab-pub", key_size=1024)
    p12 = pki.pkcs12_bytes(identity, "cluster-pw", "ITLRecovery")
    push(sftpd.server, p12)

    fetched = run(download(HOST, sftpd.server.port, USER, PASSWORD, "/home/backup/ITLRecovery.p12"))

    assert fetched == p12
    assert pki.load_pkcs12(fetched, "cluster-pw").cert == identity.cert


def test_download_errors_are_distinct(sftpd):
    port = sftpd.server.port
    push(sftpd.server)
    with pytest.raises(SftpAuthError):
        run(download(HOST, port, USER, "wrong", "/home/backup/ITLRecovery.p12"))
    with pytest.raises(SftpNoSuchFileError) as missing:
        run(download(HOST, port, USER, PASSWORD, "/home/backup/nothing.p12"))
    assert str(missing.value) == 'File "/home/backup/nothing.p12" not found.'

    accepted = sftpd.server.host_key
    sftpd.set_fault("host_key_changed")
    with pytest.raises(SftpHostKeyError):
        run(download(HOST, port, USER, PASSWORD, "/home/backup/ITLRecovery.p12", host_key=accepted))
    # Without an enforced key (GUESSED remotekey default) the changed key is accepted.
    assert run(download(HOST, port, USER, PASSWORD, "/home/backup/ITLRecovery.p12")) == DATA
