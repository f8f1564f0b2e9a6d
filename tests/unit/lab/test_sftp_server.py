"""The lab's SFTP server (cucm_lab.sftp) over real SSH on loopback: paramiko (what the
controller uses to verify a backup) and asyncssh clients, every fault, the standalone process."""

import asyncio
import base64
import hashlib
import os
import signal
import time

import asyncssh
import paramiko
import pytest

from cucm_lab.sftp import (
    NO_SPACE_REASON,
    SftpServer,
    SftpServerThread,
    load_or_create_host_key,
    new_host_key,
    start_process,
)

USER, PASSWORD = "backup", "s3cret-backup"
DATA = os.urandom(5000)  # stands in for ITLRecovery.p12: content does not matter to SFTP


@pytest.fixture(scope="module")
def host_key():
    return new_host_key()


@pytest.fixture
def sftpd(tmp_path, host_key):
    with SftpServerThread(str(tmp_path / "root"), {USER: PASSWORD, "second": "other-pw"},
                          host_key=host_key) as running:
        yield running


def known_hosts_file(tmp_path, line):
    path = tmp_path / "known_hosts"
    path.write_text(line + "\n")
    return str(path)


def connect(port, known_hosts, user=USER, password=PASSWORD):
    """A paramiko client that checks the host key strictly, like the collection does."""
    client = paramiko.SSHClient()
    client.load_host_keys(known_hosts)
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect("127.0.0.1", port, username=user, password=password, allow_agent=False,
                   look_for_keys=False, timeout=10, banner_timeout=10, auth_timeout=10)
    return client


@pytest.fixture
def sftp(sftpd, tmp_path):
    """An open paramiko SFTP session to `sftpd`."""
    client = connect(sftpd.server.port, known_hosts_file(tmp_path, sftpd.server.known_hosts_line()))
    session = client.open_sftp()
    yield session
    session.close()
    client.close()


def put_bytes(session, path, data):
    with session.open(path, "wb") as remote:
        remote.write(data)


# -- authentication and transfers -------------------------------------------------------------
def test_paramiko_upload_lands_under_the_root(sftpd, sftp):
    put_bytes(sftp, "/home/backup/ITLRecovery.p12", DATA)

    server = sftpd.server
    assert server.read_file("/home/backup/ITLRecovery.p12") == DATA
    assert open(os.path.join(server.root, "home", "backup", "ITLRecovery.p12"), "rb").read() == DATA
    assert [(f.path, f.size, f.sha256) for f in server.files()] == [
        ("/home/backup/ITLRecovery.p12", len(DATA), hashlib.sha256(DATA).hexdigest())]
    assert [(u.path, u.received, u.error, u.complete) for u in server.uploads] == [
        ("/home/backup/ITLRecovery.p12", len(DATA), None, True)]
    with sftp.open("/home/backup/ITLRecovery.p12", "rb") as remote:
        assert remote.read() == DATA


def test_every_configured_user_has_a_home_and_can_log_in(sftpd, tmp_path):
    known = known_hosts_file(tmp_path, sftpd.server.known_hosts_line())
    for user, password in ((USER, PASSWORD), ("second", "other-pw")):
        client = connect(sftpd.server.port, known, user, password)
        try:
            assert client.open_sftp().listdir("/home/%s" % user) == []
        finally:
            client.close()


@pytest.mark.parametrize("user,password", [(USER, "wrong"), ("nobody", PASSWORD)])
def test_wrong_credentials_are_refused(sftpd, tmp_path, user, password):
    known = known_hosts_file(tmp_path, sftpd.server.known_hosts_line())
    with pytest.raises(paramiko.AuthenticationException):
        connect(sftpd.server.port, known, user, password)


def test_users_can_be_added_and_removed_at_runtime(sftpd, tmp_path):
    known = known_hosts_file(tmp_path, sftpd.server.known_hosts_line())
    sftpd.call(sftpd.server.add_user, "late", "late-pw")
    connect(sftpd.server.port, known, "late", "late-pw").close()
    sftpd.call(sftpd.server.remove_user, "late")
    with pytest.raises(paramiko.AuthenticationException):
        connect(sftpd.server.port, known, "late", "late-pw")


def test_asyncssh_client_with_the_state_known_hosts_line(sftpd):
    server = sftpd.server
    state = server.state()

    async def roundtrip():
        known = asyncssh.import_known_hosts(state["known_hosts"] + "\n")
        async with asyncssh.connect("127.0.0.1", state["port"], username=USER, password=PASSWORD,
                                    known_hosts=known, client_keys=None, agent_path=None,
                                    config=None) as conn:
            async with conn.start_sftp_client() as client:
                async with client.open("/home/backup/a.p12", "wb") as remote:
                    await remote.write(DATA)
                async with client.open("/home/backup/a.p12", "rb") as remote:
                    return await remote.read()

    assert asyncio.run(asyncio.wait_for(roundtrip(), 20)) == DATA
    assert server.read_file("/home/backup/a.p12") == DATA


