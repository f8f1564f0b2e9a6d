"""`file get tftp`, `file delete tftp|activelog`, `file list tftp` in the lab: seed 001/002's
dialogs, the bytes that reach the lab's SFTP server, host keys, and transfer faults."""

import hashlib

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_file_delete, parse_file_get
from cucm_lab import pki
from cucm_lab.commands.files import java_float
from cucm_lab.model import CERT_ITLRECOVERY, CTL_FILE, ITLRECOVERY_P12
from cucm_lab.sftp_client import known_hosts_name
from cucm_lab.testing import start_lab
from lab_dialogs import DELETE_Y, FAILED, HOST_KEY, fixture_lines, file_get_answers, lines, sftp_file


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    handle = start_lab(tmp_path_factory.mktemp("files"), nodes=2, release="10.5", time_scale=0.01,
                       sftp_servers=2)
    yield handle
    handle.stop()


@pytest.fixture(autouse=True)
def _no_faults_left(lab):
    yield
    lab.control("DELETE", "/sftp/faults")


def _knows(lab, hostname, server):
    return known_hosts_name(server["host"], server["port"]) in lab.state()["nodes"][hostname]["sftp_known_hosts"]


def _get(lab, hostname, name, server, host_key_answer="yes"):
    """`file get tftp <name>` to `server`; answers the host-key question only when it comes."""
    answers = file_get_answers(server, accept_host_key=False)
    if not _knows(lab, hostname, server):
        answers.append((HOST_KEY, host_key_answer))
    with lab.shell(hostname) as cli:
        return cli.dialog("file get tftp %s" % name, answers, timeout=30)


def test_java_float_prints_seed_001_kbytes():
    assert java_float(1709 / 1024.0) == "1.6689453"  # seed 001: Total size in Kbytes: 1.6689453
    assert (java_float(0.0), java_float(2.0), java_float(0.5)) == ("0.0", "2.0", "0.5")


def test_file_get_prints_seed_001_and_pushes_the_real_bytes(lab, pub):
    server = lab.sftp[0]
    assert not _knows(lab, pub, server)
    p12 = lab.stored_file(pub, ITLRECOVERY_P12).data
    transcript = _get(lab, pub, ITLRECOVERY_P12, server)

    where = known_hosts_name(server["host"], server["port"])
    assert lines(transcript) == fixture_lines("001_file_get_itlrecovery.txt", unwrap=("established.",), replace=[
        ("Total size in Bytes: 1709", "Total size in Bytes: %d" % len(p12)),
        ("1.6689453", java_float(len(p12) / 1024.0)),
        ("joemar2-server.cisco.com (172.18.172.254)", "%s (%s)" % (where, where)),
        ("SFTP server IP: joemar2-server.cisco.com", "SFTP server IP: %s" % server["host"]),
        ("SFTP server port [22]:", "SFTP server port [22]: %d" % server["port"]),
        ("/home/joemar2/", server["directory"]),
        ("User ID: joemar2", "User ID: %s" % server["username"]),
        ("*****", "*" * len(server["password"])),
        ("2c:8f:9b:b2:ff:f7:a6:31:61:1b:bc:95:cc:bc:ba:bd", server["md5_fingerprint"]),
    ])
    parsed = parse_file_get(transcript)
    assert parsed["transfer_completed"] and parsed["size_bytes"] == len(p12) and not parsed["errors"]
    assert parsed["host_key"]["fingerprint"] == server["md5_fingerprint"]

    landed = sftp_file(server, ITLRECOVERY_P12)
    assert landed == p12
    key = pki.load_pkcs12(landed, lab.lab_json["cluster_security_password"])
    assert format(key.cert.serial_number, "X") == lab.state()["nodes"][pub]["certs"][CERT_ITLRECOVERY]["serial"]
    assert _knows(lab, pub, server)  # accepted once, remembered


def test_a_known_host_is_not_asked_again(lab, pub):
    server = lab.sftp[0]
    if not _knows(lab, pub, server):
        _get(lab, pub, ITLRECOVERY_P12, server)
    transcript = _get(lab, pub, "ITLFile.tlv", server)
    assert not any("authenticity" in line for line in lines(transcript))
    assert parse_file_get(transcript)["host_key"] is None
    assert sftp_file(server, "ITLFile.tlv") == lab.stored_file(pub, "ITLFile.tlv").data


def test_refusing_the_host_key(lab, pub):
    server = lab.sftp[1]
    before = lab.state()
    transcript = _get(lab, pub, ITLRECOVERY_P12, server, host_key_answer="no")
    assert lines(transcript)[-2:] == ["Host key verification failed.", FAILED]
    assert parse_file_get(transcript)["errors"]
    assert lab.state() == before  # not remembered


