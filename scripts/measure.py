"""Run a command and report its wall time and the peak resident memory of its process tree.

    python scripts/measure.py --json out.json [--also-pid PID] -- <command...>

Peak memory is sampled from /proc every 0.1 s (sum of VmRSS over the command and all its
descendants - ansible-playbook forks workers and persistent-connection processes). With
--also-pid, the peak RSS of that process tree (e.g. the lab) is reported separately.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time


def children(pid):
    found = []
    try:
        for task in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, task)) as handle:
                found += [int(c) for c in handle.read().split()]
    except OSError:
        pass
    return found


def tree_rss_kib(root):
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open("/proc/%d/status" % pid) as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
        stack += children(pid)
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", required=True)
    parser.add_argument("--also-pid", type=int)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    peaks = {"command": 0, "other": 0}
    started = time.monotonic()
    proc = subprocess.Popen(command)
    done = threading.Event()

    def sample():
        while not done.is_set():
            peaks["command"] = max(peaks["command"], tree_rss_kib(proc.pid))
            if args.also_pid:
                peaks["other"] = max(peaks["other"], tree_rss_kib(args.also_pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    rc = proc.wait()
    done.set()
    sampler.join(2)
    result = {"returncode": rc, "wall_seconds": round(time.monotonic() - started, 1),
              "peak_rss_mib": round(peaks["command"] / 1024.0, 1)}
    if args.also_pid:
        result["other_peak_rss_mib"] = round(peaks["other"] / 1024.0, 1)
    with open(args.json, "w") as handle:
        json.dump(result, handle, indent=2)
    sys.exit(rc)


if __name__ == "__main__":
    main()
