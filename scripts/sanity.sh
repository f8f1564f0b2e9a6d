#!/usr/bin/env bash
# ansible-test sanity, offline, on a copy of the collection laid out as ansible-test expects.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="$ROOT/.venv"
CACHE_DIR="$HOME/.ansible/test/cache"
PIP_VERSION="$("$VENV/bin/python" -c 'from ansible_test._internal.python_requirements import get_venv_packages; print(get_venv_packages(type("P", (), {"version": "3.11"})())["pip"])')"
GET_PIP="$CACHE_DIR/get_pip_${PIP_VERSION//./_}.py"
if [[ ! -f "$GET_PIP" ]]; then
    mkdir -p "$CACHE_DIR"
    cp "$ROOT/tests/sanity/get_pip_standin.py" "$GET_PIP"
fi
COLLECTION="$("$ROOT/scripts/test-tree.sh")"
cd "$COLLECTION"
export PATH="$VENV/bin:$PATH"
exec "$VENV/bin/ansible-test" sanity --local --python 3.11 --color no "$@"
