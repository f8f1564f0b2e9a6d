"""cucm.trust.itl_reset end to end on seed 001 (CUCM 10.0): the reset dialogs and show itl after it.

``show network cluster`` has no seed transcript: it follows cucm-cli-behaviour.md with the
seed's host names. The database's service list in check mode is what the lab prints.
"""

import json

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError
from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import NODE_SERVICES
from ansible_collections.cucm.trust.plugins.modules import itl_reset
from lab_texts import lab_cluster, run_sql
from module_replay import FakeModule, ReplayConnection, dialog_fixture, run_main, seed
from reference_texts import show_network_cluster

RELEASE_10 = "10.0.1"  # seed 001: CUCM 10.0(1)
NODES = [("test10pub", "test10pub.joemar2.lab", "192.0.2.10", True),
         ("test10sub", "test10sub.joemar2.lab", "192.0.2.11", False)]
CCM_PASSWORD = "Ccm-Adm1n!"
SFTP_PASSWORD = "Sftp-S3cret"


def params(**changes):
    values = dict(key_source="local", ccm_admin_password=CCM_PASSWORD, sftp_host=None, sftp_user=None,
                  sftp_password=None, p12_path=None, typed_answers=False, char_delay=0.3)
    values.update(changes)
    return values


def connection(version=RELEASE_10, local="test10pub", itl_after="001_ja_show_itl_after_reset.txt", **outputs):
    texts = {"show network cluster": show_network_cluster(NODES, local), "show itl": seed(itl_after)}
    texts.update(outputs)
    return ReplayConnection(version, texts, {
        "utils itl reset localkey": "001_itl_reset_localkey.txt",
        "utils itl reset remotekey joemar2-server.cisco.com joemar2 /home/joemar2/ITLRecovery.p12":
            "001_itl_reset_remotekey.txt",
    })


def test_localkey_reset_reaches_every_tftp_node_and_is_verified():
    conn = connection()
    module = FakeModule(params(), conn)
    result = itl_reset.reset_itl(module)

    assert conn.sent == ["show network cluster", "utils itl reset localkey", "show itl"]
    assert conn.dialog_calls[0]["questions"][0]["secret"] is True
    assert result["changed"] is True
    assert result["tftp_nodes"] == ["test10pub", "test10sub"]
    assert result["nodes"] == [
        {"name": "test10pub", "transferred": True, "tftp_restarted": True},
        {"name": "test10sub", "transferred": True, "tftp_restarted": True},
    ]
    assert result["signer_after"] == {"unit": "ITLRecovery", "common_name": "ITLRECOVERY_test10pub.joemar2.lab"}
    assert result["verified"] is True
    assert result["reset_signer_unit"] == "ITLRecovery"
    assert result["signer_after_next_tftp_restart"] == "CallManager"
    assert [s["action"] for s in result["next_steps"]] == ["reset_phones"]
    assert result["stdout_lines"] == dialog_fixture("001_itl_reset_localkey.txt")[1]
    assert CCM_PASSWORD not in repr(result)


def test_remotekey_answers_sftp_then_ccm_password_and_masks_both():
    conn = connection()
    module = FakeModule(params(key_source="remote", sftp_host="joemar2-server.cisco.com", sftp_user="joemar2",
                               sftp_password=SFTP_PASSWORD, p12_path="/home/joemar2/ITLRecovery.p12",
                               typed_answers=True), conn)
    result = itl_reset.reset_itl(module)
    questions = conn.dialog_calls[0]["questions"]
    assert [q["name"] for q in questions] == ["sftp_password", "ccm_admin_password"]
    assert all(q["typed"] and q["char_delay"] == 0.3 for q in questions)
    assert result["nodes"][1] == {"name": "test10sub", "transferred": True, "tftp_restarted": True}
    assert "Processing token in else 0 tac" in result["stdout_lines"]
    assert SFTP_PASSWORD not in repr(result) and CCM_PASSWORD not in repr(result)


def test_refuses_on_a_subscriber_before_typing_anything():
    conn = connection(local="test10sub")
    with pytest.raises(CucmError) as caught:
        itl_reset.reset_itl(FakeModule(params(), conn))
    assert str(caught.value) == "test10sub is a subscriber; ITL reset runs on the publisher test10pub"
    assert caught.value.reason == "subscriber"
    assert conn.sent == ["show network cluster"]


