#!/usr/bin/env bash
# Start / stop a CUCM lab in the background for the demo (tests start their own labs).
#   scripts/lab.sh start <state-dir> [serve options...]   -> waits until it is ready
#   scripts/lab.sh stop <state-dir>
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
action="$1"; state="$2"; shift 2
case "$action" in
start)
    mkdir -p "$state"
    PYTHONPATH="$ROOT/tests/lab" "$ROOT/.venv/bin/python" -m cucm_lab serve --state-dir "$state" "$@" \
        >"$state/lab.log" 2>&1 &
    echo $! >"$state/lab.pid"
    for _ in $(seq 1 600); do
        if grep -q "cucm-lab ready" "$state/lab.log" 2>/dev/null; then
            grep "cucm-lab ready" "$state/lab.log"
            exit 0
        fi
        if ! kill -0 "$(cat "$state/lab.pid")" 2>/dev/null; then
            echo "the lab exited during start-up:" >&2
            cat "$state/lab.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "the lab did not become ready within 60 s" >&2
    kill "$(cat "$state/lab.pid")" 2>/dev/null || true
    exit 1
    ;;
stop)
    if [[ -f "$state/lab.pid" ]]; then
        pid="$(cat "$state/lab.pid")"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$state/lab.pid"
    fi
    ;;
*)
    echo "usage: $0 start|stop <state-dir> [serve options]" >&2
    exit 2
    ;;
esac
