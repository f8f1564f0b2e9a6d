"""Backup helpers: the controller's SFTP target against a real SFTP server (the lab's, on
loopback), the PKCS#12 check on a real ITLRecovery.p12, and the retention plan."""

import datetime

import pytest

from ansible_collections.cucm.trust.plugins.module_utils import _backup_layout as layout
from ansible_collections.cucm.trust.plugins.module_utils._p12_check import P12Error, open_p12
from ansible_collections.cucm.trust.plugins.module_utils._sftp_target import (
    SftpTarget,
    SftpTargetError,
    normalize_fingerprint,
)
from cucm_lab import pki
from cucm_lab.sftp import SftpServerThread


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with SftpServerThread(str(tmp_path_factory.mktemp("sftp")), {"backup": "s3cret"}) as thread:
        yield thread


def target(server, **kwargs):
    info = server.server.state()["host_key"]
    options = dict(expected_fingerprints=[info["sha256"]])
    options.update(kwargs)
    return SftpTarget("127.0.0.1", server.server.port, "backup", "s3cret", **options)


def test_host_key_checked_by_sha256_or_md5_as_cucm_prints_it(server):
    info = server.server.state()["host_key"]
    with target(server) as sftp:
        assert sftp.host_key["sha256"] == info["sha256"]
        assert sftp.host_key["md5"] == info["md5"]
    with target(server, expected_fingerprints=[info["md5"].upper()]) as sftp:
        assert sftp.is_dir("/home/backup")


def test_unknown_host_key_is_refused_unless_accept_new(server):
    with pytest.raises(SftpTargetError) as err:
        target(server, expected_fingerprints=["SHA256:AAAA"]).connect()
    assert "not the expected fingerprint" in str(err.value)
    assert server.server.state()["host_key"]["sha256"] in str(err.value)
    with target(server, expected_fingerprints=[], accept_new=True) as sftp:
        assert sftp.host_key["sha256"] == server.server.state()["host_key"]["sha256"]


def test_wrong_password_and_unreachable_server(server):
    with pytest.raises(SftpTargetError) as err:
        SftpTarget("127.0.0.1", server.server.port, "backup", "wrong",
                   expected_fingerprints=[server.server.state()["host_key"]["sha256"]]).connect()
    assert "authentication" in str(err.value)
    assert "wrong" not in str(err.value)
    with pytest.raises(SftpTargetError) as err:
        SftpTarget("127.0.0.1", 1, "backup", "s3cret", expected_fingerprints=["x"], timeout=3).connect()
    assert "cannot reach" in str(err.value)


def test_directories_files_and_write_probe(server):
    with target(server) as sftp:
        sftp.makedirs("/home/backup/a/b/c", "test")
        assert sftp.is_dir("/home/backup/a/b/c")
        sftp.mkdir_new("/home/backup/a/new", "test")
        with pytest.raises(SftpTargetError):
            sftp.mkdir_new("/home/backup/a/new", "test")  # never reuse a directory
        sftp.write("/home/backup/a/new/f", b"data", "test")
        assert sftp.read("/home/backup/a/new/f", "test") == b"data"
        assert sftp.listdir("/home/backup/a/new") == ["f"]
        sftp.probe_writable("/home/backup/a", "t0k3n")
        assert sftp.listdir("/home/backup/a") == ["b", "new"]
    server.set_fault("permission_denied")
    try:
        with target(server) as sftp:
            with pytest.raises(SftpTargetError) as err:
                sftp.probe_writable("/home/backup", "x")
            assert "write probe" in str(err.value)
    finally:
        server.set_fault("permission_denied", False)


def test_p12_opens_with_the_cluster_security_password_only():
    identity = pki.new_identity("ITLRECOVERY_pub", key_size=1024)
    data = pki.pkcs12_bytes(identity, "cluster-secret", "ITLRecovery")
    facts = open_p12(data, "cluster-secret")
    assert facts["common_name"] == "ITLRECOVERY_pub"
    assert facts["sha1"] == pki.sha1_hex(identity.cert)
    assert 1820 <= facts["days_left"] <= 1825
    with pytest.raises(P12Error) as err:
        open_p12(data, "not-it")
    assert "cluster security password" in str(err.value)
    with pytest.raises(P12Error):
        open_p12(data[:700], "cluster-secret")  # a truncated upload


def backups(*specs):
    return [{"path": "/b/c/%s" % name, "created": name, "verified": ok} for name, ok in specs]


def test_retention_keeps_the_newest_verified_and_never_runs_after_a_failure():
    items = backups(("1", True), ("2", False), ("3", True), ("4", True))
    assert layout.plan_retention(items, 2, "/b/c/4") == ["/b/c/2", "/b/c/1"]
    assert layout.plan_retention(items, 1, "/b/c/4") == ["/b/c/3", "/b/c/2", "/b/c/1"]
    assert layout.plan_retention(items, 5, "/b/c/4") == ["/b/c/2"]
    # the current backup is not the newest verified one (it failed): nothing is removed
    assert layout.plan_retention(items + backups(("5", False)), 1, "/b/c/5") == []
    assert layout.plan_retention(items, None, "/b/c/4") == []
    # a failed attempt newer than the newest verified backup stays for inspection
    later = backups(("1", True), ("3", False), ("2", True))
    assert layout.plan_retention(later, 1, "/b/c/2") == ["/b/c/1"]
    assert layout.previous_verified(items, "/b/c/4")["path"] == "/b/c/3"


def test_layout_and_metadata():
    when = datetime.datetime(2026, 11, 22, 2, 30, 0, tzinfo=datetime.timezone.utc)
    assert layout.backup_directory("/srv/b", "dc 1/x", when) == "/srv/b/dc_1_x/20261122T023000Z"
    meta = layout.metadata("dc1", "pub", when.isoformat(), 10, "ab", {}, {}, True)
    assert layout.read_metadata(__import__("json").dumps(meta))["verified"] is True
    assert layout.read_metadata('{"tool": "something else"}') is None
    assert layout.read_metadata("not json") is None


def test_fingerprint_forms():
    assert normalize_fingerprint("MD5:2C:8F") == "2c:8f"
    assert normalize_fingerprint("SHA256:abc=") == "SHA256:abc"
