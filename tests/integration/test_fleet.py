"""The nightly backup over 20 lab clusters (40 nodes) with forks 20: every backup verified."""

import json
import os

from integration_support import PLAYBOOKS, ROOT


def test_twenty_clusters_in_one_job(lab_factory, runner):
    lab = lab_factory(clusters=20, nodes=2, release="12.5", key_size=1024, time_scale=0.05)
    report = str(runner.out / "fleet.json")
    proc = runner.playbook(os.path.join(ROOT, "playbooks", "itl_recovery_backup.yml"), lab.inventory_path,
                           extra_vars={"itl_recovery_backup_report_path": report},
                           vars_files=[os.path.join(PLAYBOOKS, "..", "vars", "backup_role_vars.yml")], forks=20)
    assert proc.returncode == 0, proc.stdout[-4000:]
    with open(report) as handle:
        result = json.load(handle)
    assert len(result["clusters"]) == 20
    assert result["failed_clusters"] == []
    assert all(c["verified"] and c["certificate"]["common_name"].startswith("ITLRECOVERY_") for c in result["clusters"])
