"""Time the collection's jobs against the lab: wall time and CPU-seconds, for one or more trees.

    .venv/bin/python scripts/benchmark.py trust-report [--tree DIR ...] [--runs N]
    .venv/bin/python scripts/benchmark.py fleet [--tree DIR ...] [--clusters 1 20] [--nodes 2]

``trust-report`` runs playbooks/trust_report.yml against one 3-node lab (12.5, no banner delay,
so the numbers are the collection's own cost). ``fleet`` runs the nightly backup
(playbooks/itl_recovery_backup.yml, forks = clusters) against labs of 1 and 20 clusters of 2-node
12.5 clusters with 2048-bit keys. Each ``--tree`` is a checkout with its collection built into
``<tree>/.collections`` (``make collection``; default: this tree); with several trees the runs
alternate, so "before" and "after" share the machine's conditions.

CPU-seconds are read from /proc/stat around each run: the whole machine, so the lab's share
(read from /proc/<lab pid>/stat) is reported too and the rest is the controller. Peak memory is
the largest sum of VmRSS over ansible-playbook and all its descendants (workers, persistent
connections), sampled every 0.1 s. Run it on an otherwise idle machine. Prints Markdown tables.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds():
    with open("/proc/stat") as handle:
        fields = handle.readline().split()[1:]
    idle = int(fields[3]) + int(fields[4])  # idle + iowait
    return (sum(int(f) for f in fields[:8]) - idle) / CLOCK_TICKS


def process_cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def children(pid):
    found = []
    try:
        for task in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, task)) as handle:
                found += [int(c) for c in handle.read().split()]
    except OSError:
        pass
    return found


def tree_rss_mib(root):
    """Resident memory of ``root`` and its descendants. Persistent connections detach from
    ansible-playbook (double fork), so they are found by their command line too."""
    total, stack, seen = 0, [root] + connection_pids(root), set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open("/proc/%d/status" % pid) as handle:
                total += sum(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
        except OSError:
            continue
        stack += children(pid)
    return total / 1024.0


def connection_pids(playbook_pid):
    """ansible-connection processes started for this ansible-playbook (its pid is on their command line)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as handle:
                    words = handle.read().split(b"\0")
            except OSError:
                continue
            if any(b"ansible_connection_cli_stub" in w for w in words) and str(playbook_pid).encode() in words:
                found.append(int(entry))
    return found


class Lab(object):
    """A lab subprocess of this tree's tests/lab (the same lab for every tree measured)."""

    def __init__(self, state_dir, **options):
        sys.path.insert(0, os.path.join(ROOT, "tests", "lab"))
        from cucm_lab.testing import start_lab

        self.handle = start_lab(state_dir, timeout=600.0, **options)
        self.pid = self.handle.process.pid
        self.inventory = self.handle.inventory_path

    def stop(self):
        self.handle.stop()


# The backup role wired to the lab's SFTP server and passwords (inventory variables of the lab).
BACKUP_VARS = os.path.join(ROOT, "tests", "integration", "vars", "backup_role_vars.yml")


