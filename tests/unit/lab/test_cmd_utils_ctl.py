"""`utils ctl set-cluster mixed-mode|non-secure-mode`, `update CTLFile`, `reset localkey` in
the lab: seed 002's dialogs, the CTL bytes on every node, licensing, eTokens and refusals."""

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_run_sql, parse_utils_ctl
from cucm_lab.model import CERT_CALLMANAGER, CERT_ITLRECOVERY, CTL_FILE
from cucm_lab.testing import LabControlError, start_lab
from cucm_lab.trustfile import parse_trust_file, verify_trust_file
from lab_dialogs import CONTINUE_YN, FAILED, REGEN_YES_NO, fixture_lines, lines

SECURITY_MODE_QUERY = "run sql select paramname,paramvalue from processconfig where paramname='ClusterSecurityMode'"
LATER_REMINDERS = ["You must reset all phones to ensure they received the updated CTL file.",
                   "You must restart Cisco CTIManager services on all the nodes in the cluster that have the"
                   " service activated."]


@pytest.fixture(scope="module")
def lab10(tmp_path_factory):
    handle = start_lab(tmp_path_factory.mktemp("ctl105"), nodes=2, release="10.5", time_scale=0.01)
    yield handle
    handle.stop()


@pytest.fixture(scope="module")
def lab12(tmp_path_factory):
    handle = start_lab(tmp_path_factory.mktemp("ctl125"), nodes=2, release="12.5", time_scale=0.01)
    yield handle
    handle.stop()


def _nodes(lab):
    pub = next(n["hostname"] for n in lab.lab_json["nodes"] if n["publisher"])
    sub = next(n["hostname"] for n in lab.lab_json["nodes"] if not n["publisher"])
    return pub, sub


def _run(lab, line, answer="y", node=None):
    with lab.shell(node or _nodes(lab)[0]) as cli:
        return cli.dialog(line, [(CONTINUE_YN, answer)] if answer else [], timeout=30)


def _ctl(lab, hostname):
    return parse_trust_file(lab.stored_file(hostname, CTL_FILE).data)


def _the_same_ctl_everywhere(lab):
    pub, sub = _nodes(lab)
    ctl = _ctl(lab, pub)
    assert _ctl(lab, sub).data == ctl.data
    return ctl


def _serial(lab, hostname, unit):
    return lab.state()["nodes"][hostname]["certs"][unit]["serial"]


def _security_mode(lab):
    with lab.shell(_nodes(lab)[0]) as cli:
        cli.command("set cli pagination off")
        return parse_run_sql(cli.command(SECURITY_MODE_QUERY))["rows"]


# -- 10.5: the seed's release ---------------------------------------------------------------
def test_mixed_mode_prints_seed_002_and_puts_the_ctl_on_every_node(lab10):
    pub, unused_sub = _nodes(lab10)
    transcript = _run(lab10, "utils ctl set-cluster mixed-mode")
    assert lines(transcript) == fixture_lines("002_set_cluster_mixed_mode.txt")
    parsed = parse_utils_ctl(transcript)
    assert parsed["operation"] == "mixed" and parsed["completed"] and not parsed["errors"]
    assert parsed["restart_services"] == ["Cisco Tftp", "Cisco CallManager"]

    ctl = _the_same_ctl_everywhere(lab10)
    assert verify_trust_file(ctl)
    assert ctl.signer_serial.hex().upper() == _serial(lab10, pub, CERT_CALLMANAGER)  # 10.x tokenless
    assert lab10.state()["security_mode"] == 1
    assert _security_mode(lab10) == [{"paramname": "ClusterSecurityMode", "paramvalue": "1"}]


