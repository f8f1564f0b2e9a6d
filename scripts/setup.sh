#!/usr/bin/env bash
# Prepare a fresh checkout for `make demo` / `make test`:
#   1. .venv/ with the pinned Python dependencies (requirements-dev.txt);
#   2. ansible.netcommon + ansible.utils taken out of the `ansible` community wheel
#      (Ansible Galaxy is not reachable here; see docs/development.md);
#   3. the collection built from this tree and installed next to them in .collections/.
# Idempotent: each step is skipped when its stamp is newer than its inputs.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"
CACHE="$ROOT/.cache"
COLLECTIONS="$ROOT/.collections"
ANSIBLE_WHEEL_VERSION="12.3.0"
ANSIBLE_WHEEL_SHA256="cd156f82fa87f7a899212b0efa9f7ca3a24d609212de9f78428a572eb01e5414"

log() { printf '==> %s\n' "$*"; }

# --- 1. virtualenv ------------------------------------------------------------
if [[ ! -x "$VENV/bin/python" ]]; then
    log "creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
if [[ ! -f "$VENV/.deps-stamp" || requirements-dev.txt -nt "$VENV/.deps-stamp" ]]; then
    log "installing pinned Python dependencies"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
    touch "$VENV/.deps-stamp"
fi

# --- 2. ansible.netcommon / ansible.utils from the community wheel ------------
NETCOMMON="$COLLECTIONS/ansible_collections/ansible/netcommon"
if [[ ! -f "$NETCOMMON/MANIFEST.json" ]]; then
    mkdir -p "$CACHE/wheels"
    WHEEL="$CACHE/wheels/ansible-${ANSIBLE_WHEEL_VERSION}-py3-none-any.whl"
    if [[ ! -f "$WHEEL" ]]; then
        log "downloading ansible==${ANSIBLE_WHEEL_VERSION} (for ansible.netcommon and ansible.utils)"
        "$VENV/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps \
            -d "$CACHE/wheels" "ansible==${ANSIBLE_WHEEL_VERSION}"
    fi
    echo "${ANSIBLE_WHEEL_SHA256}  ${WHEEL}" | sha256sum --check --quiet
    log "extracting ansible.netcommon and ansible.utils into $COLLECTIONS"
    "$VENV/bin/python" - "$WHEEL" "$COLLECTIONS" <<'PY'
import sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
wanted = ("ansible_collections/ansible/netcommon/", "ansible_collections/ansible/utils/")
with zipfile.ZipFile(wheel) as zf:
    zf.extractall(dest, [n for n in zf.namelist() if n.startswith(wanted)])
PY
fi

# --- 3. optional: OpenSSH sshd for the real-sshd backup test ------------------
# Only as root, only in CI or when asked (CUCM_TRUST_INSTALL_SSHD=1), never fatal: without it
# tests/integration/test_real_sshd.py is skipped with a message.
if [[ ! -x /usr/sbin/sshd && "$(id -u)" == 0 && ( "${CI:-}" == "true" || "${CUCM_TRUST_INSTALL_SSHD:-}" == 1 ) ]] \
        && command -v apt-get >/dev/null; then
    log "installing Debian openssh-server (for the real-sshd backup test)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends openssh-server >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends openssh-server >/dev/null 2>&1; } \
        || log "could not install openssh-server; the real-sshd test will be skipped"
fi

# --- 4. build and install this collection ------------------------------------
"$ROOT/scripts/build-collection.sh"
