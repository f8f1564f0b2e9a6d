"""ITLRecovery.p12 backups against the lab's real SFTP server.

Every backup is checked here independently of the module: the file on the SFTP server's disk is
opened with the lab's cluster security password and compared with the publisher's ITL.
"""

import hashlib
import json
import os

import pytest

from integration_support import assert_ok

from cryptography.hazmat.primitives.serialization import pkcs12


def backup(runner, lab, **params):
    runner.playbook("backup_once.yml", lab.inventory_path, extra_vars={"p": params})
    return runner.result(publisher(lab))


def publisher(lab):
    return next(n["hostname"] for n in lab.lab_json["nodes"] if n["publisher"])


def sftp(lab):
    return lab.lab_json["sftp"][0]


def on_disk(lab, remote_path):
    return os.path.join(sftp(lab)["root"], remote_path.lstrip("/"))


def cluster_dir(lab):
    server = sftp(lab)
    return os.path.join(server["root"], server["directory"].strip("/"), lab.lab_json["cluster"])


def backups_on_disk(lab):
    """{directory name: sorted file names} of the cluster's backup directories."""
    base = cluster_dir(lab)
    if not os.path.isdir(base):
        return {}
    return {name: sorted(os.listdir(os.path.join(base, name))) for name in sorted(os.listdir(base))}