def test_update_after_a_callmanager_regeneration_prints_seed_002(lab10):
    pub, unused_sub = _nodes(lab10)
    _run(lab10, "utils ctl set-cluster mixed-mode")
    before = _ctl(lab10, pub).data
    with lab10.shell(pub) as cli:
        cli.dialog("set cert regen CallManager", [(REGEN_YES_NO, "yes")], timeout=30)
    assert _ctl(lab10, pub).data == before  # the CTL follows only `utils ctl update CTLFile`

    transcript = _run(lab10, "utils ctl update CTLFile")
    assert lines(transcript) == fixture_lines("002_update_ctlfile.txt", unwrap=("the cluster that",))
    parsed = parse_utils_ctl(transcript)
    assert parsed["operation"] == "update" and parsed["completed"]
    ctl = _the_same_ctl_everywhere(lab10)
    assert ctl.signer_serial.hex().upper() == _serial(lab10, pub, CERT_CALLMANAGER)  # the new one
    assert verify_trust_file(ctl)


def test_update_migrates_an_etoken_ctl_to_tokenless(lab10):
    pub, unused_sub = _nodes(lab10)
    tokens = lab10.control("POST", "/actions/etoken-ctl", {"tokens": 2})["etokens"]
    state = lab10.state()
    assert state["etokens"] == tokens and state["security_mode"] == 1
    summary = state["nodes"][pub]["files"][CTL_FILE]
    assert summary["signer"] == tokens[0] and summary["verified"]
    assert sum(r["subject"] in tokens for r in summary["record_summary"]) == 2

    parsed = parse_utils_ctl(_run(lab10, "utils ctl update CTLFile"))
    assert parsed["completed"]
    state = lab10.state()
    assert state["etokens"] == []
    summary = state["nodes"][pub]["files"][CTL_FILE]
    assert not [r for r in summary["record_summary"] if r["subject"] and r["subject"].startswith('cn="SAST-ADN')]
    assert summary["signer_serial"] == state["nodes"][pub]["certs"][CERT_CALLMANAGER]["serial"]
    assert summary["verified"]


def test_non_secure_mode_keeps_a_certificate_less_ctl(lab10):
    pub, sub = _nodes(lab10)
    _run(lab10, "utils ctl set-cluster mixed-mode")
    transcript = _run(lab10, "utils ctl set-cluster non-secure-mode")
    assert lines(transcript)[1:] == [
        "This operation will set the cluster to non secure mode. Do you want to continue? (y/n):y",
        "Moving Cluster to Non Secure Mode", "Cluster set to Non Secure Mode",
        "Please Restart the TFTP and Cisco CallManager services on all nodes in the cluster that run these"
        " services"]
    parsed = parse_utils_ctl(transcript)
    assert parsed["operation"] == "non_secure" and parsed["completed"]
    state = lab10.state()
    assert state["security_mode"] == 0
    assert _security_mode(lab10) == [{"paramname": "ClusterSecurityMode", "paramvalue": "0"}]
    ctl = _the_same_ctl_everywhere(lab10)  # the file stays on disk
    records = state["nodes"][pub]["files"][CTL_FILE]["record_summary"]
    placeholders = [r for r in records if r["function"] == "CCM+TFTP"]
    assert len(placeholders) == 2 and all(r["certificate_sha1"] is None for r in placeholders)
    assert {r["dns_name"] for r in placeholders} == {state["nodes"][h]["ip"] for h in (pub, sub)}
    assert verify_trust_file(ctl)


@pytest.mark.parametrize("line, where, setup", [
    ("utils ctl set-cluster mixed-mode", "sub", None),
    ("utils ctl update CTLFile", "sub", None),
    ("utils ctl reset localkey", "sub", None),
    ("utils ctl set-cluster non-secure-mode", "sub", None),
    ("utils ctl update CTLFile", "pub", "non-secure"),
    ("utils ctl reset localkey", "pub", "non-secure"),
])
def test_refusals_ask_nothing_and_change_nothing(lab10, line, where, setup):
    pub, sub = _nodes(lab10)
    if setup == "non-secure":
        _run(lab10, "utils ctl set-cluster non-secure-mode")
    before = lab10.state()
    transcript = _run(lab10, line, answer=None, node=pub if where == "pub" else sub)
    assert lines(transcript)[-1] == FAILED and len(lines(transcript)) == 3
    assert parse_utils_ctl(transcript)["errors"]
    assert lab10.state() == before


