#!/usr/bin/env bash
# ansible-lint, production profile, offline; resolves cucm.trust and ansible.netcommon from .collections/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export ANSIBLE_COLLECTIONS_PATH="$ROOT/.collections"
export PATH="$ROOT/.venv/bin:$PATH"
exec "$ROOT/.venv/bin/ansible-lint" --offline "$@"
