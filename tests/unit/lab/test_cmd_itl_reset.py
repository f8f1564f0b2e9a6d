"""`utils itl reset localkey|remotekey` in the lab: seed 001's dialog, the bytes it leaves on
every TFTP node, its refusals (nothing changes) and its faults."""

import time

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_itl_reset
from cucm_lab import bootstrap, itlreset, pki
from cucm_lab.model import CERT_CALLMANAGER, CERT_ITLRECOVERY, ITL_FILE
from cucm_lab.testing import PROMPT_RE, start_lab
from cucm_lab.trustfile import parse_trust_file, record_bytes, sign_records, verify_trust_file
from lab_dialogs import CCM_ADMIN_PASSWORD, FAILED, SFTP_PASSWORD, fixture_lines, lines, put_sftp_file, wait_for

TIME_SCALE = 0.01


def _lab(tmp_path_factory, release):
    return start_lab(tmp_path_factory.mktemp("itl%s" % release.replace(".", "")), nodes=2, release=release,
                     time_scale=TIME_SCALE)


@pytest.fixture(scope="module")
def lab10(tmp_path_factory):
    handle = _lab(tmp_path_factory, "10.5")
    yield handle
    handle.stop()


@pytest.fixture(scope="module")
def lab12(tmp_path_factory):
    handle = _lab(tmp_path_factory, "12.5")
    yield handle
    handle.stop()


@pytest.fixture(autouse=True)
def _no_faults_left(request):
    yield
    for name in ("lab10", "lab12"):
        if name in request.fixturenames:
            lab = request.getfixturevalue(name)
            lab.control("DELETE", "/faults")
            lab.control("DELETE", "/sftp/faults")


def _nodes(lab):
    pub = next(n["hostname"] for n in lab.lab_json["nodes"] if n["publisher"])
    sub = next(n["hostname"] for n in lab.lab_json["nodes"] if not n["publisher"])
    return pub, sub


def _itl(lab, hostname):
    return parse_trust_file(lab.stored_file(hostname, ITL_FILE).data)


def _localkey(lab, answers=None):
    pub, unused_sub = _nodes(lab)
    password = lab.lab_json["ccm_admin_password"]
    with lab.shell(pub) as cli:
        return cli.dialog("utils itl reset localkey", answers or [(CCM_ADMIN_PASSWORD, password)], timeout=60)


def _serial(state, hostname, unit):
    return state["nodes"][hostname]["certs"][unit]["serial"]


def _signer_serial(parsed):
    return parsed.signer_serial.hex().upper()


# -- the reset ITL, without SSH -----------------------------------------------------------
@pytest.mark.parametrize("release, signer_unit", [("10.5", CERT_ITLRECOVERY), ("12.5", CERT_CALLMANAGER)])
def test_reset_itl_resigns_the_publisher_records(release, signer_unit):
    cluster = bootstrap.create_cluster("t", release, 2, key_size=1024)
    pub = cluster.publisher
    before = parse_trust_file(pub.tftp_files[ITL_FILE].data)
    assert b"".join(record_bytes(r) for r in before.records) == before.data[before.header_length:]
    reset = parse_trust_file(itlreset.build_reset_itl(cluster, itlreset.reset_signer(cluster)))
    assert [record_bytes(r) for r in reset.records] == [record_bytes(r) for r in before.records]
    assert reset.signer_serial != before.signer_serial  # same records, the other SAST key signs
    assert int.from_bytes(reset.signer_serial, "big") == pub.certs[signer_unit].cert.serial_number
    assert verify_trust_file(reset)


def test_a_key_missing_from_the_file_signs_an_unverifiable_file():
    cluster = bootstrap.create_cluster("t", "10.5", 1, key_size=1024)
    parsed = parse_trust_file(cluster.publisher.tftp_files[ITL_FILE].data)
    stranger = pki.new_identity("stranger", key_size=1024)
    data = sign_records(b"".join(record_bytes(r) for r in parsed.records), stranger, ITL_FILE)
    assert parse_trust_file(data).signer_name.startswith("CN=stranger")
    assert not verify_trust_file(data)


