#!/usr/bin/env bash
# Build the cucm.trust tarball from this tree (tests/lab and other build_ignore entries are
# left out) and install it into .collections/ so playbooks run the built artifact.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
DIST="$ROOT/.build/dist"
export ANSIBLE_COLLECTIONS_PATH="$ROOT/.collections"
mkdir -p "$DIST"
rm -f "$DIST"/cucm-trust-*.tar.gz
"$VENV/bin/ansible-galaxy" collection build --force --output-path "$DIST" . >/dev/null
TARBALL="$(ls "$DIST"/cucm-trust-*.tar.gz)"
"$VENV/bin/ansible-galaxy" collection install --force --no-deps --offline \
    -p "$ROOT/.collections" "$TARBALL" >/dev/null
echo "==> built and installed $(basename "$TARBALL") into .collections/"