def independent_check(lab, result):
    """Open the landed file ourselves: the module's word is not enough."""
    with open(on_disk(lab, result["path"]), "rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == result["sha256"]
    key, cert, _others = pkcs12.load_key_and_certificates(data, lab.lab_json["cluster_security_password"].encode())
    assert key is not None
    state = lab.control("GET", "/state")
    truth = state["nodes"][publisher(lab)]["certs"]["ITLRecovery"]
    assert result["certificate"]["sha1"] == truth["sha1"]
    return data


def test_three_runs_three_verified_backups_then_keep_two(lab_factory, runner):
    lab = lab_factory(nodes=2, release="12.5", time_scale=0.02)
    results = []
    for _run in range(3):
        result = backup(runner, lab)
        assert result.get("failed") is not True, result
        assert result["verified"] is True and result["matches_itl"] is True
        assert result["checks"] == {"size": "passed", "pkcs12": "passed", "certificate_name": "passed", "itl": "passed"}
        independent_check(lab, result)
        results.append(result)
    assert results[0]["same_as_previous"] is None
    assert results[1]["same_as_previous"] is True and results[2]["same_as_previous"] is True
    assert len({r["path"] for r in results}) == 3
    dirs = backups_on_disk(lab)
    assert len(dirs) == 3
    assert all(files == ["ITLRecovery.p12", "cucm-trust-backup.json"] for files in dirs.values())

    # Somebody else's directory in the same place is never touched by retention.
    foreign = os.path.join(cluster_dir(lab), "00000000T000000Z")
    os.makedirs(foreign)
    with open(os.path.join(foreign, "ITLRecovery.p12"), "wb") as handle:
        handle.write(b"not ours")

    kept = backup(runner, lab, keep=2)
    assert kept["verified"] is True
    dirs = backups_on_disk(lab)
    assert os.path.basename(os.path.dirname(kept["path"])) in dirs
    ours = {name for name, files in dirs.items() if "cucm-trust-backup.json" in files}
    assert len(ours) == 2, dirs
    newest_two = sorted(os.path.basename(os.path.dirname(r["path"])) for r in results + [kept])[-2:]
    assert ours == set(newest_two)
    assert len(kept["removed"]) == 2
    assert "00000000T000000Z" in dirs  # not ours: left alone


@pytest.mark.parametrize("breakage", ["partial_upload", "wrong_cluster_password", "host_key_changed", "sftp_down",
                                      "auth_refused", "permission_denied", "disk_full"])
def test_a_broken_backup_fails_clearly_and_keeps_earlier_ones(lab_factory, runner, breakage):
    lab = lab_factory(nodes=2, release="12.5", time_scale=0.02)
    first = backup(runner, lab)
    assert first["verified"] is True
    before = backups_on_disk(lab)
    with open(on_disk(lab, first["path"]), "rb") as handle:
        first_bytes = handle.read()

    params = {"keep": 1}
    server = sftp(lab)["name"]
    if breakage == "partial_upload":
        lab.control("POST", "/sftp/faults", {"server": server, "fault": "cut_after", "params": {"bytes": 700}})
    elif breakage == "wrong_cluster_password":
        params["cluster_security_password"] = "not-the-cluster-password"
    elif breakage == "host_key_changed":
        lab.control("POST", "/sftp/rotate-host-key", {"server": server})
    elif breakage == "sftp_down":
        lab.control("POST", "/sftp/faults", {"server": server, "fault": "down"})
    elif breakage == "disk_full":
        lab.control("POST", "/sftp/faults", {"server": server, "fault": "disk_full", "params": {"bytes": 500}})
    else:
        lab.control("POST", "/sftp/faults", {"server": server, "fault": breakage})
    result = backup(runner, lab, **params)

    assert result["failed"] is True, result
    msg = result["msg"]
    assert msg.startswith(publisher(lab) + ": "), msg
    expected = {
        "partial_upload": "'file get tftp ITLRecovery.p12' on CUCM did not complete",
        "wrong_cluster_password": "PKCS#12 check",
        "host_key_changed": "SFTP pre-flight: host key",
        "sftp_down": "SFTP pre-flight: cannot reach",
        "auth_refused": "SFTP pre-flight: authentication as",
        "permission_denied": "SFTP pre-flight: cannot create",
        "disk_full": "'file get tftp ITLRecovery.p12' on CUCM did not complete",
    }[breakage]
    assert expected in msg, msg
    assert "not-the-cluster-password" not in json.dumps(result)
    # Every earlier backup is intact, byte for byte; retention did not run.
    after = backups_on_disk(lab)
    for name, files in before.items():
        assert after[name] == files
    with open(on_disk(lab, first["path"]), "rb") as handle:
        assert handle.read() == first_bytes
    if breakage == "partial_upload":
        partial = [n for n in after if n not in before]
        assert len(partial) == 1  # the attempt stays for inspection, marked as failed
        with open(os.path.join(cluster_dir(lab), partial[0], "cucm-trust-backup.json")) as handle:
            meta = json.load(handle)
        assert meta["verified"] is False and "file get on CUCM" in meta["problem"]


def test_host_key_policy_accept_new_and_unknown_key(lab_factory, runner):
    lab = lab_factory(nodes=2, release="10.5", time_scale=0.02)
    # strict with a fingerprint that is not the server's: refused before CUCM is asked anything
    refused = backup(runner, lab, fingerprints=["SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"])
    assert refused["failed"] is True
    assert sftp(lab)["sha256_fingerprint"] in refused["msg"]
    history = lab.control("GET", "/stats")["nodes"][publisher(lab)]["history"]
    assert not [c for c in history if c.startswith("file get")]
    # accept_new takes the new key, reports it, and CUCM is shown the same key
    accepted = backup(runner, lab, fingerprints=[], policy="accept_new")
    assert accepted["verified"] is True, accepted
    assert accepted["sftp_host_key"]["sha256"] == sftp(lab)["sha256_fingerprint"]


def test_check_mode_writes_nothing(lab_factory, runner):
    lab = lab_factory(nodes=2, release="14", time_scale=0.02)
    before = lab.state()
    proc = runner.playbook("backup_once.yml", lab.inventory_path, extra_vars={"p": {}}, check=True)
    assert_ok(proc)
    result = runner.result(publisher(lab))
    assert result["changed"] is True and "would be written" in result["msg"]
    assert backups_on_disk(lab) == {}
    assert lab.state() == before
    history = lab.control("GET", "/stats")["nodes"][publisher(lab)]["history"]
    assert not [c for c in history if c.startswith("file get")]


def test_subscriber_is_refused_before_anything_is_typed(lab_factory, runner):
    lab = lab_factory(nodes=2, release="12.5", time_scale=0.02)
    proc = runner.playbook("backup_on_host.yml", lab.inventory_path, limit="lab125-sub1", extra_vars={"p": {}})
    assert_ok(proc)
    result = runner.result("lab125-sub1")
    assert result["failed"] is True
    assert result["msg"].startswith("lab125-sub1: ") and "lab125-pub" in result["msg"]
    history = lab.control("GET", "/stats")["nodes"]["lab125-sub1"]["history"]
    assert not [c for c in history if c.startswith("file get")]


@pytest.mark.parametrize("ssh_type", ["libssh", "paramiko"])
def test_no_secret_at_vvvv(lab_factory, runner, ssh_type):
    lab = lab_factory(nodes=2, release="12.5", time_scale=0.02)
    proc = runner.playbook("backup_once.yml", lab.inventory_path, extra_vars={"p": {}}, ssh_type=ssh_type,
                           verbosity=4)
    assert_ok(proc)
    assert runner.result(publisher(lab))["verified"] is True
    assert "<127.0.0.1>" in proc.stdout
    for secret in (lab.lab_json["password"], sftp(lab)["password"], lab.lab_json["cluster_security_password"]):
        assert secret not in proc.stdout
        for name in os.listdir(str(runner.out)):
            with open(os.path.join(str(runner.out), name)) as handle:
                assert secret not in handle.read()


def test_cucm_may_be_shown_another_key_type_than_the_controller(lab_factory, runner):
    # The server offers RSA and ED25519 keys: paramiko on the controller negotiates ED25519,
    # CUCM's client RSA (as seed 001's "RSA key fingerprint" shows).
    lab = lab_factory(nodes=2, release="12.5", time_scale=0.02)
    server = sftp(lab)
    lab.control("POST", "/sftp/faults", {"server": server["name"], "fault": "ed25519_key"})
    # Only the ED25519 fingerprint given: the RSA key CUCM is shown is not verified, so its
    # question is refused and nothing is pushed.
    refused = backup(runner, lab, fingerprints=[server["ed25519_sha256_fingerprint"]])
    assert refused["failed"] is True and refused["failure_reason"] == "guard", refused
    assert server["md5_fingerprint"] in refused["msg"], refused["msg"]
    # Both keys known: whichever CUCM negotiates is verified, and the backup is proven.
    accepted = backup(runner, lab, fingerprints=[server["ed25519_sha256_fingerprint"], server["sha256_fingerprint"]])
    assert accepted["verified"] is True, accepted
    assert accepted["sftp_host_key"]["sha256"] == server["ed25519_sha256_fingerprint"]
    assert sorted((k["type"], k["verified"]) for k in accepted["sftp_host_keys"]) == [
        ("ssh-ed25519", True), ("ssh-rsa", True)]


def test_the_openssh8_host_key_dialog_is_answered_for_the_verified_key(lab_factory, runner):
    lab = lab_factory(nodes=2, release="14", time_scale=0.02)
    lab.control("POST", "/settings", {"node": publisher(lab), "host_key_dialog": "openssh8"})
    accepted = backup(runner, lab)
    assert accepted["verified"] is True, accepted
    assert "(yes/no/[fingerprint])" in "\n".join(accepted["stdout_lines"])