def run_playbook(tree, playbook, inventory, workdir, extra_vars=None, forks=None):
    """``{wall, cpu (machine CPU s), rss (peak MiB)}`` of one ansible-playbook run with ``tree``'s collection."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(tree, ".collections"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PERSISTENT_CONTROL_PATH_DIR=os.path.join(workdir, "pc"),
               ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "tmp"), ANSIBLE_RETRY_FILES_ENABLED="0",
               PATH=os.path.dirname(PYTHON) + os.pathsep + os.environ.get("PATH", ""))
    command = [os.path.join(os.path.dirname(PYTHON), "ansible-playbook"), "-i", inventory,
               os.path.join(tree, "playbooks", playbook)]
    if playbook == "itl_recovery_backup.yml":
        command += ["-e", "@" + BACKUP_VARS]
    if extra_vars:
        path = os.path.join(workdir, "vars.json")
        with open(path, "w") as handle:
            json.dump(extra_vars, handle)
        command += ["-e", "@" + path]
    if forks:
        command += ["--forks", str(forks)]
    cpu, started = machine_cpu_seconds(), time.monotonic()
    proc = subprocess.Popen(command, env=env, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True)
    peak = [0.0]
    done = threading.Event()

    def sample():
        while not done.wait(0.1):
            peak[0] = max(peak[0], tree_rss_mib(proc.pid))

    sampler = threading.Thread(target=sample)
    sampler.start()
    output = proc.communicate()[0]
    done.set()
    sampler.join()
    wall, cpu = time.monotonic() - started, machine_cpu_seconds() - cpu
    if proc.returncode != 0:
        failed = [line for line in output.splitlines() if "fatal:" in line or "FAILED" in line or "failed:" in line]
        sys.exit("%s failed with %s's collection:\n%s" % (playbook, tree, "\n".join(failed[:20]) or output[-3000:]))
    return {"wall": wall, "cpu": cpu, "rss": peak[0]}


def measure(lab, tree, playbook, workdir, **options):
    lab_cpu = process_cpu_seconds(lab.pid)
    row = run_playbook(tree, playbook, lab.inventory, workdir, **options)
    row["lab_cpu"] = process_cpu_seconds(lab.pid) - lab_cpu
    return row


def trust_report(args, trees, workdir):
    lab = Lab(os.path.join(workdir, "lab"), nodes=3, release="12.5", banner_delay=0.0)
    rows = dict((tree, []) for tree in trees)
    try:
        for _run in range(args.runs):
            for tree in trees:
                rows[tree].append(measure(lab, tree, "trust_report.yml", workdir))
    finally:
        lab.stop()
    print("| tree | trust report, 3 nodes: wall s (median of %d) | machine CPU s | lab CPU s |" % args.runs)
    print("|---|---|---|---|")
    for tree in trees:
        runs = rows[tree]
        print("| %s | %.1f | %.1f | %.1f |" % (label(tree), median(runs, "wall"), median(runs, "cpu"), median(runs, "lab_cpu")))


def fleet(args, trees, workdir):
    rows = {}
    for clusters in args.clusters:
        state = os.path.join(workdir, "fleet-%d" % clusters)
        lab = Lab(state, nodes=args.nodes, clusters=clusters, release="12.5", key_size=2048, max_runtime=3600)
        try:
            for _run in range(args.runs):
                for tree in trees:
                    report = os.path.join(workdir, "report.json")
                    row = measure(lab, tree, "itl_recovery_backup.yml", workdir,
                                  extra_vars={"itl_recovery_backup_report_path": report}, forks=clusters)
                    with open(report) as handle:
                        row["verified"] = sum(1 for c in json.load(handle)["clusters"] if c["verified"])
                    rows.setdefault((tree, clusters), []).append(row)
        finally:
            lab.stop()
    print("| tree | clusters (nodes) | verified | wall s | machine CPU s | lab CPU s | CPU s per node | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|")
    for clusters in args.clusters:
        for tree in trees:
            runs = rows[(tree, clusters)]
            nodes = clusters * args.nodes
            print("| %s | %d (%d) | %d/%d | %.1f | %.1f | %.1f | %.2f | %.0f |" % (
                label(tree), clusters, nodes, min(r["verified"] for r in runs), clusters, median(runs, "wall"),
                median(runs, "cpu"), median(runs, "lab_cpu"), median(runs, "cpu") / nodes, median(runs, "rss")))
    print("(median of %d runs per tree and size, the trees alternating)" % args.runs)


def median(rows, key):
    return statistics.median(row[key] for row in rows)


def label(tree):
    try:
        commit = subprocess.run(["git", "-C", tree, "log", "-1", "--format=%h"], stdout=subprocess.PIPE,
                                universal_newlines=True, check=False).stdout.strip()
    except OSError:
        commit = ""
    return "%s (%s)" % (os.path.basename(os.path.abspath(tree)), commit or "?")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("job", choices=["trust-report", "fleet"])
    parser.add_argument("--tree", action="append", help="checkout with its collection built (default: this tree)")
    parser.add_argument("--runs", type=int, default=3, help="runs per tree (and lab size)")
    parser.add_argument("--clusters", type=int, nargs="+", default=[1, 20], help="fleet: lab sizes")
    parser.add_argument("--nodes", type=int, default=2, help="fleet: nodes per cluster")
    args = parser.parse_args()
    trees = [os.path.abspath(tree) for tree in args.tree or [ROOT]]
    for tree in trees:
        if not os.path.isdir(os.path.join(tree, ".collections", "ansible_collections", "cucm", "trust")):
            sys.exit("%s has no built collection: run `make collection` there" % tree)
    workdir = tempfile.mkdtemp(prefix="cucm-trust-bench-")
    try:
        {"trust-report": trust_report, "fleet": fleet}[args.job](args, trees, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
