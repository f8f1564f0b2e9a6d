"""cucm.trust.recovery_plan against the lab, with phones: the plan's answer is checked against what
the lab's phones (their trust rules, GET /phones) do when the recovery it names is run.

Each lab: one node, 10 phones. The nightly jobs run while healthy (the ITLRecovery backup, the trust
audit), the lab clock moves on a week, the audit runs again; then trust is broken:

* localkey case: the break of test_itl_recovery_phones.BREAKS - the plan says localkey, and the
  itl_recovery runbook with itl_recovery_key_source auto takes that key and brings every phone back;
* remotekey case: ITLRecovery regenerated since the phones' ITL, and CallManager and TVS too (the
  signer localkey uses on 12.0+ and the TVS certificate that could vouch for a new key on any
  release) - the plan says remotekey with the backup made before; localkey is shown to strand the
  phones, and the runbook with key_source auto takes the plan's key and backup and brings them back;
* no-key case: the same break with only a backup of the new key - the plan says none and names
  every phone, and the runbook refuses to act.
"""

import json
import os

import pytest

from integration_support import assert_ok
from test_change_modules import publisher, run
from test_itl_recovery_phones import BREAKS, reset_all, run_runbook
from test_trust_audit import BACKUP, BACKUP_VARS, Audit

RELEASES = ["10.5", "12.5", "14"]
WEEK = 7 * 86400
PHONES = 10


def regenerate(lab, units):
    node = publisher(lab)
    for unit in units:
        lab.control("POST", "/clock/advance", {"seconds": 400})  # past CUCM's 5-minute regeneration hold
        lab.control("POST", "/actions/regen-cert", {"node": node, "unit": unit})
    lab.control("POST", "/actions/restart-service", {"node": node, "service": "Cisco Tftp"})
    reset_all(lab)
    summary = lab.phones(summary=True)["summary"]
    assert summary["trusting"] == 0 and summary["trust_list_update_failed"] == PHONES, summary


def healthy_history(lab_factory, runner, tmp_path, release):
    """A lab whose phones took the ITL a week ago (lab clock), with a backup and two audits."""
    lab = lab_factory(nodes=1, release=release, phones=PHONES, time_scale=0.02)
    assert lab.phones(summary=True)["summary"]["trusting"] == PHONES
    audit = Audit(runner, lab, tmp_path)
    audit.backup()
    _proc, report = audit.run()
    assert report["findings"] == [], report["findings"]
    lab.control("POST", "/clock/advance", {"seconds": WEEK})
    audit.run()
    assert len(audit.entries()) == 2
    return lab, audit


def plan(runner, lab, audit, **params):
    params.setdefault("archive_dir", audit.archive)
    pub = publisher(lab)
    assert_ok(run(runner, lab, "recovery_plan", params, limit=pub))
    result = runner.result(pub)
    assert not result.get("failed"), result
    return result


def phone_itls(lab):
    return sorted(p["itl_sha1"] for p in lab.phones()["phones"])


@pytest.mark.parametrize("release", RELEASES)
def test_localkey_case(lab_factory, runner, tmp_path, release):
    lab, audit = healthy_history(lab_factory, runner, tmp_path, release)
    held = set(phone_itls(lab))
    assert len(held) == 1
    regenerate(lab, BREAKS[release])

    result = plan(runner, lab, audit, backup_report_dir=audit.backups)
    assert result["recommendation"] == "localkey" and result["key_source"] == "local", result["reasons"]
    assert result["backup"] is None
    considered = dict((i["sha1"], i) for i in result["itls_considered"])
    assert held <= set(considered)  # the phones' ITL is one the plan looked at, from the archive
    (sha1,) = held
    assert [e["path"] for e in considered[sha1]["archive_entries"]] == [
        os.path.join(e, "audit.json") for e in audit.entries()]
    assert considered[sha1]["covered"] is True
    assert result["changed"] is False

    # The plan is right: the runbook with key_source auto takes its key and brings every phone back.
    proc, report = run_runbook(runner, lab, itl_recovery_key_source="auto", itl_recovery_plan_archive_dir=audit.archive,
                               itl_recovery_plan_backup_report_dir=audit.backups)
    assert_ok(proc)
    assert lab.phones(summary=True)["summary"]["trusting"] == PHONES
    assert report["key_source"] == "local" and report["plan"]["recommendation"] == "localkey"
    assert report["phones"]["back"] == PHONES


