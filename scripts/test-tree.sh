#!/usr/bin/env bash
# Lay out .build/tree/ansible_collections/{cucm/trust,ansible/netcommon,ansible/utils} the way
# ansible-test needs it (dependencies next to the collection). cucm/trust is a copy of the files
# git knows about (tracked or new), so nothing ignored (.venv, caches) leaks in.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TREE="$ROOT/.build/tree/ansible_collections"
rm -rf "$TREE/cucm"
mkdir -p "$TREE/cucm/trust" "$TREE/ansible"
cd "$ROOT"
git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do
    [[ -e "$f" ]] || continue
    mkdir -p "$TREE/cucm/trust/$(dirname "$f")"
    cp -p "$f" "$TREE/cucm/trust/$f"
done
for dep in netcommon utils; do
    ln -sfn "$ROOT/.collections/ansible_collections/ansible/$dep" "$TREE/ansible/$dep"
done
# A repository of its own, so ansible-test lists these files instead of
# seeing an ignored directory of the outer checkout.
git -C "$TREE/cucm/trust" init -q
echo "$TREE/cucm/trust"
