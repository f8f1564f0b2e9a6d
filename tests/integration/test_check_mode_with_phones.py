"""Check mode of every playbook and role resets no phone and changes no file.

One single-node lab cluster (where TVS cannot vouch from another node) with phones whose trust is broken (so the recovery and the mode change have work to
do), the API credentials in the inventory (so the phone steps would run), then each shipped
playbook with --check. After each: the nodes' state (files, certificates, services, mode), the SFTP
server's files, every phone's boots and held files, and the lab's count of AXL resets are what they
were before.
"""

import os

import pytest

from integration_support import ROOT, assert_ok
from test_trust_audit import BACKUP_VARS

BREAK = ("TVS", "ITLRecovery")  # 12.x: the ITL's signer and TVS regenerated, the phones reject the new ITL


def playbooks(lab):
    cluster = lab.lab_json["cluster"]
    backup_vars = dict(BACKUP_VARS, itl_recovery_backup_keep=1)
    return [
        ("trust_report.yml", {}),
        ("compatibility_check.yml", {}),
        ("itl_recovery_backup.yml", backup_vars),
        ("itl_recovery.yml", {"target": cluster, "itl_recovery_restart_tftp": "always",
                              "itl_recovery_ccm_admin_password": "{{ cucm_lab_ccm_admin_password }}"}),
        ("cluster_security_mode.yml", {"target": cluster, "cluster_security_mode_state": "mixed"}),
        ("cluster_security_mode.yml", {"target": cluster, "cluster_security_mode_state": "mixed",
                                       "cluster_security_mode_update_ctl": True}),
        ("cluster_security_mode.yml", {"target": cluster, "cluster_security_mode_state": "non_secure"}),
    ]


def snapshot(lab):
    phones = dict((p["name"], (p["boots"], p["itl_sha1"], p["ctl_sha1"], p["status"]))
                  for p in lab.phones()["phones"])
    sftp = [server["files"] for server in lab.control("GET", "/sftp")["servers"]]
    resets = lab.control("GET", "/api")["stats"]["by_operation"].get("doDeviceReset", 0)
    return {"nodes": lab.state(), "phones": phones, "sftp": sftp, "axl_resets": resets}


@pytest.mark.parametrize("security_mode", ["non-secure", "mixed"])
def test_every_playbook_in_check_mode_resets_no_phone_and_changes_no_file(lab_factory, runner, tmp_path,
                                                                          security_mode):
    lab = lab_factory(nodes=1, release="12.5", phones=12, time_scale=0.02, security_mode=security_mode)
    pub = next(n["hostname"] for n in lab.lab_json["nodes"] if n["publisher"])
    for unit in BREAK:
        lab.control("POST", "/clock/advance", {"seconds": 400})  # past CUCM's regeneration hold
        lab.control("POST", "/actions/regen-cert", {"node": pub, "unit": unit})
    for node in lab.lab_json["nodes"]:
        lab.control("POST", "/actions/restart-service", {"node": node["hostname"], "service": "Cisco Tftp"})
    lab.control("POST", "/phones/reset", {"type": "reset"})
    lab.wait_phones(lambda s: s["booting"] == 0, timeout=120)
    assert lab.phones(summary=True)["summary"]["trust_list_update_failed"] == 12  # the recovery has work to do

    before = snapshot(lab)
    for playbook, extra_vars in playbooks(lab):
        extra_vars = dict(extra_vars, compatibility_check_bundle_dir=str(tmp_path / "bundle"),
                          trust_report_output_path=str(tmp_path / "report.json"))
        proc = runner.playbook(os.path.join(ROOT, "playbooks", playbook), lab.inventory_path,
                               extra_vars=extra_vars, check=True)
        assert_ok(proc)
        assert snapshot(lab) == before, "%s %s changed the lab in check mode" % (playbook, extra_vars)
