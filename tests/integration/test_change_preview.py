"""The change preview (cucm.trust.recovery_plan with `change`) against the lab's phones, and the
cluster_security_mode role that asks it before typing anything.

Each lab: one node, 10 phones, a backup and two nightly audits a week apart (test_recovery_plan's
healthy_history). Then, on 10.5, 12.5 and 14:

1. a TVS regeneration is previewed: safe (the ITL signer is a SAST record of every ITL phones hold),
   and the role's check mode shows that a mixed-mode CTL would be taken;
2. the key that signs the ITL on the release is regenerated (CallManager before 12.0, ITLRecovery
   from 12.0) and only 6 of the phones are reset: they take the new ITL through TVS, the 4 others
   keep the old one. After the next audit the preview of a TVS regeneration names exactly those 4
   phones - with TVS's certificate changed, nothing vouches for the new signer any more;
3. the TVS regeneration is made and every phone reset: the lab's phones (real signatures, the
   phone's rules in tests/lab/cucm_lab/phonetrust.py) refuse exactly as the preview said;
4. mixed mode is now refused by the role (check mode and real run), and nothing is typed on CUCM.

The CTL update (10.5 and 14, mixed mode): the same split of the phones after the CTL signer is
regenerated, then TVS; the preview judges the CTL phones hold with their ITL, the role refuses the
update, and the update made anyway is refused by exactly the phones the preview named.
"""

import os

import pytest

from integration_support import ROOT, assert_ok
from test_change_modules import publisher, run
from test_recovery_plan import healthy_history
from test_security_mode_phones import run_role
from test_trust_audit import Audit

RELEASES = ["10.5", "12.5", "14"]
ITL_SIGNER = {"10.5": "CallManager", "12.5": "ITLRecovery", "14": "ITLRecovery"}
RESET_FIRST = 6
PLAN = os.path.join(ROOT, "playbooks", "recovery_plan.yml")


def preview(runner, lab, audit, action, unit=None):
    change = {"action": action}
    if unit:
        change["unit"] = unit
    hashes = [{"name": p["name"], "itl_sha1": p["itl_sha1"]} for p in lab.phones()["phones"]]
    pub = publisher(lab)
    assert_ok(run(runner, lab, "recovery_plan", {"archive_dir": audit.archive, "change": change,
                                                 "phone_itl_hashes": hashes}, limit=pub))
    result = runner.result(pub)
    assert not result.get("failed"), result
    assert "change_preview" in result, sorted(result)
    return result["change_preview"]


def regenerate(lab, unit):
    lab.control("POST", "/clock/advance", {"seconds": 400})  # past CUCM's 5-minute regeneration hold
    lab.control("POST", "/actions/regen-cert", {"node": publisher(lab), "unit": unit})
    lab.control("POST", "/actions/restart-service", {"node": publisher(lab), "service": "Cisco Tftp"})


def reset(lab, names=None):
    body = {"type": "reset"} if names is None else {"type": "reset", "phones": names}
    lab.control("POST", "/phones/reset", body)
    lab.wait_phones(lambda s: s["booting"] == 0, timeout=120)


def utils_ctl_typed(lab):
    history = lab.control("GET", "/stats")["nodes"][publisher(lab)]["history"]
    return [c for c in history if c.startswith("utils ctl")]


