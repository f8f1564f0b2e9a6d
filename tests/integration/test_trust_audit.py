"""The nightly trust audit (playbooks/trust_audit.yml) against the lab: a healthy cluster with a
verified backup has no findings; each finding is then produced by a lab fault - the lab's own
actions on its certificates, files, clock and HTTP copies - never by editing what the audit reads.
The archive keeps dated entries with the binaries phones were served, and retention never
removes the newest.
"""

import glob
import json
import os

import pytest
import yaml

from integration_support import ROOT, assert_ok
from test_change_modules import publisher

PLAYBOOK = os.path.join(ROOT, "playbooks", "trust_audit.yml")
BACKUP = os.path.join(ROOT, "playbooks", "itl_recovery_backup.yml")
# The backup role wired to the lab's SFTP server and passwords (the file test_fleet.py uses too).
with open(os.path.join(ROOT, "tests", "integration", "vars", "backup_role_vars.yml")) as _handle:
    BACKUP_VARS = yaml.safe_load(_handle)


class Audit(object):
    """Runs the audit and the backup against one lab, with their directories under tmp_path."""

    def __init__(self, runner, lab, tmp_path):
        self.runner, self.lab = runner, lab
        self.archive = str(tmp_path / "archive")
        self.backups = str(tmp_path / "backups")
        self.report_path = str(tmp_path / "audit.json")
        self.markdown_path = str(tmp_path / "audit.md")
        os.makedirs(self.backups)
        self.backup_runs = 0

    def backup(self, **extra):
        self.backup_runs += 1
        variables = dict(BACKUP_VARS, itl_recovery_backup_report_path=os.path.join(
            self.backups, "backup-%d.json" % self.backup_runs), **extra)
        assert_ok(self.runner.playbook(BACKUP, self.lab.inventory_path, extra_vars=variables))

    def run(self, expect_ok=True, **extra):
        variables = {"trust_audit_archive_dir": self.archive, "trust_audit_backup_report_dir": self.backups,
                     "trust_audit_report_path": self.report_path, "trust_audit_markdown_path": self.markdown_path}
        variables.update(extra)
        if os.path.exists(self.report_path):
            os.remove(self.report_path)
        proc = self.runner.playbook(PLAYBOOK, self.lab.inventory_path, extra_vars=variables)
        if expect_ok:
            assert_ok(proc)
        else:
            assert proc.returncode != 0 and "Critical trust finding(s)" in proc.stdout, proc.stdout[-4000:]
        with open(self.report_path) as handle:
            return proc, json.load(handle)

    def entries(self):
        return sorted(glob.glob(os.path.join(self.archive, self.lab.lab_json["cluster"], "*")))


def ids(report, severity=None):
    return sorted(set(f["id"] for f in report["findings"] if severity is None or f["severity"] == severity))


def finding(report, check):
    found = [f for f in report["findings"] if f["id"] == check]
    assert found, report["findings"]
    return found


@pytest.mark.parametrize("release", ["10.5", "12.5", "14"])
def test_healthy_then_each_fault_is_found(lab_factory, runner, tmp_path, release):
    # Full TVS certificates in the ITL, so their dates can be read (the lab's other form has hashes).
    lab = lab_factory(nodes=2, release=release, time_scale=0.02, security_mode="mixed", itl_record_form="full")
    pub = publisher(lab)
    sub = next(n["hostname"] for n in lab.lab_json["nodes"] if not n["publisher"])
    audit = Audit(runner, lab, tmp_path)
    audit.backup()

    # Healthy: no findings, an archive entry with what every TFTP node served, byte for byte.
    _proc, report = audit.run()
    assert report["findings"] == [] and report["failed_clusters"] == [], report["findings"]
    entry = audit.entries()[-1]
    for host in (pub, sub):
        with open(os.path.join(entry, host, "ITLFile.tlv"), "rb") as handle:
            assert handle.read() == lab.stored_file(host, "ITLFile.tlv").data
    with open(os.path.join(entry, "audit.json")) as handle:
        archived = json.load(handle)
    assert archived["findings"] == [] and sorted(n["host"] for n in archived["nodes"]) == sorted([pub, sub])
    with open(audit.markdown_path) as handle:
        assert "No findings." in handle.read()

    # The binary phones get differs from what the CLI shows: named with the byte offset.
    lab.control("POST", "/faults", {"fault": "tftp_http_tamper", "node": sub,
                                    "params": {"file": "ITLFile.tlv"}})
    _proc, report = audit.run(expect_ok=False)
    assert ids(report, "critical") == ["binary_cli_disagree"]
    found = finding(report, "binary_cli_disagree")
    assert len(found) == 1 and found[0]["node"] == sub
    assert "does not verify" in found[0]["message"] and "certificate at byte offset" in found[0]["message"]
    lab.control("DELETE", "/faults?fault=tftp_http_tamper")

    # A CTL that differs between nodes (written again on one node only).
    lab.control("POST", "/actions/stale-ctl", {"node": sub})
    _proc, report = audit.run(expect_ok=False)
    assert ids(report, "critical") == ["ctl_differs"]

    # CallManager and TVS of the publisher regenerated together (5 minutes apart, CUCM's hold),
    # Cisco Tftp restarted on the publisher only: its ITL now differs from the subscriber's, and
    # the CTL no longer matches the publisher's CallManager certificate.
    for unit in ("CallManager", "TVS"):
        lab.control("POST", "/clock/advance", {"seconds": 400})
        lab.control("POST", "/actions/regen-cert", {"node": pub, "unit": unit})
    lab.control("POST", "/actions/restart-service", {"node": pub, "service": "Cisco Tftp"})
    _proc, report = audit.run(expect_ok=False)
    critical = ids(report, "critical")
    for check in ("callmanager_tvs_regenerated_together", "itl_records_disagree", "ctl_stale"):
        assert check in critical, report["findings"]
    assert finding(report, "callmanager_tvs_regenerated_together")[0]["node"] == pub
    assert finding(report, "itl_records_disagree")[0]["node"] == sub


