"""playbooks/trust_report.yml against labs whose trust state was broken on purpose."""

import json
import os

from integration_support import ROOT, assert_ok

PLAYBOOK = os.path.join(ROOT, "playbooks", "trust_report.yml")


def run_report(runner, lab, **extra):
    path = str(runner.out / "report.json")
    proc = runner.playbook(PLAYBOOK, lab.inventory_path, extra_vars=dict({"trust_report_output_path": path}, **extra))
    with open(path) as handle:
        return proc, json.load(handle)


def codes(report):
    return sorted((f["node"] or "cluster", f["code"]) for f in report["findings"])


def test_healthy_lab_has_no_findings(lab_factory, runner):
    lab = lab_factory(nodes=3, release="12.5")
    proc, report = run_report(runner, lab)
    assert_ok(proc)
    assert report["finding_count"] == 0, report["text"]
    cluster = report["clusters"][0]
    assert cluster["name"] == "lab125"
    assert cluster["publisher"] == "lab125-pub"
    assert cluster["security_mode"] == "non_secure"
    assert [row["host"] for row in cluster["nodes"]] == ["lab125-pub", "lab125-sub1", "lab125-sub2"]
    assert "findings: none" in proc.stdout


def test_report_sends_each_command_once_per_node(lab_factory, runner):
    # Release and membership are read once per session and reused; one task reads each node.
    lab = lab_factory(nodes=3, release="12.5")
    lab.control("POST", "/actions/reset-stats", {})
    proc, report = run_report(runner, lab)
    assert_ok(proc)
    assert report["finding_count"] == 0, report["text"]
    for host, node in lab.control("GET", "/stats")["nodes"].items():
        history = node["history"]
        assert "show itl" in history and "show ctl" in history and "show network cluster" in history, (host, history)
        repeated = sorted(set(line for line in history if history.count(line) > 1))
        assert repeated == [], (host, history)
        assert node["logins"] == 1, (host, node)


def test_every_kind_of_broken_trust_is_found(lab_factory, runner):
    lab = lab_factory(nodes=3, release="12.5")
    # New ITLRecovery key on the publisher, picked up by its Tftp only: the TFTP nodes now
    # carry different ITLRECOVERY entries.
    lab.control("POST", "/actions/regen-cert", {"node": "lab125-pub", "unit": "ITLRecovery"})
    lab.control("POST", "/actions/restart-service", {"node": "lab125-pub", "service": "Cisco Tftp"})
    # A damaged ITL on one subscriber, a CTL left over from an earlier mixed mode on another.
    lab.control("POST", "/faults", {"node": "lab125-sub1", "fault": "corrupt_itl"})
    lab.control("POST", "/actions/stale-ctl", {"node": "lab125-sub2"})

    proc, report = run_report(runner, lab)
    assert_ok(proc)
    found = codes(report)
    assert ("cluster", "itlrecovery_mismatch") in found
    assert ("lab125-sub1", "itl_not_verified") in found
    assert ("lab125-sub2", "ctl_stale") in found
    assert report["finding_count"] == 3, report["text"]
    assert "itlrecovery_mismatch" in proc.stdout

    # The same run with fail-on-findings fails the play after printing the report.
    proc = runner.playbook(PLAYBOOK, lab.inventory_path, extra_vars={"trust_report_fail_on_findings": True})
    assert proc.returncode != 0
    assert "3 trust finding(s)" in proc.stdout


def test_unexpected_signer_and_mixed_mode_mismatch(lab_factory, runner):
    lab = lab_factory(nodes=2, release="10.5", security_mode="mixed")
    # The subscriber's ITL signed by ITLRecovery, as right after an ITL reset on 10.x.
    lab.control("POST", "/actions/regenerate-itl", {"node": "lab105-sub1", "signer_unit": "ITLRecovery"})
    # One node gets a newer CTL: regenerate the publisher's CallManager certificate and
    # rebuild only the publisher's CTL.
    lab.control("POST", "/actions/regen-cert", {"node": "lab105-pub", "unit": "CallManager"})
    lab.control("POST", "/actions/stale-ctl", {"node": "lab105-pub"})
    proc, report = run_report(runner, lab)
    assert_ok(proc)
    found = codes(report)
    assert ("lab105-sub1", "itl_signer_unexpected") in found, report["text"]
    assert ("cluster", "ctl_mismatch") in found, report["text"]


def test_unreachable_node_is_reported_and_the_others_still_are(lab_factory, runner):
    lab = lab_factory(nodes=2, release="14")
    lab.control("POST", "/faults", {"node": "lab14-sub1", "fault": "drop_mid_command", "command": "^show itl$",
                                    "count": None, "params": {"after_lines": 3}})
    proc, report = run_report(runner, lab)
    assert_ok(proc)
    cluster = report["clusters"][0]
    rows = {row["host"]: row for row in cluster["nodes"]}
    assert "error" in rows["lab14-sub1"] and "show itl" in rows["lab14-sub1"]["error"]
    assert rows["lab14-pub"]["itl_verified"] is True
    assert ("lab14-sub1", "node_unreadable") in codes(report)