@pytest.mark.parametrize("release", RELEASES)
def test_preview_names_the_phones_a_tvs_regeneration_strands(lab_factory, runner, tmp_path, release):
    lab, audit = healthy_history(lab_factory, runner, tmp_path, release)
    names = sorted(p["name"] for p in lab.phones()["phones"])

    # 1. Healthy: a TVS regeneration and mixed mode are safe.
    result = preview(runner, lab, audit, "certificate_regeneration", "TVS")
    assert result["safe"] is True and result["phones_stop_trusting"] == [], result["reasons"]
    assert {f["file"] for f in result["serves_next"]} == {"ITLFile.tlv", "SEP<MAC>.cnf.xml.sgn"}
    assert result["tvs_presented_after"] == []  # one node: its TVS certificate is the one regenerated
    proc = run_role(runner, lab, "mixed", check=True, extra_vars={"cluster_security_mode_plan_archive_dir": audit.archive})
    assert_ok(proc)
    assert "check mode: preview of mixed_mode: every ITL phones may hold takes what the cluster serves next" in \
        proc.stdout, proc.stdout[-3000:]
    assert "CTLFile.tlv from %s, signed by %s certificate" % (publisher(lab), ITL_SIGNER[release]) in proc.stdout

    # 2. The ITL signer is regenerated; 6 phones take the new ITL (through TVS), 4 keep the old one.
    (old,) = {p["itl_sha1"] for p in lab.phones()["phones"]}
    regenerate(lab, ITL_SIGNER[release])
    reset(lab, names[:RESET_FIRST])
    held = dict((p["name"], p["itl_sha1"]) for p in lab.phones()["phones"])
    assert {held[n] for n in names[RESET_FIRST:]} == {old} and old not in {held[n] for n in names[:RESET_FIRST]}
    assert lab.phones(summary=True)["summary"]["trusting"] == len(names)
    # The audit flags it: on 12.0+ no verified backup holds the new ITLRecovery key (critical).
    _proc, report = audit.run(expect_ok=release == "10.5")

    result = preview(runner, lab, audit, "certificate_regeneration", "TVS")
    assert result["safe"] is False and result["stops_trusting_itls"] == [old], result["reasons"]
    assert sorted(result["phones_stop_trusting"]) == names[RESET_FIRST:]
    assert result["phones_unknown_itl"] == []
    refused = next(i for i in result["itls"] if i["sha1"] == old)["files"]
    assert any(v["file"] == "ITLFile.tlv" and v["accepted"] is False for v in refused)
    # The plan playbook shows the same (the way to preview a regeneration: no role regenerates certificates).
    proc = runner.playbook(PLAN, lab.inventory_path, extra_vars=dict(
        target=lab.lab_json["cluster"], recovery_plan_archive_dir=audit.archive,
        recovery_plan_change="certificate_regeneration", recovery_plan_change_unit="TVS"))
    assert_ok(proc)
    assert "preview of certificate_regeneration of TVS: NOT SAFE - phones holding %s would stop trusting the " \
        "cluster" % old[:12] in proc.stdout, proc.stdout[-3000:]

    # 3. Made anyway, the phones decide as the preview said.
    lab.control("POST", "/clock/advance", {"seconds": 400})
    lab.control("POST", "/actions/regen-cert", {"node": publisher(lab), "unit": "TVS"})
    lab.control("POST", "/actions/restart-service", {"node": publisher(lab), "service": "Cisco Tftp"})
    reset(lab)
    states = dict((p["name"], p) for p in lab.phones()["phones"])
    stranded = sorted(n for n, p in states.items() if p["itl_sha1"] == old)
    assert stranded == names[RESET_FIRST:], states
    summary = lab.phones(summary=True)["summary"]
    assert summary["trusting"] == RESET_FIRST and summary["trust_list_update_failed"] == len(names) - RESET_FIRST

    # 4. Mixed mode would hand those phones a CTL they refuse: the role shows it and refuses, typing nothing.
    for check in (True, False):
        proc = run_role(runner, lab, "mixed", check=check,
                        extra_vars={"cluster_security_mode_plan_archive_dir": audit.archive})
        assert proc.returncode != 0, proc.stdout[-3000:]
        assert "mixed_mode would make the cluster serve files that phones holding %s" % old[:12] in proc.stdout
        assert "Nothing was typed on CUCM" in proc.stdout
    assert utils_ctl_typed(lab) == []


@pytest.mark.parametrize("release", ["10.5", "14"])
def test_ctl_update_preview_judges_the_ctl_phones_hold(lab_factory, runner, tmp_path, release):
    """Mixed mode; the CTL signer (CallManager on 10.5, ITLRecovery on 14) is regenerated, 6 phones take
    the new ITL, then TVS is regenerated: the preview of the CTL update names the 4 phones whose ITL and CTL
    hold only the old signer, the role refuses the update, and made anyway those 4 phones refuse the CTL."""
    lab = lab_factory(nodes=1, release=release, phones=10, time_scale=0.02, security_mode="mixed")
    names = sorted(p["name"] for p in lab.phones()["phones"])
    (old_ctl,) = {p["ctl_sha1"] for p in lab.phones()["phones"]}
    audit = Audit(runner, lab, tmp_path)
    audit.backup()
    audit.run(trust_audit_fail_on_critical=False)

    regenerate(lab, ITL_SIGNER[release])
    reset(lab, names[:RESET_FIRST])
    (old_itl,) = {p["itl_sha1"] for p in lab.phones()["phones"] if p["name"] in names[RESET_FIRST:]}
    audit.run(trust_audit_fail_on_critical=False)
    result = preview(runner, lab, audit, "ctl_update")
    assert result["safe"] is True, result["reasons"]  # TVS still vouches for the new signer
    assert old_ctl in [c["sha1"] for c in result["ctls_considered"]]

    regenerate(lab, "TVS")
    result = preview(runner, lab, audit, "ctl_update")
    assert result["safe"] is False and result["stops_trusting_itls"] == [old_itl], result["reasons"]
    assert sorted(result["phones_stop_trusting"]) == names[RESET_FIRST:]
    (served,) = result["serves_next"]
    assert served["file"] == "CTLFile.tlv" and served["signer"]["unit"] == ITL_SIGNER[release]

    proc = run_role(runner, lab, "mixed", extra_vars={"cluster_security_mode_plan_archive_dir": audit.archive,
                                                      "cluster_security_mode_update_ctl": True})
    assert proc.returncode != 0 and "ctl_update would make the cluster serve files that phones holding %s" \
        % old_itl[:12] in proc.stdout, proc.stdout[-3000:]
    assert utils_ctl_typed(lab) == []

    # Made anyway (the module, then every phone reset): the phones decide as the preview said.
    assert_ok(run(runner, lab, "ctl_update", {"when": "always"}, limit=publisher(lab)))
    assert utils_ctl_typed(lab) == ["utils ctl update CTLFile"]
    lab.control("POST", "/actions/restart-service", {"node": publisher(lab), "service": "Cisco Tftp"})
    reset(lab)
    kept_old = sorted(p["name"] for p in lab.phones()["phones"] if p["ctl_sha1"] == old_ctl)
    assert kept_old == names[RESET_FIRST:], lab.phones()["phones"]
