#!/usr/bin/env bash
# Fleet run of the nightly backup: 20 lab clusters (40 nodes), forks 20, 2048-bit keys.
# Prints wall time, the slowest cluster's time and peak memory (ansible and the lab separately).
#   ./scripts/fleet-benchmark.sh [clusters] [nodes-per-cluster] [forks]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CLUSTERS="${1:-20}"; NODES="${2:-2}"; FORKS="${3:-20}"
STATE="$ROOT/.tmp/fleet-lab"
export ANSIBLE_COLLECTIONS_PATH="$ROOT/.collections" ANSIBLE_NOCOLOR=1 PATH="$ROOT/.venv/bin:$PATH"
"$ROOT/scripts/setup.sh" >/dev/null
rm -rf "$STATE"
trap '"$ROOT/scripts/lab.sh" stop "$STATE"' EXIT
"$ROOT/scripts/lab.sh" start "$STATE" --clusters "$CLUSTERS" --nodes "$NODES" --release 12.5 --base-port 0 \
    --max-runtime 1800
cat >"$STATE/backup-vars.yml" <<VARS
itl_recovery_backup_sftp_host: "{{ cucm_lab_sftp_host }}"
itl_recovery_backup_sftp_port: "{{ cucm_lab_sftp_port }}"
itl_recovery_backup_sftp_user: "{{ cucm_lab_sftp_user }}"
itl_recovery_backup_sftp_password: "{{ cucm_lab_sftp_password }}"
itl_recovery_backup_sftp_directory: "{{ cucm_lab_sftp_directory }}"
itl_recovery_backup_sftp_host_key_fingerprint: ["{{ cucm_lab_sftp_sha256_fingerprint }}"]
itl_recovery_backup_cluster_security_password: "{{ cucm_lab_cluster_security_password }}"
itl_recovery_backup_report_path: "$STATE/report.json"
VARS
"$ROOT/.venv/bin/python" "$ROOT/scripts/measure.py" --json "$STATE/measure.json" --also-pid "$(cat "$STATE/lab.pid")" -- \
    ansible-playbook -i "$STATE/inventory.yml" "$ROOT/playbooks/itl_recovery_backup.yml" -f "$FORKS" \
    -e @"$STATE/backup-vars.yml" >"$STATE/playbook.log" 2>&1 || { tail -40 "$STATE/playbook.log"; exit 1; }
"$ROOT/.venv/bin/python" - "$STATE" "$CLUSTERS" "$NODES" "$FORKS" <<'PY'
import json, sys
state, clusters, nodes, forks = sys.argv[1:]
m = json.load(open(state + "/measure.json"))
r = json.load(open(state + "/report.json"))
times = sorted((c["seconds"], c["cluster"]) for c in r["clusters"] if c["seconds"] is not None)
print("clusters=%s nodes=%d forks=%s verified=%d/%d" % (clusters, int(clusters) * int(nodes), forks,
      sum(c["verified"] for c in r["clusters"]), len(r["clusters"])))
print("wall time: %.1f s" % m["wall_seconds"])
print("slowest cluster: %s %.1f s (fastest %.1f s)" % (times[-1][1], times[-1][0], times[0][0]))
print("peak RSS: ansible-playbook tree %.0f MiB, lab %.0f MiB" % (m["peak_rss_mib"], m["other_peak_rss_mib"]))
PY
