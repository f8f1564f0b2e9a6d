"""The state-changing modules against labs of 10.5, 12.5 and 14, over both SSH backends.

Ground truth is the lab's /state (computed from its binary trust files): check mode must leave it
unchanged, a second run must report no change, and after each change every node must show what
the release predicts.
"""

import base64
import os

import pytest

from integration_support import ROOT, assert_ok

RESET_SIGNER = {"10.5": "ITLRecovery", "12.5": "CallManager", "14": "CallManager"}
NORMAL_SIGNER = {"10.5": "CallManager", "12.5": "ITLRecovery", "14": "ITLRecovery"}


def run(runner, lab, module, params=None, limit=None, **kwargs):
    return runner.playbook("change_one.yml", lab.inventory_path, limit=limit,
                           extra_vars={"module_name": module, "p": params or {}}, **kwargs)


def itl_signers(runner, lab):
    assert_ok(runner.playbook("info.yml", lab.inventory_path))
    nodes = lab.control("GET", "/state")["nodes"]
    result = {}
    for host in nodes:
        itl = runner.result(host)["itl"]
        result[host] = (itl["summary"]["signer"]["unit"], itl["itl"]["verified"], itl["itl"]["sha1"])
    return result


def hashed_records(lab):
    """Per node, the functions of its ITL records that carry a CERTHASH instead of a certificate."""
    nodes = lab.control("GET", "/state")["nodes"]
    return {host: sorted({r["function"] for r in node["files"]["ITLFile.tlv"]["record_summary"] if r["cert_hash"]})
            for host, node in nodes.items()}


def publisher(lab):
    return next(n["hostname"] for n in lab.lab_json["nodes"] if n["publisher"])


def subscribers(lab):
    return [n["hostname"] for n in lab.lab_json["nodes"] if not n["publisher"]]


@pytest.mark.parametrize("release,nodes,ssh_type", [
    ("10.5", 2, "paramiko"), ("12.5", 3, "libssh"), ("14", 2, "libssh"),
])
def test_check_mode_changes_nothing(lab_factory, runner, release, nodes, ssh_type):
    lab = lab_factory(nodes=nodes, release=release, time_scale=0.02)
    before = lab.state()
    proc = runner.playbook("change_sequence.yml", lab.inventory_path, ssh_type=ssh_type, check=True)
    assert_ok(proc)
    assert lab.state() == before
    pub = runner.result(publisher(lab))
    assert pub["itl_reset"]["changed"] is True
    assert sorted(pub["itl_reset"]["tftp_nodes"]) == sorted(n["hostname"] for n in lab.lab_json["nodes"])
    assert pub["itl_reset"]["reset_signer_unit"] == RESET_SIGNER[release]
    assert pub["security_mode"]["changed"] is True
    assert {r["service"] for r in pub["security_mode"]["required_restarts"]} >= {"Cisco Tftp", "Cisco CallManager"}
    assert pub["service"]["changed"] is True
    assert pub["ctl_file"]["changed"] is False  # no CTL on a non-secure lab
    history = lab.control("GET", "/stats")["nodes"][publisher(lab)]["history"]
    assert not [c for c in history if c.startswith(("utils itl", "utils ctl", "utils service restart", "file delete"))]


def test_check_mode_ctl_update_changes_nothing(lab_factory, runner):
    lab = lab_factory(nodes=2, release="12.5", security_mode="mixed", time_scale=0.02)
    lab.control("POST", "/actions/regen-cert", {"node": "lab125-pub", "unit": "CallManager"})
    before = lab.state()
    assert_ok(run(runner, lab, "ctl_update", {"when": "if_stale"}, limit="lab125-pub", check=True))
    result = runner.result("lab125-pub")
    assert result["changed"] is True
    assert lab.state() == before


