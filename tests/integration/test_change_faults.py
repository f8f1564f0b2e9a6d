"""Faults during state changes: each ends the task with a message naming the node and the step,
and the lab's state matches what the message says - nothing half-applied goes unmentioned."""

import os

import pytest

from integration_support import assert_ok
from test_change_modules import put_p12_on_sftp, remote_params, run

STEP_FILES = ("ITLFile.tlv", "CTLFile.tlv")


def trust_files(state):
    return {host: {name: node["files"].get(name, {}).get("sha1") for name in STEP_FILES}
            for host, node in state["nodes"].items()}


@pytest.mark.parametrize("ssh_type", ["libssh", "paramiko"])
def test_tftp_node_that_fails_to_restart_during_itl_reset(lab_factory, runner, ssh_type):
    lab = lab_factory(nodes=3, release="12.5", time_scale=0.02)
    lab.control("POST", "/faults", {"node": "lab125-sub2", "fault": "service_start_fails",
                                    "params": {"service": "Cisco Tftp"}})
    run(runner, lab, "itl_reset", limit="lab125-pub", ssh_type=ssh_type)
    result = runner.result("lab125-pub")
    assert result["failed"] is True
    msg = result["msg"]
    assert msg.startswith("lab125-pub: 'utils itl reset localkey'"), msg
    assert "got it: lab125-pub, lab125-sub1" in msg and "did not: lab125-sub2" in msg, msg
    assert "Cisco Tftp not restarted" in msg
    # The lab agrees: the reset ITL was copied everywhere, but sub2's Tftp is down, so only the
    # other two serve it - exactly what the message says.
    state = lab.control("GET", "/state")
    assert state["nodes"]["lab125-sub2"]["services"]["Cisco Tftp"]["state"] == "STOPPED"
    assert {h for h, n in state["nodes"].items() if n["services"]["Cisco Tftp"]["state"] == "STARTED"} == {
        "lab125-pub", "lab125-sub1"}
    itl_sha1 = {h: n["files"]["ITLFile.tlv"]["sha1"] for h, n in state["nodes"].items()}
    assert len(set(itl_sha1.values())) == 1  # the publisher's reset ITL on every node
    assert {n["name"]: n["tftp_restarted"] for n in result["nodes"]} == {
        "lab125-pub": True, "lab125-sub1": True, "lab125-sub2": False}


@pytest.mark.parametrize("command,module,params", [
    ("^utils itl reset", "itl_reset", {}),
    ("^utils ctl set-cluster", "security_mode", {"state": "mixed"}),
])
def test_connection_dropped_in_the_middle_of_a_change(lab_factory, runner, command, module, params):
    lab = lab_factory(nodes=2, release="12.5", time_scale=0.02)
    lab.control("POST", "/faults", {"node": "lab125-pub", "fault": "drop_mid_command", "command": command,
                                    "params": {"after_lines": 3}})
    run(runner, lab, module, params, limit="lab125-pub")
    result = runner.result("lab125-pub")
    assert result["failed"] is True
    assert result["msg"].startswith("lab125-pub: '"), result["msg"]
    assert "closed while the command was running" in result["msg"]
    # The message says the change may have completed: it did (CUCM finishes in the background).
    assert "may have finished it or stopped part-way" in result["msg"]


@pytest.mark.parametrize("fault", ["down", "auth_refused"])
def test_remotekey_with_an_unusable_sftp_server(lab_factory, runner, fault):
    lab = lab_factory(nodes=2, release="12.5", time_scale=0.02)
    sftp, p12_path = put_p12_on_sftp(lab)
    lab.control("POST", "/sftp/faults", {"server": sftp["name"], "fault": fault})
    before = trust_files(lab.control("GET", "/state"))
    run(runner, lab, "itl_reset", remote_params(sftp, p12_path), limit="lab125-pub")
    result = runner.result("lab125-pub")
    assert result["failed"] is True
    assert result["msg"].startswith("lab125-pub: 'utils itl reset remotekey"), result["msg"]
    assert "CUCM printed" in result["msg"]
    # The cause CUCM printed before its failure trailer is quoted, and nothing contradicts it.
    cause = {"down": "Connection refused", "auth_refused": "Permission denied"}[fault]
    assert cause in result["msg"], result["msg"]
    assert "no active TFTP server" not in result["msg"], result["msg"]
    assert result["changed"] is False
    assert trust_files(lab.control("GET", "/state")) == before
    assert sftp["password"] not in result["msg"]


