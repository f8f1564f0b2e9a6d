"""The itl_recovery runbook with phones: after a trust break the seeds describe, every online phone
trusts the cluster again (the lab's ground truth), the runbook's report agrees phone by phone,
offline phones are at risk, the 12.x wrong order strands phones, and check mode touches nothing."""

import json
import os

import pytest

from integration_support import ROOT, assert_ok
from test_change_modules import run

PLAYBOOK = os.path.join(ROOT, "playbooks", "itl_recovery.yml")
# The break per release: a single-node cluster. 10.x: CallManager and TVS regenerated together
# (the ITL is signed by CallManager: the phones know neither the new signer nor the new TVS).
# 12.x+: TVS and ITLRecovery regenerated (the ITL is signed by ITLRecovery; TVS cannot vouch).
BREAKS = {"10.5": ("CallManager", "TVS"), "12.5": ("TVS", "ITLRecovery"), "14": ("TVS", "ITLRecovery")}


def phones(lab):
    return dict((p["name"], p) for p in lab.phones()["phones"])


def settle(lab):
    lab.wait_phones(lambda s: s["booting"] == 0, timeout=120)


def reset_all(lab):
    lab.control("POST", "/phones/reset", {"type": "reset"})
    settle(lab)


def break_trust(lab, release):
    node = lab.lab_json["nodes"][0]["hostname"]
    for unit in BREAKS[release]:
        lab.control("POST", "/clock/advance", {"seconds": 400})  # past CUCM's 5-minute regeneration hold
        lab.control("POST", "/actions/regen-cert", {"node": node, "unit": unit})
    lab.control("POST", "/actions/restart-service", {"node": node, "service": "Cisco Tftp"})
    reset_all(lab)


def run_runbook(runner, lab, check=False, verbosity=0, **extra):
    report = str(runner.out / "itl_recovery.json")
    variables = {"target": lab.lab_json["cluster"], "itl_recovery_report_path": report,
                 "itl_recovery_ccm_admin_password": "{{ cucm_lab_ccm_admin_password }}",
                 "itl_recovery_phone_batch_interval": 0, "itl_recovery_phone_wait_timeout": 120,
                 "itl_recovery_phone_wait_share": 0.85}
    variables.update(extra)
    proc = runner.playbook(PLAYBOOK, lab.inventory_path, extra_vars=variables, check=check, verbosity=verbosity)
    result = None
    if os.path.exists(report):
        with open(report) as handle:
            result = json.load(handle)
    return proc, result


@pytest.mark.parametrize("release", sorted(BREAKS))
def test_the_runbook_brings_every_online_phone_back(lab_factory, runner, release):
    lab = lab_factory(nodes=1, release=release, phones=20, time_scale=0.02)
    assert lab.phones(summary=True)["summary"]["trusting"] == 20
    break_trust(lab, release)
    broken = lab.phones(summary=True)["summary"]
    assert broken["trusting"] == 0 and broken["trust_list_update_failed"] == 20, broken
    offline = sorted(phones(lab))[:2]
    lab.control("POST", "/phones/faults", {"fault": "offline", "phones": offline})

    proc, report = run_runbook(runner, lab, verbosity=4)
    assert_ok(proc)
    truth = phones(lab)
    trusting = sorted(n for n, p in truth.items() if p["trusting"])
    assert trusting == sorted(set(truth) - set(offline)), lab.phones(summary=True)["summary"]
    # The runbook's report agrees with the lab, phone by phone.
    assert sorted(report["phones"]["back_names"]) == trusting
    assert sorted(p["name"] for p in report["phones"]["at_risk_phones"]) == offline
    assert (report["phones"]["back"], report["phones"]["at_risk"]) == (18, 2)
    assert report["tftp_restarted"] is (release != "10.5")
    assert lab.lab_json["clusters"][0]["axl_password"] not in proc.stdout  # not at -vvvv either


def test_the_12x_wrong_order_by_hand_strands_the_phones(lab_factory, runner):
    # The reset, then at once a Cisco Tftp restart, then the phone reset: the nodes are back on the
    # new ITLRecovery key before the phones loaded the reset ITL that vouches for it.
    lab = lab_factory(nodes=1, release="12.5", phones=10, time_scale=0.02)
    break_trust(lab, "12.5")
    pub = lab.lab_json["nodes"][0]["hostname"]
    assert_ok(run(runner, lab, "itl_reset", limit=pub))
    assert_ok(run(runner, lab, "service", {"name": "Cisco Tftp", "state": "restarted"}, limit=pub))
    assert_ok(run(runner, lab, "phone_reset", {"scope": "all", "wait_for_registered": 1.0, "wait_timeout": 120,
                                               "wait_interval": 2}, limit=pub))
    summary = lab.phones(summary=True)["summary"]
    assert summary["trusting"] == 0 and summary["trust_list_update_failed"] == 10, summary
    # Registered again all the same: RisPort alone cannot tell a stranded phone from a recovered one.
    assert runner.result(pub)["wait"]["registered"] == 10


def test_check_mode_resets_no_phone_and_changes_no_file(lab_factory, runner):
    lab = lab_factory(nodes=2, release="12.5", phones=10, time_scale=0.02)
    before, boots = lab.state(), dict((n, p["boots"]) for n, p in phones(lab).items())
    proc, _report = run_runbook(runner, lab, check=True)
    assert_ok(proc)
    assert lab.state() == before
    assert dict((n, p["boots"]) for n, p in phones(lab).items()) == boots


def test_without_api_access_it_stops_at_each_phone_step_and_resumes(lab_factory, runner):
    lab = lab_factory(nodes=1, release="12.5", phones=10, time_scale=0.02)
    break_trust(lab, "12.5")
    proc, report = run_runbook(runner, lab, itl_recovery_reset_phones=False)
    assert_ok(proc)
    assert "ACTION REQUIRED (after the ITL reset)" in proc.stdout and "itl_recovery_phase=tftp_restart" in proc.stdout
    assert report is None  # stopped before the verification
    reset_all(lab)  # what the operator does in CUCM Administration
    proc, report = run_runbook(runner, lab, itl_recovery_reset_phones=False, itl_recovery_phase="tftp_restart")
    assert_ok(proc)
    assert "ACTION REQUIRED (after the Cisco Tftp restarts)" in proc.stdout and "itl_recovery_phase=verify" in proc.stdout
    reset_all(lab)
    proc, report = run_runbook(runner, lab, itl_recovery_phase="verify")
    assert_ok(proc)
    assert lab.phones(summary=True)["summary"]["trusting"] == 10
    assert report["phones"]["back"] == 10
