#!/usr/bin/env bash
# antsibull-changelog lint of the fragments, then ansible-lint, production profile, offline; resolves
# cucm.trust and ansible.netcommon from .collections/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export ANSIBLE_COLLECTIONS_PATH="$ROOT/.collections"
export PATH="$ROOT/.venv/bin:$PATH"
# Changelog fragments first (ansible-lint does not read them): antsibull-changelog's own rules.
"$ROOT/.venv/bin/antsibull-changelog" lint
exec "$ROOT/.venv/bin/ansible-lint" --offline "$@"