@pytest.mark.parametrize("ssh_type", ["libssh", "paramiko"])
def test_question_that_drops_burst_input(lab_factory, runner, ssh_type):
    lab = lab_factory(nodes=2, release="14", time_scale=0.02)
    lab.control("POST", "/faults", {"node": "lab14-pub", "fault": "drop_burst_input", "count": None,
                                    "params": {"question": "CCM Administrator password"}})
    before = trust_files(lab.control("GET", "/state"))
    run(runner, lab, "itl_reset", limit="lab14-pub", ssh_type=ssh_type)
    failed = runner.result("lab14-pub")
    assert failed["failed"] is True
    assert failed["msg"].startswith("lab14-pub: 'utils itl reset localkey'"), failed["msg"]
    assert trust_files(lab.control("GET", "/state")) == before
    # Typed one character at a time, the same answer gets through.
    assert_ok(run(runner, lab, "itl_reset", {"typed_answers": True}, limit="lab14-pub", ssh_type=ssh_type))
    assert runner.result("lab14-pub")["verified"] is True


def test_mixed_mode_without_the_licence(lab_factory, runner):
    lab = lab_factory(nodes=2, release="12.5", time_scale=0.02)
    lab.control("POST", "/actions/cluster-settings", {"export_controlled_allowed": False})
    before = lab.control("GET", "/state")
    run(runner, lab, "security_mode", {"state": "mixed"}, limit="lab125-pub")
    result = runner.result("lab125-pub")
    assert result["failed"] is True
    assert result["msg"].startswith("lab125-pub: "), result["msg"]
    assert "licen" in result["msg"].lower()
    after = lab.control("GET", "/state")
    assert after["security_mode"] == 0
    assert trust_files(after) == trust_files(before)
    assert all("CTLFile.tlv" not in n["files"] for n in after["nodes"].values())


@pytest.mark.parametrize("ssh_type", ["libssh", "paramiko"])
def test_no_secret_in_dialog_runs_at_vvvv(lab_factory, runner, ssh_type):
    lab = lab_factory(nodes=2, release="12.5", time_scale=0.02)
    sftp, p12_path = put_p12_on_sftp(lab)
    secrets = [lab.lab_json["password"], lab.lab_json["ccm_admin_password"], sftp["password"],
               lab.lab_json["cluster_security_password"]]
    outputs = []
    for module, params in [("itl_reset", {}), ("itl_reset", remote_params(sftp, p12_path)),
                           ("itl_reset", {"typed_answers": True}), ("security_mode", {"state": "mixed"})]:
        proc = run(runner, lab, module, params, limit="lab125-pub", ssh_type=ssh_type, verbosity=4)
        assert_ok(proc)
        assert runner.result("lab125-pub").get("failed") is not True, runner.result("lab125-pub")
        outputs.append(proc.stdout)
    # and a failing one: a wrong CCM password must not echo the wrong password either
    proc = run(runner, lab, "itl_reset", {"ccm_admin_password": "Wr0ng-but-secret"}, limit="lab125-pub",
               ssh_type=ssh_type, verbosity=4)
    outputs.append(proc.stdout)
    assert runner.result("lab125-pub")["failed"] is True
    text = "\n".join(outputs)
    assert "<127.0.0.1>" in text  # really verbose
    for secret in secrets + ["Wr0ng-but-secret"]:
        assert secret not in text
    for name in os.listdir(str(runner.out)):
        with open(os.path.join(str(runner.out), name)) as handle:
            saved = handle.read()
        for secret in secrets + ["Wr0ng-but-secret"]:
            assert secret not in saved