@pytest.mark.parametrize("release,ssh_type", [("10.5", "libssh"), ("12.5", "paramiko"), ("14", "libssh")])
def test_second_runs_report_no_change(lab_factory, runner, release, ssh_type):
    lab = lab_factory(nodes=2, release=release, time_scale=0.02)
    pub = publisher(lab)

    assert_ok(run(runner, lab, "security_mode", {"state": "mixed"}, limit=pub, ssh_type=ssh_type))
    assert runner.result(pub)["changed"] is True
    assert lab.control("GET", "/state")["security_mode"] == 1
    assert_ok(run(runner, lab, "security_mode", {"state": "mixed"}, limit=pub, ssh_type=ssh_type))
    assert runner.result(pub)["changed"] is False

    assert_ok(run(runner, lab, "ctl_update", {"when": "if_stale"}, limit=pub, ssh_type=ssh_type))
    assert runner.result(pub)["changed"] is False, runner.result(pub)

    assert_ok(run(runner, lab, "service", {"name": "Cisco Tftp", "state": "started"}, ssh_type=ssh_type))
    for host in (pub,) + tuple(subscribers(lab)):
        assert runner.result(host)["changed"] is False

    assert_ok(run(runner, lab, "security_mode", {"state": "non_secure"}, limit=pub, ssh_type=ssh_type))
    assert runner.result(pub)["changed"] is True
    assert_ok(run(runner, lab, "ctl_file", ssh_type=ssh_type))
    for host in (pub,) + tuple(subscribers(lab)):
        assert runner.result(host)["changed"] is True, runner.result(host)
    assert all("CTLFile.tlv" not in n["files"] for n in lab.control("GET", "/state")["nodes"].values())
    assert_ok(run(runner, lab, "ctl_file", ssh_type=ssh_type))
    for host in (pub,) + tuple(subscribers(lab)):
        assert runner.result(host)["changed"] is False


def test_itl_reset_on_a_subscriber_types_nothing(lab_factory, runner):
    lab = lab_factory(nodes=2, release="12.5")
    before = lab.state()
    run(runner, lab, "itl_reset", limit="lab125-sub1")
    result = runner.result("lab125-sub1")
    assert result["failed"] is True
    assert result["msg"].startswith("lab125-sub1: ")
    assert "lab125-pub" in result["msg"]  # it names the publisher to use instead
    history = lab.control("GET", "/stats")["nodes"]["lab125-sub1"]["history"]
    assert not [c for c in history if c.startswith("utils itl")], history
    assert lab.state() == before


# The last case: hash-only TVS/CAPF records in a 12.x ITL (lab --itl-record-form certhash; which
# form real 12.x+ writes is GUESSED, the others use the lab's default, full certificates).
@pytest.mark.parametrize("release,ssh_type,typed,itl_record_form", [
    ("10.5", "paramiko", False, None), ("12.5", "libssh", False, None), ("14", "paramiko", True, None),
    ("12.5", "paramiko", True, None), ("12.5", "libssh", False, "certhash"),
])
def test_itl_reset_gives_every_tftp_node_the_predicted_signer(lab_factory, runner, release, ssh_type, typed,
                                                              itl_record_form):
    lab = lab_factory(nodes=3, release=release, time_scale=0.02, itl_record_form=itl_record_form)
    pub = publisher(lab)
    before = itl_signers(runner, lab)
    assert {unit for unit, _ok, _sha in before.values()} == {NORMAL_SIGNER[release]}

    assert_ok(run(runner, lab, "itl_reset", {"typed_answers": typed}, limit=pub, ssh_type=ssh_type))
    result = runner.result(pub)
    assert result["changed"] is True and result["verified"] is True
    assert [n["name"] for n in result["nodes"]] == sorted(before)
    assert all(n["transferred"] and n["tftp_restarted"] for n in result["nodes"])
    assert result["signer_after"]["unit"] == RESET_SIGNER[release]
    assert [s["action"] for s in result["next_steps"]][0] == "reset_phones"

    after = itl_signers(runner, lab)
    assert {unit for unit, _ok, _sha in after.values()} == {RESET_SIGNER[release]}
    form = itl_record_form or ("full" if float(release) >= 12 else "certhash")
    assert lab.control("GET", "/state")["itl_record_form"] == form
    expected_hashed = dict.fromkeys(before, ["CAPF", "TVS"] if form == "certhash" else [])
    after_reset_hashed = hashed_records(lab)
    assert all(ok for _unit, ok, _sha in after.values())
    assert len({sha for _unit, _ok, sha in after.values()}) == 1  # the publisher's reset ITL everywhere

    # The next ordinary Tftp restart brings the normal signer back.
    assert_ok(run(runner, lab, "service", {"name": "Cisco Tftp", "state": "restarted"}, ssh_type=ssh_type))
    again = itl_signers(runner, lab)
    assert {unit for unit, _ok, _sha in again.values()} == {NORMAL_SIGNER[release]}
    # Every ITL built on the way (reset, Tftp restart) kept the cluster's record form.
    assert hashed_records(lab) == after_reset_hashed == expected_hashed