def test_a_changed_host_key_is_refused(lab, sub):
    server = lab.sftp[1]
    _get(lab, sub, "ITLFile.tlv", server)
    sent = sftp_file(server, "ITLFile.tlv")
    rotated = lab.control("POST", "/sftp/rotate-host-key", {"server": server["name"]})
    assert rotated["md5_fingerprint"] != server["md5_fingerprint"]
    transcript = _get(lab, sub, "ITLFile.tlv", server)
    found = lines(transcript)
    assert "@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @" in found
    assert "%s." % rotated["md5_fingerprint"] in found
    assert found[-2:] == ["Host key verification failed.", FAILED]
    assert parse_file_get(transcript)["errors"]
    assert sftp_file(server, "ITLFile.tlv") == sent


@pytest.mark.parametrize("fault, params, message", [
    ("auth_refused", {}, "Permission denied, please try again."),
    ("down", {}, "Connection refused"),
    ("permission_denied", {}, "Permission denied"),
    ("disk_full", {"bytes": 100}, "No space left on device"),
    ("cut_after", {"bytes": 100}, "Connection closed"),
])
def test_transfer_failures(lab, pub, fault, params, message):
    server = lab.sftp[0]
    if not _knows(lab, pub, server):
        _get(lab, pub, ITLRECOVERY_P12, server)
    lab.control("POST", "/sftp/faults", {"server": server["name"], "fault": fault, "params": params})
    transcript = _get(lab, pub, ITLRECOVERY_P12, server)
    found = lines(transcript)
    assert found[-1] == FAILED and message in found[-2]
    parsed = parse_file_get(transcript)
    assert not parsed["transfer_completed"] and parsed["errors"]
    if fault in ("disk_full", "cut_after"):
        assert len(sftp_file(server, ITLRECOVERY_P12)) == 100  # what got through stays


def test_a_subscriber_has_no_itlrecovery_p12(lab, sub):
    before = lab.state()
    with lab.shell(sub) as cli:
        transcript = cli.dialog("file get tftp ITLRecovery.p12")
    assert lines(transcript)[1:] == ["Please wait while the system is gathering files info ...done.",
                                     "Sub-directories were not traversed.", "Number of files affected: 0",
                                     "Total size in Bytes: 0", "Total size in Kbytes: 0.0"]
    parsed = parse_file_get(transcript)
    assert parsed["not_found"] and parsed["files_affected"] == 0
    assert lab.state() == before


# -- file delete / list ---------------------------------------------------------------------
def _delete(lab, hostname, line, answer="y"):
    with lab.shell(hostname) as cli:
        return cli.dialog(line, [(DELETE_Y, answer)] if answer else [])


def test_file_delete_ctl_prints_seed_002(lab, pub):
    lab.control("POST", "/actions/stale-ctl", {"node": pub})
    transcript = _delete(lab, pub, "file delete tftp CTLFile.tlv")
    assert lines(transcript) == fixture_lines("002_file_delete_ctl.txt")
    assert parse_file_delete(transcript) == {"file": "CTLFile.tlv", "found": 1, "deleted": 1, "errors": [],
                                             "other": []}
    assert CTL_FILE not in lab.state()["nodes"][pub]["files"]


def test_file_delete_of_a_missing_file(lab, pub):
    before = lab.state()
    assert CTL_FILE not in before["nodes"][pub]["files"]
    transcript = _delete(lab, pub, "file delete tftp CTLFile.tlv", answer=None)
    assert lines(transcript)[1:] == ["files: found = 0, deleted = 0"]
    assert parse_file_delete(transcript)["found"] == 0
    assert lab.state() == before


def test_file_delete_activelog_path(lab, sub):
    lab.control("POST", "/actions/stale-ctl", {"node": sub})
    before = lab.state()
    declined = _delete(lab, sub, "file delete activelog cm/tftpdata/CTLFile.tlv", answer="n")
    assert lines(declined)[1:] == ["Delete the File cm/tftpdata/CTLFile.tlv?",
                                   'Enter "y" followed by return to continue: n', "files: found = 1, deleted = 0"]
    assert lab.state() == before
    parsed = parse_file_delete(_delete(lab, sub, "file delete activelog cm/tftpdata/CTLFile.tlv"))
    assert (parsed["found"], parsed["deleted"]) == (1, 1)
    assert CTL_FILE not in lab.state()["nodes"][sub]["files"]


def test_file_list_tftp(lab, pub):
    files = lab.state()["nodes"][pub]["files"]
    with lab.shell(pub) as cli:
        cli.command("set cli pagination off")
        listed = lines(cli.command("file list tftp *"))
    assert listed[-1] == "dir count = 0, file count = %d" % len(files)
    assert sorted((line.split()[-1], int(line.split()[-2])) for line in listed[:-1]) == sorted(
        (name, summary["length"]) for name, summary in files.items())


def test_sftp_server_state_lists_what_arrived(lab, pub):
    server = lab.sftp[0]
    _get(lab, pub, "ITLFile.tlv", server)
    listed = lab.control("GET", "/sftp")["servers"][0]
    paths = {f["path"]: f["sha256"] for f in listed["files"]}
    itl = lab.stored_file(pub, "ITLFile.tlv").data
    assert paths[server["directory"] + "ITLFile.tlv"] == hashlib.sha256(itl).hexdigest()
    assert listed["faults"]["down"] is False and listed["port"] == server["port"]
