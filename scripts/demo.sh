#!/usr/bin/env bash
# `make demo`: a 3-node CUCM lab on 127.0.0.1, the trust report run against it over network_cli.
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
"$ROOT/scripts/lab.sh" start "$STATE" --nodes 3 --release 12.5 --base-port 0 --cluster demo125

echo "==> trust report (playbooks/trust_report.yml) against the lab"
ansible-playbook -i "$STATE/inventory.yml" playbooks/trust_report.yml \
    -e trust_report_output_path="$STATE/trust_report.json"
echo "==> JSON report written to $STATE/trust_report.json"