# -- host key ---------------------------------------------------------------------------------
def test_fingerprints_match_what_paramiko_computes(sftpd):
    server = sftpd.server
    info = server.host_key
    seen = paramiko.Transport(("127.0.0.1", server.port))
    try:
        seen.start_client(timeout=10)
        key = seen.get_remote_server_key()
    finally:
        seen.close()
    assert info.algorithm == "ssh-rsa" and info.key_type == "RSA"
    # CUCM prints MD5 in colon form (dialog 001: 2c:8f:9b:b2:...); OpenSSH >= 6.8 SHA256.
    assert info.md5 == ":".join("%02x" % b for b in key.get_fingerprint())
    assert info.sha256 == "SHA256:" + base64.b64encode(
        hashlib.sha256(key.asbytes()).digest()).decode().rstrip("=")
    assert info.public_key == "ssh-rsa " + key.get_base64()
    expected_line = "[127.0.0.1]:%d ssh-rsa %s" % (server.port, key.get_base64())
    assert server.known_hosts_line() == expected_line
    state = server.state()
    assert state["port"] == server.port and state["users"] == ["backup", "second"]
    assert state["host_key"]["md5"] == info.md5 and state["host_key"]["sha256"] == info.sha256


def test_rotated_host_key_is_refused_by_strict_clients(sftpd, tmp_path):
    server = sftpd.server
    before = server.host_key
    known = known_hosts_file(tmp_path, server.known_hosts_line())

    after = sftpd.call(server.rotate_host_key)

    assert after.md5 != before.md5 and after.sha256 != before.sha256
    assert server.host_key == after
    with pytest.raises(paramiko.BadHostKeyException):
        connect(server.port, known)
    connect(server.port, known_hosts_file(tmp_path, server.known_hosts_line())).close()


def test_host_key_changed_fault_serves_one_other_key_until_cleared(sftpd, tmp_path):
    server = sftpd.server
    original = server.host_key
    known = known_hosts_file(tmp_path, server.known_hosts_line())

    sftpd.set_fault("host_key_changed")
    changed = server.host_key
    with pytest.raises(paramiko.BadHostKeyException) as refused:
        connect(server.port, known)
    assert refused.value.key.get_base64() == changed.public_key.split()[1]
    assert changed.md5 != original.md5

    sftpd.set_fault("host_key_changed", False)
    connect(server.port, known).close()
    sftpd.set_fault("host_key_changed")
    assert server.host_key == changed  # the same "other" key each time