def put_p12_on_sftp(lab, name="ITLRecovery.p12"):
    pub = publisher(lab)
    data = base64.b64decode(lab.control("GET", "/file?node=%s&name=ITLRecovery.p12" % pub)["data_base64"])
    sftp = lab.lab_json["sftp"][0]
    directory = sftp["directory"].strip("/")
    path = os.path.join(sftp["root"], directory, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
    return sftp, "/%s/%s" % (directory, name)


def remote_params(sftp, p12_path, **overrides):
    params = {"key_source": "remote", "sftp_host": sftp["host"], "sftp_user": sftp["username"],
              "sftp_password": sftp["password"], "p12_path": p12_path}
    params.update(overrides)
    return params


@pytest.mark.parametrize("release,ssh_type", [("10.5", "paramiko"), ("12.5", "libssh")])
def test_itl_reset_remotekey(lab_factory, runner, release, ssh_type):
    lab = lab_factory(nodes=2, release=release, time_scale=0.02)
    sftp, p12_path = put_p12_on_sftp(lab)
    pub = publisher(lab)
    assert_ok(run(runner, lab, "itl_reset", remote_params(sftp, p12_path), limit=pub, ssh_type=ssh_type))
    result = runner.result(pub)
    assert result["verified"] is True, result
    signers = itl_signers(runner, lab)
    assert {unit for unit, ok, _sha in signers.values() if ok} == {"ITLRecovery"}


@pytest.mark.parametrize("release", ["10.5", "12.5", "14"])
def test_mixed_mode_with_the_returned_restarts_then_back(lab_factory, runner, release):
    lab = lab_factory(nodes=3, release=release, time_scale=0.02)
    group = lab.lab_json["cluster"]
    playbook = os.path.join(ROOT, "playbooks", "cluster_security_mode.yml")
    assert_ok(runner.playbook(playbook, lab.inventory_path,
                              extra_vars={"target": group, "cluster_security_mode_state": "mixed"}))
    state = lab.control("GET", "/state")
    assert state["security_mode"] == 1
    ctl_sha1 = {n["files"]["CTLFile.tlv"]["sha1"] for n in state["nodes"].values()}
    assert len(ctl_sha1) == 1
    assert_ok(runner.playbook("info.yml", lab.inventory_path))
    for host in state["nodes"]:
        ctl = runner.result(host)["ctl"]
        assert ctl["ctl"]["sha1"] in ctl_sha1
        assert ctl["summary"]["signer"]["unit"] == NORMAL_SIGNER[release]
        assert ctl["ctl"]["verified"] is True
    # every node restarted its Tftp and CallManager after the change
    for host, node in state["nodes"].items():
        history = lab.control("GET", "/stats")["nodes"][host]["history"]
        assert "utils service restart Cisco Tftp" in history
        assert "utils service restart Cisco CallManager" in history

    assert_ok(runner.playbook(playbook, lab.inventory_path,
                              extra_vars={"target": group, "cluster_security_mode_state": "non_secure"}))
    state = lab.control("GET", "/state")
    assert state["security_mode"] == 0
    assert all("CTLFile.tlv" not in n["files"] for n in state["nodes"].values())


def test_ctl_update_after_a_callmanager_regeneration(lab_factory, runner):
    lab = lab_factory(nodes=2, release="12.5", security_mode="mixed", time_scale=0.02)
    before = lab.control("GET", "/state")["nodes"]["lab125-pub"]["files"]["CTLFile.tlv"]["sha1"]
    lab.control("POST", "/actions/regen-cert", {"node": "lab125-pub", "unit": "CallManager"})
    assert_ok(run(runner, lab, "ctl_update", {"when": "if_stale"}, limit="lab125-pub"))
    result = runner.result("lab125-pub")
    assert result["changed"] is True, result
    state = lab.control("GET", "/state")
    after = {n["files"]["CTLFile.tlv"]["sha1"] for n in state["nodes"].values()}
    assert len(after) == 1 and before not in after
    assert result["after"]["sha1"] in after
    assert result["before"]["sha1"] == before
    assert_ok(run(runner, lab, "ctl_update", {"when": "if_stale"}, limit="lab125-pub"))
    assert runner.result("lab125-pub")["changed"] is False


@pytest.mark.parametrize("release", ["10.5", "12.5"])
def test_etoken_ctl_migrates_to_tokenless(lab_factory, runner, release):
    lab = lab_factory(nodes=2, release=release, security_mode="mixed", time_scale=0.02)
    lab.control("POST", "/actions/etoken-ctl", {})
    pub = publisher(lab)
    # The migration is asked for explicitly: the eToken CTL may list current certificates.
    assert_ok(run(runner, lab, "ctl_update", {"when": "always"}, limit=pub))
    result = runner.result(pub)
    assert result["changed"] is True
    assert len(result["etokens_removed"]) == 2
    assert all(e["common_name"].startswith("SAST-") for e in result["etokens_removed"])
    assert_ok(runner.playbook("info.yml", lab.inventory_path))
    for host in lab.control("GET", "/state")["nodes"]:
        summary = runner.result(host)["ctl"]["summary"]
        assert summary["tokenless"] is True
        assert summary["signer"]["unit"] == NORMAL_SIGNER[release]
