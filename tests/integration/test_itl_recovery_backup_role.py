"""The backup role over several lab clusters: every cluster is tried, the job fails if any is not
verified, and the report says which."""

import json
import os

from integration_support import PLAYBOOKS, ROOT

PLAYBOOK = os.path.join(ROOT, "playbooks", "itl_recovery_backup.yml")


def run_role(runner, lab, **extra):
    report = str(runner.out / "backup-report.json")
    extra_vars = dict({"itl_recovery_backup_report_path": report}, **extra)
    proc = runner.playbook(PLAYBOOK, lab.inventory_path, extra_vars=extra_vars,
                           vars_files=[os.path.join(PLAYBOOKS, "..", "vars", "backup_role_vars.yml")])
    with open(report) as handle:
        return proc, json.load(handle)


def test_every_cluster_backed_up_and_reported(lab_factory, runner):
    lab = lab_factory(clusters=3, nodes=2, release="12.5", time_scale=0.02)
    proc, report = run_role(runner, lab, itl_recovery_backup_keep=2)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert report["failed_clusters"] == []
    assert [c["cluster"] for c in report["clusters"]] == ["lab1251", "lab1252", "lab1253"]
    assert all(c["verified"] and c["publisher"].endswith("-pub") for c in report["clusters"])
    assert "lab1252          yes" in proc.stdout


def test_one_failed_cluster_fails_the_job_after_all_were_tried(lab_factory, runner):
    lab = lab_factory(clusters=3, nodes=2, release="12.5", time_scale=0.02)
    lab.control("POST", "/faults", {"node": "lab1252-pub", "fault": "drop_mid_command",
                                    "command": "^file get", "params": {"after_lines": 2}})
    proc, report = run_role(runner, lab)
    assert proc.returncode != 0
    assert report["failed_clusters"] == ["lab1252"]
    by_name = {c["cluster"]: c for c in report["clusters"]}
    assert by_name["lab1251"]["verified"] and by_name["lab1253"]["verified"]
    assert "lab1252-pub" in by_name["lab1252"]["problem"]
    assert "ITLRecovery backup not verified for: lab1252" in proc.stdout