# -- localkey -------------------------------------------------------------------------------
def test_localkey_prints_seed_001_and_resigns_every_tftp_node(lab10):
    pub, sub = _nodes(lab10)
    before = _itl(lab10, pub)
    transcript = _localkey(lab10)

    assert lines(transcript) == fixture_lines("001_itl_reset_localkey.txt",
                                              replace=[("test10pub", pub), ("test10sub", sub)])
    parsed = parse_itl_reset(transcript)
    assert parsed["tftp_servers"] == [pub, sub] and parsed["generated"] and not parsed["errors"]
    assert [(n["name"], n["tftp_restarted"]) for n in parsed["nodes"]] == [(pub, True), (sub, True)]

    state = lab10.state()
    on_pub, on_sub = _itl(lab10, pub), _itl(lab10, sub)
    assert on_pub.data == on_sub.data  # the same file on every TFTP node
    assert [record_bytes(r) for r in on_pub.records] == [record_bytes(r) for r in before.records]
    assert _signer_serial(on_pub) == _serial(state, pub, CERT_ITLRECOVERY)  # 10.x: ITLRecovery signs
    assert verify_trust_file(on_pub)
    for hostname in (pub, sub):
        node = state["nodes"][hostname]
        assert node["serving_reset_itl"] and not node["keep_itl_on_tftp_start"]  # its restart kept it
        assert node["services"]["Cisco Tftp"]["state"] == "STARTED"


def test_the_next_tftp_restart_regenerates_the_normal_itl(lab10):
    pub, sub = _nodes(lab10)
    _localkey(lab10)
    with lab10.shell(sub) as cli:
        cli.dialog("utils service restart Cisco Tftp", timeout=30)
    state = lab10.state()
    regenerated = _itl(lab10, sub)
    assert _signer_serial(regenerated) == _serial(state, sub, CERT_CALLMANAGER)  # back to CallManager
    assert verify_trust_file(regenerated)
    assert not state["nodes"][sub]["serving_reset_itl"]
    assert state["nodes"][pub]["serving_reset_itl"]  # the publisher's Tftp was not restarted


def test_subscriber_refuses_without_asking(lab10):
    unused_pub, sub = _nodes(lab10)
    before = lab10.state()
    with lab10.shell(sub) as cli:
        transcript = cli.dialog("utils itl reset localkey")
    assert lines(transcript)[1:] == ["This is not a Publisher Node"]
    assert parse_itl_reset(transcript)["publisher_refused"]
    assert lab10.state() == before


def test_wrong_ccm_password_changes_nothing(lab10):
    before = lab10.state()
    transcript = _localkey(lab10, [(CCM_ADMIN_PASSWORD, "not-the-password")])
    assert lines(transcript)[-1] == FAILED
    assert parse_itl_reset(transcript)["errors"]
    assert lab10.state() == before


# -- remotekey ------------------------------------------------------------------------------
def _remote_p12(lab, password=None):
    """An ITLRecovery key from "another" publisher, protected like CUCM protects it."""
    identity = pki.new_identity("ITLRECOVERY_old-publisher", key_size=1024)
    data = pki.pkcs12_bytes(identity, password or lab.lab_json["cluster_security_password"], "ITLRecovery")
    return identity, data


def _remotekey(lab, path, sftp_password=None, ccm_password=None):
    pub, unused_sub = _nodes(lab)
    server = lab.sftp[0]
    answers = [(SFTP_PASSWORD, sftp_password or server["password"])]
    if ccm_password is not False:
        answers.append((CCM_ADMIN_PASSWORD, ccm_password or lab.lab_json["ccm_admin_password"]))
    with lab.shell(pub) as cli:
        return cli.dialog("utils itl reset remotekey %s %s %s" % (server["host"], server["username"], path),
                          answers, timeout=60)


