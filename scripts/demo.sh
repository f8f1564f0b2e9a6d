#!/usr/bin/env bash
# `make demo`: a 3-node CUCM lab with 40 phones on 127.0.0.1; the trust report, mixed mode on and off, the ITL
# recovery runbook, the nightly backup and the nightly trust audit run against it over network_cli.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
STATE="$ROOT/.tmp/demo-lab"
export ANSIBLE_COLLECTIONS_PATH="$ROOT/.collections"
export ANSIBLE_NOCOLOR=1
export PATH="$ROOT/.venv/bin:$PATH"

rm -rf "$STATE"
trap '"$ROOT/scripts/lab.sh" stop "$STATE"' EXIT
echo "==> starting a 3-node CUCM 12.5 lab"
# --time-scale: the lab's service restarts take 1/10 of their (lab) time, to keep the demo short.
"$ROOT/scripts/lab.sh" start "$STATE" --nodes 3 --release 12.5 --base-port 0 --cluster demo125 --time-scale 0.1 \
    --phones 40

# The lab's ground truth about the phones (GET /phones): what they hold and whether they trust it.
phones() {
    "$ROOT/.venv/bin/python" - "$STATE" "$1" <<'PY'
import json, os, sys, urllib.request
state, moment = sys.argv[1], sys.argv[2]
url = json.load(open(os.path.join(state, "lab.json")))["control_url"] + "/phones?summary=1"
s = json.load(urllib.request.urlopen(url, timeout=10))["summary"]
print("==> phones %s (lab ground truth): %d registered of %d, %d trusting the cluster, %d refused a trust list"
      % (moment, s["by_status"].get("Registered", 0), s["total"], s["trusting"], s["trust_list_update_failed"]))
PY
}

echo "==> trust report (playbooks/trust_report.yml) against the lab"
ansible-playbook -i "$STATE/inventory.yml" playbooks/trust_report.yml \
    -e trust_report_output_path="$STATE/trust_report.json"
echo "==> JSON report written to $STATE/trust_report.json"

echo "==> mixed mode on: set on the publisher, restarts node by node, CTL verified on every node, phones reset and watched"
ansible-playbook -i "$STATE/inventory.yml" playbooks/cluster_security_mode.yml \
    -e target=demo125 -e cluster_security_mode_state=mixed

echo "==> mixed mode off: back to non-secure, phones reset, then the CTL left on every node deleted"
ansible-playbook -i "$STATE/inventory.yml" playbooks/cluster_security_mode.yml \
    -e target=demo125 -e cluster_security_mode_state=non_secure

echo "==> ITL recovery runbook: signers per node, the ITL reset, phones reset and waited for, Tftp restarts, phones again"
phones "before the ITL recovery"
# The CCM Administrator password comes from a vars file (here: the lab's inventory variable), never
# from the command line, which ansible-playbook shows at -vvvv.
cat >"$STATE/itl-recovery-vars.yml" <<VARS
itl_recovery_ccm_admin_password: "{{ cucm_lab_ccm_admin_password }}"
itl_recovery_phone_batch_interval: 0
itl_recovery_report_path: "$STATE/itl_recovery.json"
VARS
ansible-playbook -i "$STATE/inventory.yml" playbooks/itl_recovery.yml -e target=demo125 \
    -e @"$STATE/itl-recovery-vars.yml"
phones "after the ITL recovery"

echo "==> nightly ITLRecovery backup to the lab's SFTP server, verified from the controller"
cat >"$STATE/backup-vars.yml" <<'VARS'
itl_recovery_backup_sftp_host: "{{ cucm_lab_sftp_host }}"
itl_recovery_backup_sftp_port: "{{ cucm_lab_sftp_port }}"
itl_recovery_backup_sftp_user: "{{ cucm_lab_sftp_user }}"
itl_recovery_backup_sftp_password: "{{ cucm_lab_sftp_password }}"
itl_recovery_backup_sftp_directory: "{{ cucm_lab_sftp_directory }}"
itl_recovery_backup_sftp_host_key_fingerprint: ["{{ cucm_lab_sftp_sha256_fingerprint }}"]
itl_recovery_backup_cluster_security_password: "{{ cucm_lab_cluster_security_password }}"
itl_recovery_backup_keep: 2
VARS
mkdir -p "$STATE/backups"
ansible-playbook -i "$STATE/inventory.yml" playbooks/itl_recovery_backup.yml -e @"$STATE/backup-vars.yml" \
    -e itl_recovery_backup_report_path="$STATE/backups/backup_report.json"
"$ROOT/.venv/bin/python" - "$STATE" <<'PY'
import json, os, sys
state = sys.argv[1]
report = json.load(open(os.path.join(state, "backups", "backup_report.json")))
sftp = json.load(open(os.path.join(state, "lab.json")))["sftp"][0]
for cluster in report["clusters"]:
    cert = cluster["certificate"] or {}
    print("==> %s: verified=%s  %s" % (cluster["cluster"], cluster["verified"], cluster["path"]))
    print("    certificate %s, SHA-1 %s, %s days left" % (cert.get("common_name"), cert.get("sha1"), cert.get("days_left")))
    directory = os.path.join(sftp["root"], os.path.dirname(cluster["path"]).lstrip("/"))
    print("    on the SFTP server: %s" % ", ".join(sorted(os.listdir(directory))))
PY

echo "==> nightly trust audit (playbooks/trust_audit.yml): what every TFTP node serves to phones, fetched over"
echo "    HTTP like phones do, verified and compared with show itl / show ctl; archived; findings"
ansible-playbook -i "$STATE/inventory.yml" playbooks/trust_audit.yml \
    -e trust_audit_archive_dir="$STATE/audit-archive" -e trust_audit_backup_report_dir="$STATE/backups" \
    -e trust_audit_markdown_path="$STATE/trust_audit.md" -e trust_audit_report_path="$STATE/trust_audit.json"
echo "==> the audit's report ($STATE/trust_audit.md; archive in $STATE/audit-archive):"
cat "$STATE/trust_audit.md"

echo "==> recovery plan (playbooks/recovery_plan.yml): which key the demo cluster's phones still trust, from the"
echo "    audit archive and the backup report - what the ITL recovery runbook asks first in an incident; and"
echo "    before the next risky change (here mixed mode), which phones would refuse what the cluster serves next"
ansible-playbook -i "$STATE/inventory.yml" playbooks/recovery_plan.yml -e target=demo125 \
    -e recovery_plan_archive_dir="$STATE/audit-archive" -e recovery_plan_backup_report_dir="$STATE/backups" \
    -e recovery_plan_change=mixed_mode