@pytest.mark.parametrize("release", ["10.5", "14"])
def test_backup_and_expiry_findings(lab_factory, runner, tmp_path, release):
    lab = lab_factory(nodes=1, release=release, time_scale=0.02)
    pub = publisher(lab)
    audit = Audit(runner, lab, tmp_path)

    # No backup at all, then a verified one: the finding goes away.
    _proc, report = audit.run(expect_ok=False)
    assert ids(report) == ["no_verified_backup"]
    audit.backup()
    _proc, report = audit.run()
    assert report["findings"] == []

    # ITLRecovery regenerated: the backup no longer holds the key the ITL carries.
    lab.control("POST", "/actions/regen-cert", {"node": pub, "unit": "ITLRecovery"})
    lab.control("POST", "/actions/restart-service", {"node": pub, "service": "Cisco Tftp"})
    _proc, report = audit.run(expect_ok=False)
    assert ids(report) == ["no_verified_backup"]
    audit.backup()

    # Time passes on the cluster: the certificates near their end (5 years), by the cluster's clock.
    itl = json.load(open(audit.report_path))["clusters"][0]
    lab.control("POST", "/clock/advance", {"seconds": (5 * 365 - 30) * 86400})
    _proc, report = audit.run()
    assert ids(report, "warning") == ["certificate_expiring"] and ids(report, "critical") == []
    assert itl["cluster_time"] < report["clusters"][0]["cluster_time"]
    lab.control("POST", "/clock/advance", {"seconds": 25 * 86400})
    _proc, report = audit.run(expect_ok=False)
    assert "certificate_expiring" in ids(report, "critical")


def test_an_itl_above_what_phones_accept(lab_factory, runner, tmp_path):
    # 36 nodes, each with a TVS certificate in every ITL: 40 certificates, over the 39 phones take.
    # More nodes than CUCM supports in one cluster (21 servers); how real clusters reach the limit
    # is not in our sources, so the lab gets there by node count.
    # 36 nodes: the ITL of a TFTP node holds a TVS certificate for each, more than 39 in all.
    lab = lab_factory(nodes=36, release="12.5", time_scale=0.02, tftp_nodes="2", itl_record_form="full")
    audit = Audit(runner, lab, tmp_path)
    pub = publisher(lab)
    tftp = [n["hostname"] for n in lab.lab_json["nodes"] if n["tftp"]]
    assert len(tftp) == 1 and tftp != [pub]
    # The audit reads the TFTP node and the publisher (backup check); the others serve nothing to phones.
    audit.backup(itl_recovery_backup_hosts=pub)
    _proc, report = audit.run(expect_ok=False, trust_audit_hosts=",".join([pub] + tftp))
    assert ids(report) == ["itl_too_large"]
    assert all("certificates" in f["message"] for f in finding(report, "itl_too_large"))


def test_retention_keeps_the_newest_and_check_mode_writes_nothing(lab_factory, runner, tmp_path):
    lab = lab_factory(nodes=1, release="14", time_scale=0.02)
    audit = Audit(runner, lab, tmp_path)
    audit.backup()
    for _run in range(3):
        audit.run(trust_audit_keep=2)
    entries = audit.entries()
    assert len(entries) == 2
    newest = entries[-1]
    proc = runner.playbook(PLAYBOOK, lab.inventory_path, check=True,
                           extra_vars={"trust_audit_archive_dir": audit.archive, "trust_audit_keep": 1,
                                       "trust_audit_backup_report_dir": audit.backups})
    assert_ok(proc)
    assert audit.entries() == entries  # check mode: nothing written, nothing removed
    audit.run(trust_audit_keep=1)
    assert len(audit.entries()) == 1 and audit.entries()[0] > newest