def test_remotekey_prints_seed_001_and_installs_the_fetched_key(lab10):
    pub, sub = _nodes(lab10)
    server = lab10.sftp[0]
    identity, p12 = _remote_p12(lab10)
    path = put_sftp_file(server, "ITLRecovery-old.p12", p12)
    transcript = _remotekey(lab10, path)

    assert lines(transcript) == fixture_lines("001_itl_reset_remotekey.txt", replace=[
        ("joemar2-server.cisco.com", server["host"]), ("/home/joemar2/ITLRecovery.p12", path),
        ("joemar2", server["username"]), ("test10pub", pub), ("test10sub", sub)])
    parsed = parse_itl_reset(transcript)
    assert parsed["recovery_key"] == "remotekey" and len(parsed["noise"]) == 4 and not parsed["errors"]

    state = lab10.state()
    serial = format(identity.cert.serial_number, "X")
    assert _serial(state, pub, CERT_ITLRECOVERY) == serial  # the publisher's local key is replaced
    assert lab10.stored_file(pub, "ITLRecovery.p12").data == p12
    for hostname in (pub, sub):
        reset = _itl(lab10, hostname)
        assert _signer_serial(reset) == serial and verify_trust_file(reset)
        recovery = [r for r in reset.records if r.subject.startswith("CN=ITLRECOVERY_")]
        assert len(recovery) == 1 and recovery[0].certificate == identity.cert.public_bytes(
            pki.serialization.Encoding.DER)


@pytest.mark.parametrize("case", ["wrong_sftp_password", "missing_file", "server_down", "foreign_p12"])
def test_remotekey_failures_change_nothing(lab10, case):
    server = lab10.sftp[0]
    unused_identity, p12 = _remote_p12(lab10, password="another-cluster" if case == "foreign_p12" else None)
    path = put_sftp_file(server, "ITLRecovery-%s.p12" % case, p12)
    if case == "missing_file":
        path = server["directory"] + "no-such.p12"
    if case == "server_down":
        lab10.control("POST", "/sftp/faults", {"fault": "down"})
    before = lab10.state()
    transcript = _remotekey(lab10, path, sftp_password="wrong" if case == "wrong_sftp_password" else None,
                            ccm_password=None if case == "foreign_p12" else False)
    assert lines(transcript)[-1] == FAILED
    errors = parse_itl_reset(transcript)["errors"]
    expected = {"wrong_sftp_password": "Permission denied", "missing_file": "not found",
                "server_down": "Connection refused", "foreign_p12": "cluster security password"}[case]
    assert any(expected in line for line in errors), errors
    assert lab10.state() == before


# -- 12.5 -----------------------------------------------------------------------------------
def test_localkey_12_signs_with_the_publisher_callmanager(lab12):
    pub, sub = _nodes(lab12)
    transcript = _localkey(lab12)
    parsed = parse_itl_reset(transcript)
    assert parsed["tftp_servers"] == [pub, sub] and parsed["tftp_server_count"] == 2
    assert parsed["generated"] and not parsed["errors"] and not parsed["other"]
    state = lab12.state()
    reset = _itl(lab12, sub)
    assert reset.data == _itl(lab12, pub).data
    assert _signer_serial(reset) == _serial(state, pub, CERT_CALLMANAGER)  # 12.0+: CallManager
    assert verify_trust_file(reset)


def test_password_typed_in_one_burst_loses_characters(lab12):
    pub, unused_sub = _nodes(lab12)
    password = lab12.lab_json["ccm_admin_password"]
    lab12.control("POST", "/faults", {"node": pub, "fault": "drop_burst_input", "count": 1,
                                      "params": {"question": "CCM Administrator password"}})
    before = lab12.state()
    with lab12.shell(pub) as cli:
        cli.send("utils itl reset localkey\r")
        cli.read_until(CCM_ADMIN_PASSWORD + "$")
        cli.send(password + "\r")  # one burst: only its first character arrives, Enter lost too
        time.sleep(0.3)
        cli.send("\r")
        assert lines(cli.read_until(PROMPT_RE))[-2:] == [FAILED, "admin:"]
    assert lab12.state() == before

    lab12.control("POST", "/faults", {"node": pub, "fault": "drop_burst_input", "count": 1,
                                      "params": {"question": "CCM Administrator password"}})
    transcript = _localkey(lab12, [(CCM_ADMIN_PASSWORD, password, 0.02)])  # typed slowly: accepted
    assert not parse_itl_reset(transcript)["errors"]