def test_answering_no_changes_nothing(lab10):
    before = lab10.state()
    transcript = _run(lab10, "utils ctl set-cluster mixed-mode", answer="n")
    assert lines(transcript)[1:] == [
        "This operation sets the cluster to Mixed mode. Do you want to continue? (y/n):n"]
    assert not parse_utils_ctl(transcript)["completed"]
    assert lab10.state() == before


# -- 12.5 -----------------------------------------------------------------------------------
def test_mixed_mode_12_is_signed_by_itlrecovery_and_reminds_more(lab12):
    pub, unused_sub = _nodes(lab12)
    transcript = _run(lab12, "utils ctl set-cluster mixed-mode")
    assert lines(transcript)[-2:] == LATER_REMINDERS
    parsed = parse_utils_ctl(transcript)
    assert parsed["restart_services"] == ["Cisco Tftp", "Cisco CallManager", "Cisco CTIManager"]
    assert parsed["reset_phones"] and parsed["completed"]
    ctl = _the_same_ctl_everywhere(lab12)
    assert ctl.signer_serial.hex().upper() == _serial(lab12, pub, CERT_ITLRECOVERY)
    assert verify_trust_file(ctl)


def test_reset_localkey_signs_with_the_publisher_callmanager(lab12):
    pub, unused_sub = _nodes(lab12)
    _run(lab12, "utils ctl set-cluster mixed-mode")
    parsed = parse_utils_ctl(_run(lab12, "utils ctl reset localkey"))
    assert parsed["operation"] == "reset" and parsed["completed"] and not parsed["errors"]
    ctl = _the_same_ctl_everywhere(lab12)
    assert ctl.signer_serial.hex().upper() == _serial(lab12, pub, CERT_CALLMANAGER)
    assert verify_trust_file(ctl)


def test_mixed_mode_without_export_controlled_licence_is_refused(lab12):
    _run(lab12, "utils ctl set-cluster non-secure-mode")
    lab12.control("POST", "/actions/cluster-settings", {"export_controlled_allowed": False})
    try:
        before = lab12.state()
        assert before["mixed_mode_needs_licence"] and not before["export_controlled_allowed"]
        transcript = _run(lab12, "utils ctl set-cluster mixed-mode", answer=None)
        assert "licens" in lines(transcript)[1] and lines(transcript)[-1] == FAILED
        assert parse_utils_ctl(transcript)["licence_refused"]
        assert lab12.state() == before
    finally:
        lab12.control("POST", "/actions/cluster-settings", {"export_controlled_allowed": True})


def test_auto_registration_changes_the_question(lab12):
    lab12.control("POST", "/actions/cluster-settings", {"auto_registration": True})
    try:
        transcript = _run(lab12, "utils ctl set-cluster mixed-mode")
    finally:
        lab12.control("POST", "/actions/cluster-settings", {"auto_registration": False})
    assert lines(transcript)[1] == (
        "This operation will set the cluster to Mixed mode. Auto-registration is enabled on at least one"
        " CM node. Do you want to continue? (y/n):y")
    parsed = parse_utils_ctl(transcript)
    assert parsed["auto_registration_warning"] and parsed["completed"]


def test_cluster_settings_and_etoken_api_validate(lab12, tmp_path):
    for body in ({"nonsense": True}, {"auto_registration": "yes"}):
        with pytest.raises(LabControlError) as refused:
            lab12.control("POST", "/actions/cluster-settings", body)
        assert refused.value.status == 400
    with pytest.raises(LabControlError) as refused:
        lab12.control("POST", "/actions/etoken-ctl", {"tokens": 3})
    assert refused.value.status == 400
    lab14 = start_lab(tmp_path, nodes=1, release="14", sftp_servers=0)
    try:
        before = lab14.state()
        with pytest.raises(LabControlError) as refused:  # 14SU3+: no hardware eTokens
            lab14.control("POST", "/actions/etoken-ctl", {})
        assert refused.value.status == 400 and "eToken" in refused.value.payload["error"]
        assert lab14.state() == before
    finally:
        lab14.stop()