def test_check_mode_lists_tftp_nodes_from_the_database_and_types_nothing():
    cluster = lab_cluster("cucm", "12.5", 3)
    nodes = [(n.hostname, n.fqdn, n.ip, n.publisher) for n in cluster.nodes]
    conn = ReplayConnection("12.5.1.14900-63", {
        "show network cluster": show_network_cluster(nodes, "cucm-pub"),
        NODE_SERVICES: run_sql(cluster, NODE_SERVICES),
    })
    result = itl_reset.reset_itl(FakeModule(params(), conn, check_mode=True))
    assert conn.sent == ["show network cluster", NODE_SERVICES]
    assert result["changed"] is True
    assert result["tftp_nodes"] == ["cucm-pub", "cucm-sub1", "cucm-sub2"]
    assert result["reset_signer_unit"] == "CallManager"
    assert result["next_steps"][1]["nodes"] == ["cucm-pub", "cucm-sub1", "cucm-sub2"]
    assert result["stdout_lines"] == []


def test_check_mode_without_database_says_unknown():
    conn = connection()  # no answer for the service query
    module = FakeModule(params(), conn, check_mode=True)
    result = itl_reset.reset_itl(module)
    assert result["tftp_nodes"] == "unknown"
    assert result["reset_signer_unit"] == "ITLRecovery"
    assert module.warnings and "could not read" in module.warnings[0]
    assert "utils itl reset localkey" not in conn.sent


def test_fails_when_show_itl_still_shows_the_normal_signer():
    conn = connection(itl_after="001_ja_show_itl_before_reset.txt")
    with pytest.raises(CucmError) as caught:
        itl_reset.reset_itl(FakeModule(params(), conn))
    assert caught.value.reason == "verify"
    assert "signed by test10pub.joemar2.lab (CallManager)" in str(caught.value)
    assert caught.value.details["changed"] is True
    assert caught.value.details["nodes"][1]["transferred"] is True
    assert caught.value.output.splitlines() == dialog_fixture("001_itl_reset_localkey.txt")[1]


def test_on_12_an_itlrecovery_signed_itl_after_reset_fails():
    conn = connection(version="12.5.1.14900-63")
    with pytest.raises(CucmError) as caught:
        itl_reset.reset_itl(FakeModule(params(), conn))
    assert "a localkey reset ITL is signed by CallManager" in str(caught.value)


def test_on_12_a_remotekey_reset_is_signed_by_the_fetched_itlrecovery_key():
    conn = connection(version="12.5.1.14900-63")
    result = itl_reset.reset_itl(FakeModule(params(key_source="remote", sftp_host="joemar2-server.cisco.com",
                                                   sftp_user="joemar2", sftp_password=SFTP_PASSWORD,
                                                   p12_path="/home/joemar2/ITLRecovery.p12"), conn))
    assert result["reset_signer_unit"] == "ITLRecovery" and result["verified"] is True
    assert [s["action"] for s in result["next_steps"]] == ["reset_phones"]


def test_password_options_are_no_log():
    for name in ("ccm_admin_password", "sftp_password"):
        assert itl_reset.ARGUMENT_SPEC[name]["no_log"] is True


def test_main_requires_the_sftp_options_for_remote(monkeypatch, capsys):
    result = run_main(itl_reset.main, {"key_source": "remote", "ccm_admin_password": CCM_PASSWORD},
                      connection(), monkeypatch, capsys)
    assert result["failed"] is True
    assert "key_source is remote" in result["msg"]


def test_main_returns_the_result_and_never_the_passwords(monkeypatch, capsys):
    conn = connection()
    result = run_main(itl_reset.main, {"ccm_admin_password": CCM_PASSWORD}, conn, monkeypatch, capsys)
    assert result["changed"] is True and result["verified"] is True
    assert CCM_PASSWORD not in json.dumps(result)


def test_main_fails_on_a_subscriber_with_the_publisher_named(monkeypatch, capsys):
    result = run_main(itl_reset.main, {"ccm_admin_password": CCM_PASSWORD}, connection(local="test10sub"),
                      monkeypatch, capsys)
    assert result["failed"] is True
    assert result["msg"] == "test10sub is a subscriber; ITL reset runs on the publisher test10pub"
    assert result["failure_reason"] == "subscriber"


def test_main_explains_a_refused_password(monkeypatch, capsys):
    # CUCM asking for the password again (the brief's wrong-password case), seed 001's question line.
    conn = connection()
    question = dialog_fixture("001_itl_reset_localkey.txt")[1][0]
    conn.dialogs["utils itl reset localkey"] = [question, question]
    result = run_main(itl_reset.main, {"ccm_admin_password": CCM_PASSWORD}, conn, monkeypatch, capsys)
    assert result["failed"] is True and result["failure_reason"] == "asked_again"
    assert result["msg"].startswith("'utils itl reset localkey' failed: CUCM asked the same question again after "
                                    "it was answered, so the answer was refused (a wrong password?).")
    assert result["stdout_lines"] == ["Enter CCM Administrator password :", "Enter CCM Administrator password :"]
    assert CCM_PASSWORD not in json.dumps(result)
    assert conn.sent == ["show network cluster", "utils itl reset localkey"]