def test_a_tftp_node_that_fails_to_restart(lab12):
    pub, sub = _nodes(lab12)
    lab12.control("POST", "/faults", {"node": sub, "fault": "service_start_fails", "count": 1})
    transcript = _localkey(lab12)
    assert lines(transcript)[-2:] == ["Failed to restart Cisco Tftp service on host %s" % sub, FAILED]
    parsed = parse_itl_reset(transcript)
    assert [(n["name"], n["tftp_restarted"]) for n in parsed["nodes"]] == [(pub, True), (sub, False)]
    assert parsed["errors"]
    state = lab12.state()["nodes"][sub]
    assert state["services"]["Cisco Tftp"]["state"] == "STOPPED"
    assert state["serving_reset_itl"] and state["keep_itl_on_tftp_start"]
    reset = _itl(lab12, sub).data
    with lab12.shell(sub) as cli:  # its first start keeps the reset ITL, the next one replaces it
        cli.dialog("utils service start Cisco Tftp", timeout=30)
        assert _itl(lab12, sub).data == reset
        cli.dialog("utils service restart Cisco Tftp", timeout=30)
    assert _itl(lab12, sub).data != reset and not lab12.state()["nodes"][sub]["serving_reset_itl"]


def test_service_list_shows_the_restarts_while_the_reset_runs(lab12):
    pub, sub = _nodes(lab12)
    lab12.control("POST", "/settings", {"node": sub, "service_stop_seconds": 150.0})  # 1.5 s real
    try:
        with lab12.shell(pub) as resetting, lab12.shell(sub) as watching:
            watching.command("set cli pagination off")
            resetting.send("utils itl reset localkey\r")
            resetting.read_until(CCM_ADMIN_PASSWORD + "$")
            resetting.send(lab12.lab_json["ccm_admin_password"] + "\r")
            seen = wait_for(lambda: "Cisco Tftp[STOPPING]" in watching.command("utils service list"))
            assert seen
            assert "Cisco Tftp service restarted on host %s" % sub in resetting.read_until(PROMPT_RE, timeout=30)
    finally:
        lab12.control("POST", "/settings", {"node": sub, "service_stop_seconds": 2.0})


def test_the_reset_completes_when_the_connection_drops(lab12):
    pub, sub = _nodes(lab12)
    lab12.control("POST", "/faults", {"node": pub, "fault": "drop_mid_command", "command": "^utils itl reset",
                                      "count": 1, "params": {"after_lines": 4}})
    with lab12.shell(pub) as cli:
        cli.send("utils itl reset localkey\r")
        cli.read_until(CCM_ADMIN_PASSWORD + "$")
        cli.send(lab12.lab_json["ccm_admin_password"] + "\r")
        with pytest.raises(EOFError):
            cli.read_until("never", timeout=10)

    def finished():
        nodes = lab12.state()["nodes"]
        return all(nodes[h]["serving_reset_itl"] and not nodes[h]["keep_itl_on_tftp_start"]
                   and nodes[h]["services"]["Cisco Tftp"]["state"] == "STARTED" for h in (pub, sub))

    wait_for(finished)
    assert _itl(lab12, pub).data == _itl(lab12, sub).data


def test_a_wrong_sequence_visibly_breaks_trust(lab12):
    """12.0+: regenerating the publisher's CallManager and resetting before Cisco Tftp has
    rebuilt the ITL signs the reset ITL with a key the file (and the phones) do not hold."""
    pub, sub = _nodes(lab12)
    lab12.control("POST", "/clock/advance", {"seconds": 301})
    with lab12.shell(pub) as cli:
        cli.dialog("set cert regen CallManager", [(r"\(yes\|no\)\? ", "yes")], timeout=30)
    transcript = _localkey(lab12)
    assert not parse_itl_reset(transcript)["errors"]  # CUCM does not notice
    for hostname in (pub, sub):
        assert not lab12.state()["nodes"][hostname]["files"][ITL_FILE]["verified"]
        with lab12.shell(hostname) as cli:
            cli.command("set cli pagination off")
            assert "Verification of the ITL file failed." in cli.command("show itl")
    with lab12.shell(pub) as cli:  # the right order: Tftp rebuilds the ITL with the new key first
        cli.dialog("utils service restart Cisco Tftp", timeout=30)
    assert lab12.state()["nodes"][pub]["files"][ITL_FILE]["verified"]
    _localkey(lab12)
    assert all(lab12.state()["nodes"][h]["files"][ITL_FILE]["verified"] for h in (pub, sub))