# -- confinement ------------------------------------------------------------------------------
def test_paths_stay_inside_the_root(sftpd, sftp, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")

    assert sftp.normalize("/home/backup/../backup/./") == "/home/backup"
    for path in ("/../outside.txt", "../../../outside.txt", "/home/../../outside.txt"):
        with pytest.raises(PermissionError):
            sftp.open(path, "rb")
    with pytest.raises(PermissionError):
        sftp.symlink(str(outside), "/home/backup/link")

    # A link planted inside the root must not lead out of it either.
    os.symlink(str(outside), os.path.join(sftpd.server.root, "home", "backup", "planted"))
    with pytest.raises(PermissionError):
        sftp.open("/home/backup/planted", "rb")


def test_sessions_start_in_the_home_directory(sftpd, sftp):
    assert sftp.normalize(".") == "/home/backup"
    put_bytes(sftp, "relative.bin", b"abc")
    put_bytes(sftp, "../../top.bin", b"def")
    assert sftpd.server.read_file("/home/backup/relative.bin") == b"abc"
    assert sftpd.server.read_file("/top.bin") == b"def"


# -- faults -----------------------------------------------------------------------------------
def test_auth_refused_refuses_the_right_password(sftpd, tmp_path):
    known = known_hosts_file(tmp_path, sftpd.server.known_hosts_line())
    sftpd.set_fault("auth_refused")
    with pytest.raises(paramiko.AuthenticationException):
        connect(sftpd.server.port, known)
    sftpd.set_fault("auth_refused", False)
    connect(sftpd.server.port, known).close()


def test_permission_denied_blocks_writes_not_reads(sftpd, sftp):
    put_bytes(sftp, "/home/backup/old.p12", DATA)
    sftpd.set_fault("permission_denied")

    with pytest.raises(PermissionError):
        put_bytes(sftp, "/home/backup/new.p12", DATA)
    with pytest.raises(PermissionError):
        sftp.mkdir("/home/backup/dir")
    with pytest.raises(PermissionError):
        sftp.remove("/home/backup/old.p12")
    with sftp.open("/home/backup/old.p12", "rb") as remote:
        assert remote.read() == DATA
    assert [f.path for f in sftpd.server.files()] == ["/home/backup/old.p12"]


def test_disk_full_keeps_what_fitted_and_reports_no_space(sftpd, sftp):
    sftpd.set_fault("disk_full", 1200)
    with pytest.raises(OSError, match=NO_SPACE_REASON):
        put_bytes(sftp, "/home/backup/ITLRecovery.p12", DATA)
    assert sftpd.server.read_file("/home/backup/ITLRecovery.p12") == DATA[:1200]
    # The budget is shared: nothing more fits anywhere.
    with pytest.raises(OSError, match=NO_SPACE_REASON):
        put_bytes(sftp, "/home/backup/other.p12", b"x")
    assert [(u.received, u.error, u.complete) for u in sftpd.server.uploads] == [
        (1200, "disk_full", False), (0, "disk_full", False)]


def test_cut_after_drops_the_connection_and_leaves_the_partial_file(sftpd, sftp):
    sftpd.set_fault("cut_after", 1000)
    with pytest.raises((EOFError, OSError, paramiko.SSHException)):
        put_bytes(sftp, "/home/backup/ITLRecovery.p12", DATA)

    server = sftpd.server
    assert server.read_file("/home/backup/ITLRecovery.p12") == DATA[:1000]
    assert [(u.received, u.error, u.complete) for u in server.uploads] == [
        (1000, "cut_after", False)]
    deadline = time.monotonic() + 5
    while server.connections and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not server.connections


def test_upload_smaller_than_cut_after_completes(sftpd, sftp):
    sftpd.set_fault("cut_after", len(DATA))
    put_bytes(sftp, "/home/backup/ITLRecovery.p12", DATA)
    assert sftpd.server.read_file("/home/backup/ITLRecovery.p12") == DATA


def test_down_refuses_connections_until_cleared_on_the_same_port(sftpd, tmp_path):
    server = sftpd.server
    port = server.port
    known = known_hosts_file(tmp_path, server.known_hosts_line())

    sftpd.set_fault("down")
    with pytest.raises(paramiko.ssh_exception.NoValidConnectionsError):
        connect(port, known)

    sftpd.call(server.clear_faults)
    assert server.port == port
    connect(port, known).close()


def test_unknown_faults_and_bad_counts_are_rejected(sftpd):
    with pytest.raises(ValueError, match="unknown SFTP fault"):
        sftpd.set_fault("slow")
    with pytest.raises(ValueError, match="byte count"):
        sftpd.set_fault("cut_after", -1)


def test_in_loop_use_as_async_context_manager(tmp_path, host_key):
    async def scenario():
        async with SftpServer(str(tmp_path), {USER: PASSWORD}, host_key=host_key) as server:
            assert server.listening and server.port
            port = server.port
        assert not server.listening
        await server.clear_faults()  # clearing `down` must not bring a stopped server back
        assert not server.listening
        return port

    port = asyncio.run(asyncio.wait_for(scenario(), 20))
    with pytest.raises(paramiko.ssh_exception.NoValidConnectionsError):
        connect(port, known_hosts_file(tmp_path, ""))


# -- standalone process -----------------------------------------------------------------------
def test_process_serves_stops_on_sigterm_and_a_new_key_on_the_same_port_is_refused(tmp_path):
    root, state_file = str(tmp_path / "root"), str(tmp_path / "sftp.json")
    first = start_process(root, state_file, {USER: PASSWORD}, max_runtime=60,
                          host_key_file=str(tmp_path / "key1"))
    try:
        state = first.state
        assert state["host"] == "127.0.0.1" and state["users"] == [USER]
        assert state["host_key"]["md5"] == load_or_create_host_key(
            str(tmp_path / "key1")).get_fingerprint("md5").split(":", 1)[1]
        known = known_hosts_file(tmp_path, state["known_hosts"])
        client = connect(first.port, known)
        put_bytes(client.open_sftp(), "/home/backup/ITLRecovery.p12", DATA)
        client.close()
    finally:
        assert first.stop() == 0
    assert first.process.returncode == 0 and not os.path.exists(state_file)
    assert open(os.path.join(root, "home", "backup", "ITLRecovery.p12"), "rb").read() == DATA

    second = start_process(root, state_file, {USER: PASSWORD}, port=first.port, max_runtime=60,
                           host_key_file=str(tmp_path / "key2"), faults=["cut_after=10"])
    try:
        assert second.port == first.port
        assert second.state["host_key"]["sha256"] != state["host_key"]["sha256"]
        assert second.state["faults"]["cut_after"] == 10
        with pytest.raises(paramiko.BadHostKeyException):
            connect(second.port, known)
    finally:
        second.process.send_signal(signal.SIGINT)
        second.process.wait(10)
        assert second.process.returncode == 0


def test_process_stops_by_itself_after_max_runtime(tmp_path):
    started = time.monotonic()
    child = start_process(str(tmp_path / "root"), str(tmp_path / "sftp.json"), {USER: PASSWORD},
                          max_runtime=0.5)
    try:
        assert child.process.wait(15) == 0
    finally:
        child.stop()
    assert time.monotonic() - started < 15