@pytest.mark.parametrize("release", RELEASES)
def test_remotekey_and_no_key_cases(lab_factory, runner, tmp_path, release):
    lab, audit = healthy_history(lab_factory, runner, tmp_path, release)
    (held,) = set(phone_itls(lab))
    regenerate(lab, ("ITLRecovery", "TVS", "CallManager"))

    # Only a backup of the new ITLRecovery key: no key the phones trust is left.
    newer = str(tmp_path / "new-backups")
    os.makedirs(newer)
    assert_ok(runner.playbook(BACKUP, lab.inventory_path, extra_vars=dict(
        BACKUP_VARS, itl_recovery_backup_report_path=os.path.join(newer, "backup.json"))))
    hashes = [{"name": p["name"], "itl_sha1": p["itl_sha1"]} for p in lab.phones()["phones"]]
    result = plan(runner, lab, audit, backup_report_dir=newer, phone_itl_hashes=hashes)
    assert result["recommendation"] == "none" and result["key_source"] is None, result["reasons"]
    assert [i["sha1"] for i in result["stranded_itls"]] == [held]
    assert sorted(result["phones_needing_manual_deletion"]) == sorted(p["name"] for p in lab.phones()["phones"])
    assert any(r.startswith("localkey would strand phones") for r in result["reasons"])
    # The runbook asks the same plan first and refuses to act: nothing is typed on CUCM.
    proc, _report = run_runbook(runner, lab, itl_recovery_key_source="auto", itl_recovery_plan_archive_dir=audit.archive,
                                itl_recovery_plan_backup_report_dir=newer)
    assert proc.returncode != 0 and "no key the phones trust is left" in proc.stdout, proc.stdout[-3000:]
    assert "Nothing was typed on CUCM" in proc.stdout
    history = lab.control("GET", "/stats")["nodes"][publisher(lab)]["history"]
    assert not [c for c in history if c.startswith("utils itl reset")]

    # With the nightly backup made before the regeneration: remotekey with that backup.
    result = plan(runner, lab, audit, backup_report_dir=audit.backups)
    assert result["recommendation"] == "remotekey" and result["key_source"] == "remote", result["reasons"]
    with open(os.path.join(audit.backups, "backup-1.json")) as handle:
        first = next(c for c in json.load(handle)["clusters"])
    assert result["backup"]["path"] == first["path"]
    assert result["backup"]["certificate"]["sha1"] == first["certificate"]["sha1"]
    assert ("GUESSED" in result["remotekey_signer_rule"]) is (release != "10.5")

    # localkey would have stranded them: the reset runs, the phones refuse its ITL.
    pub = publisher(lab)
    assert_ok(run(runner, lab, "itl_reset", limit=pub))
    reset_all(lab)
    summary = lab.phones(summary=True)["summary"]
    assert summary["trusting"] == 0 and summary["trust_list_update_failed"] == PHONES, summary

    # The runbook with key_source auto takes the plan's key and backup, and brings every phone back.
    sftp = lab.lab_json["sftp"][0]
    proc, report = run_runbook(runner, lab, itl_recovery_key_source="auto", itl_recovery_plan_archive_dir=audit.archive,
                               itl_recovery_plan_backup_report_dir=audit.backups, itl_recovery_sftp_host=sftp["host"],
                               itl_recovery_sftp_user=sftp["username"], itl_recovery_sftp_password=sftp["password"])
    assert_ok(proc)
    assert lab.phones(summary=True)["summary"]["trusting"] == PHONES
    assert report["key_source"] == "remote" and report["plan"]["backup"]["path"] == result["backup"]["path"]
    assert sftp["password"] not in proc.stdout


def test_the_window_is_measured_on_the_clusters_clock(lab_factory, runner, tmp_path):
    """Audits a week apart on the lab's clock, seconds apart on the controller's: a 3-day window on the
    cluster's clock leaves the oldest entry out (the one a week before the window's start still counts)."""
    lab, audit = healthy_history(lab_factory, runner, tmp_path, "12.5")
    lab.control("POST", "/clock/advance", {"seconds": WEEK})
    audit.run()
    first, second, third = [os.path.join(e, "audit.json") for e in audit.entries()]

    result = plan(runner, lab, audit, days=3)
    assert [e["path"] for e in result["window"]["archive_entries"]] == [second, third]
    assert [e["path"] for e in result["window"]["left_out"]] == [first]
    assert any(r.startswith("the window is measured on the cluster's clock") for r in result["reasons"])
    lab_now = lab.control("POST", "/clock/advance", {"seconds": 0})["clock"]
    assert result["window"]["end"][:10] == lab_now[:10], (result["window"], lab_now)

    result = plan(runner, lab, audit, days=3, clock="controller")
    assert [e["path"] for e in result["window"]["archive_entries"]] == [first, second, third]
