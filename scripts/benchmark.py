"""Time the collection's jobs against the lab: wall time and CPU-seconds, for one or more trees.

    .venv/bin/python scripts/benchmark.py trust-report [--tree DIR ...] [--runs N]
    .venv/bin/python scripts/benchmark.py fleet [--tree DIR ...] [--clusters 1 20] [--nodes 2]
    .venv/bin/python scripts/benchmark.py audit [--clusters 1 20] [--nodes 2] [--runs N]
    .venv/bin/python scripts/benchmark.py phones [--phones 5000] [--time-scale 1] [--batch-size 100]
                                                 [--batch-interval 5] [--parts info contended reset reset-wait]

``trust-report`` runs playbooks/trust_report.yml against one 3-node lab (12.5, no banner delay,
so the numbers are the collection's own cost). ``fleet`` runs the nightly backup
(playbooks/itl_recovery_backup.yml, forks = clusters) against labs of 1 and 20 clusters of 2-node
12.5 clusters with 2048-bit keys. Each ``--tree`` is a checkout with its collection built into
``<tree>/.collections`` (``make collection``; default: this tree); with several trees the runs
alternate, so "before" and "after" share the machine's conditions.

``audit`` runs the nightly backup once (so the audit finds a verified backup of every cluster's
key), then playbooks/trust_audit.yml against the same kind of lab as ``fleet``, with the archive in
the temporary directory: clusters audited, findings, archive entries written, wall and CPU.

``phones`` starts one 2-node CUCM 14 lab with ``--phones`` phones (1024-bit keys) and runs
cucm.trust.phone_info and cucm.trust.phone_reset on its publisher (playbooks written to the temporary
directory): ``info`` reads every phone (``--runs`` times); ``contended`` first spends the whole RisPort
rate window with requests of "another client", so phone_info meets the RateControl fault and retries;
``reset`` resets every phone in batches without waiting, ``reset-wait`` the same waiting for
``--wait-share`` of them to register again. Each result is checked against the lab's ground truth
(``GET /phones``: phones returned, boots, registrations) and the lab's API statistics (requests per
operation, rate-limit refusals). ``--time-scale`` is the lab's: real seconds per lab second, which
also scales RisPort's 60-second rate window and the phones' boot delays (the module paces itself in
real seconds), so 1 is the realistic setting; below 1 the lab forgives more than CUCM would.

CPU-seconds are read from /proc/stat around each run: the whole machine, so the lab's share
(read from /proc/<lab pid>/stat) is reported too and the rest is the controller. Peak memory is
the largest sum of VmRSS over ansible-playbook and all its descendants (workers, persistent
connections), sampled every 0.1 s. Run it on an otherwise idle machine. Prints Markdown tables.
"""

import argparse
import base64
import datetime
import json
import os
import resource
import shutil
import statistics
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

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
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(command, env=env, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True)
    peak = [0.0]
    connections = {}  # CPU s of the detached persistent connections, as last seen
    done = threading.Event()

    def sample():
        while not done.wait(0.1):
            peak[0] = max(peak[0], tree_rss_mib(proc.pid))
            for pid in connection_pids(proc.pid):
                try:
                    connections[pid] = process_cpu_seconds(pid)
                except OSError:
                    pass

    sampler = threading.Thread(target=sample)
    sampler.start()
    output = proc.communicate()[0]
    done.set()
    sampler.join()
    wall, cpu = time.monotonic() - started, machine_cpu_seconds() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # ansible-playbook, its workers and modules (reaped, so counted in RUSAGE_CHILDREN) and the
    # persistent connections: the controller's own CPU, whatever else runs on the machine.
    controller = (after.ru_utime + after.ru_stime - reaped.ru_utime - reaped.ru_stime) + sum(connections.values())
    if proc.returncode != 0:
        failed = [line for line in output.splitlines() if "fatal:" in line or "FAILED" in line or "failed:" in line]
        sys.exit("%s failed with %s's collection:\n%s" % (playbook, tree, "\n".join(failed[:20]) or output[-3000:]))
    return {"wall": wall, "cpu": cpu, "rss": peak[0], "controller_cpu": controller}


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


def audit(args, trees, workdir):
    rows = {}
    for clusters in args.clusters:
        state = os.path.join(workdir, "audit-%d" % clusters)
        lab = Lab(state, nodes=args.nodes, clusters=clusters, release="12.5", key_size=2048, max_runtime=3600)
        backups = os.path.join(workdir, "backups-%d" % clusters)
        os.makedirs(backups)
        try:
            measure(lab, trees[0], "itl_recovery_backup.yml", workdir, forks=clusters,
                    extra_vars={"itl_recovery_backup_report_path": os.path.join(backups, "backup.json")})
            for run in range(args.runs):
                for tree in trees:
                    archive = os.path.join(workdir, "archive-%d-%d" % (clusters, run))
                    report = os.path.join(workdir, "audit.json")
                    row = measure(lab, tree, "trust_audit.yml", workdir, forks=clusters, extra_vars={
                        "trust_audit_archive_dir": archive, "trust_audit_backup_report_dir": backups,
                        "trust_audit_report_path": report})
                    with open(report) as handle:
                        audited = json.load(handle)
                    row["clusters"] = len(audited["clusters"])
                    row["findings"] = len(audited["findings"])
                    row["entries"] = len([d for d in os.listdir(archive) if os.listdir(os.path.join(archive, d))])
                    rows.setdefault((tree, clusters), []).append(row)
        finally:
            lab.stop()
    print("| tree | clusters (nodes) | audited / findings / archive entries | wall s | machine CPU s | lab CPU s | "
          "controller CPU s | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|")
    for clusters in args.clusters:
        for tree in trees:
            runs = rows[(tree, clusters)]
            print("| %s | %d (%d) | %d / %d / %d | %.1f | %.1f | %.1f | %.1f | %.0f |" % (
                label(tree), clusters, clusters * args.nodes, min(r["clusters"] for r in runs),
                max(r["findings"] for r in runs), min(r["entries"] for r in runs), median(runs, "wall"),
                median(runs, "cpu"), median(runs, "lab_cpu"), median(runs, "controller_cpu"), median(runs, "rss")))
    print("(median of %d runs per tree and size; the backup ran once before)" % args.runs)


# -- phones: phone_info and phone_reset on one cluster -------------------------------------------

PHONE_PLAY = """---
# Written by scripts/benchmark.py: one %(module)s task on the publisher; its result, failed or not, saved.
- name: Benchmark %(module)s
  hosts: %(host)s
  gather_facts: false
  tasks:
    - name: Run the module
      block:
        - name: Run cucm.trust.%(module)s
          cucm.trust.%(module)s: %(options)s
          register: outcome
      rescue:
        - name: Keep the failure
          ansible.builtin.set_fact:
            outcome: "{{ ansible_failed_result }}"

    - name: Save the result
      ansible.builtin.copy:
        content: "{{ outcome | to_json }}"
        dest: %(out)s
        mode: "0644"
      delegate_to: localhost
"""

PHONE_PARTS = ("info", "contended", "reset", "reset-wait")

# One RisPort70 selectCmDeviceExt for one phone: what "another client" sends to spend the rate window.
RISPORT_ONE_PHONE = (
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:soap="http://schemas.cisco.com/ast/soap"><soapenv:Header/><soapenv:Body><soap:selectCmDeviceExt>'
    '<soap:StateInfo></soap:StateInfo><soap:CmSelectionCriteria><soap:MaxReturnedDevices>1</soap:MaxReturnedDevices>'
    '<soap:DeviceClass>Phone</soap:DeviceClass><soap:Model>255</soap:Model><soap:Status>Any</soap:Status>'
    '<soap:NodeName></soap:NodeName><soap:SelectBy>Name</soap:SelectBy><soap:SelectItems><soap:item>'
    '<soap:Item>%s</soap:Item></soap:item></soap:SelectItems><soap:Protocol>Any</soap:Protocol>'
    '<soap:DownloadStatus>Any</soap:DownloadStatus></soap:CmSelectionCriteria></soap:selectCmDeviceExt>'
    '</soapenv:Body></soapenv:Envelope>')


class PhoneLab(Lab):
    """The lab of ``phones``: ground truth (``GET /phones``) and API statistics (``GET /api``)."""

    def __init__(self, state_dir, **options):
        super(PhoneLab, self).__init__(state_dir, **options)
        self.cluster = self.handle.lab_json["clusters"][0]
        self.publisher = next(n for n in self.cluster["nodes"] if n["publisher"])
        self.subscriber = next((n for n in self.cluster["nodes"] if not n["publisher"]), self.publisher)

    def truth(self):
        """{name: phone} as the lab holds them."""
        return dict((p["name"], p) for p in self.handle.control("GET", "/phones", timeout=120)["phones"])

    def summary(self):
        return self.handle.phones(summary=True)["summary"]

    def api(self):
        return self.handle.control("GET", "/api")

    def reset_api(self):
        """Zero the API statistics and empty RisPort's rate window (and drop the API sessions)."""
        self.handle.control("POST", "/api/reset", {})

    def wait_all_registered(self, total, timeout=600.0):
        """Real seconds until the lab has every phone Registered and none booting."""
        started = time.monotonic()
        self.handle.wait_phones(lambda s: s["by_status"].get("Registered") == total and not s["booting"],
                                timeout=timeout, interval=0.1)
        return time.monotonic() - started

    def spend_risport_window(self, name):
        """Send RisPort70 requests to the subscriber, as another client would, until the lab refuses
        one (that is the whole window spent); the number it accepted."""
        node = self.subscriber
        url = "https://%s:%d/realtimeservice2/services/RISService70" % (node["host"], node["https_port"])
        token = base64.b64encode(("%s:%s" % (self.cluster["axl_user"], self.cluster["axl_password"])).encode())
        context = ssl.create_default_context(cafile=self.handle.ca_file)
        accepted = 0
        for _request in range(1000):
            request = urllib.request.Request(url, data=(RISPORT_ONE_PHONE % name).encode("utf-8"), method="POST",
                                             headers={"Content-Type": "text/xml; charset=utf-8",
                                                      "SOAPAction": '"selectCmDeviceExt"',
                                                      "Authorization": "Basic " + token.decode("ascii")})
            try:
                with urllib.request.urlopen(request, context=context, timeout=30) as response:
                    response.read()
                accepted += 1
            except urllib.error.HTTPError as exc:
                if b"RateControl" in exc.read():
                    return accepted
                raise
        sys.exit("the lab's RisPort never refused a request: is its rate limit set?")


def risport_gaps(api, node):
    """Lab seconds between consecutive RisPort requests ``node`` answered (the lab's history)."""
    times = [datetime.datetime.fromisoformat(h["at"]) for h in api["history"] if h["api"] == "risport"
             and h["node"] == node]
    return [(b - a).total_seconds() for a, b in zip(times, times[1:])]


def run_phone_module(lab, tree, workdir, part, module, options):
    """One playbook with one phone module on the publisher; measure()'s row plus the module's result
    and the lab's API statistics of the run (``api_before``: what other clients had sent)."""
    api_before = lab.api()["stats"]
    rundir = tempfile.mkdtemp(prefix=part + "-", dir=workdir)
    out = os.path.join(rundir, "result.json")
    playbook = os.path.join(rundir, "play.yml")
    with open(playbook, "w") as handle:
        handle.write(PHONE_PLAY % {"module": module, "host": lab.publisher["hostname"], "out": json.dumps(out),
                                   "options": json.dumps(options, sort_keys=True)})
    row = measure(lab, tree, playbook, rundir)
    row["ended"] = time.monotonic()
    with open(out) as handle:
        row["result"] = json.load(handle)
    row["api"] = lab.api()
    row["api_before"] = api_before
    return row


def api_counts(row):
    """Requests per operation and RisPort refusals the lab counted during the playbook."""
    counts = {}
    for stats, sign in ((row["api"]["stats"], 1), (row["api_before"], -1)):
        ops = stats.get("by_operation", {})
        for key, value in (("listPhone", ops.get("listPhone", 0)), ("doDeviceReset", ops.get("doDeviceReset", 0)),
                           ("selectCmDeviceExt", ops.get("selectCmDeviceExt", 0)),
                           ("refused", stats.get("rate_limited", 0))):
            counts[key] = counts.get(key, 0) + sign * value
    return counts


def phone_info_part(args, lab, tree, workdir, part):
    lab.wait_all_registered(args.phones)
    truth = lab.truth()
    lab.reset_api()
    spent = lab.spend_risport_window(sorted(truth)[0]) if part == "contended" else 0
    row = run_phone_module(lab, tree, workdir, part, "phone_info", {})
    result = row["result"]
    row["spent"] = spent
    row["returned"] = result.get("total", 0)
    row["matching"] = sum(1 for p in result.get("phones", [])
                          if p["name"] in truth and p["status"] == truth[p["name"]]["status"]
                          and p["node"] == truth[p["name"]]["registered_node"])
    row["gaps"] = risport_gaps(row["api"], lab.publisher["hostname"])
    return row


def phone_reset_part(args, lab, tree, workdir, part):
    lab.wait_all_registered(args.phones)
    before = lab.truth()
    lab.reset_api()
    options = {"scope": "all", "batch_size": args.batch_size, "batch_interval": args.batch_interval}
    if part == "reset-wait":
        options.update(wait_for_registered=args.wait_share, wait_timeout=args.wait_timeout,
                       wait_interval=args.wait_interval)
    row = run_phone_module(lab, tree, workdir, part, "phone_reset", options)
    at_end = lab.summary()
    row["registered_at_end"] = at_end["by_status"].get("Registered", 0)
    lab.wait_all_registered(args.phones)
    row["all_back_after"] = time.monotonic() - row["ended"]
    after = lab.truth()
    boots = [after[name]["boots"] - before[name]["boots"] for name in before]
    row["rebooted_once"] = boots.count(1)
    row["not_rebooted"] = boots.count(0)
    row["rebooted_more"] = sum(1 for b in boots if b > 1)
    return row


def phones(args, trees, workdir):
    lab = PhoneLab(os.path.join(workdir, "lab"), nodes=2, release="14", key_size=1024, phones=args.phones,
                   time_scale=args.time_scale, banner_delay=0.0, max_runtime=7200)
    rows = []
    try:
        settings = lab.handle.control("GET", "/phones/settings")
        api_settings = lab.api()["settings"]
        for part in args.parts:
            for run in range(args.runs if part == "info" else 1):
                for tree in trees:
                    print("... %s %s run %d" % (part, label(tree), run + 1), file=sys.stderr)
                    work = phone_info_part if part in ("info", "contended") else phone_reset_part
                    row = work(args, lab, tree, workdir, part)
                    row.update(part=part, tree=tree)
                    rows.append(row)
    finally:
        lab.stop()
    print_phones(args, rows, settings, api_settings)


def print_phones(args, rows, settings, api_settings):
    scale = args.time_scale
    window = api_settings["risport_rate_window_seconds"]
    back = settings["download_seconds"] + settings["register_seconds"]
    print("Lab: one 2-node CUCM 14 cluster, %d phones, time_scale %g: RisPort70 allows %d requests per %g lab s = "
          "%g real s; a reset phone is back %g lab s = %g real s after its reset (download %g + register %g)."
          % (args.phones, scale, api_settings["risport_rate_per_minute"], window, window * scale, back, back * scale,
             settings["download_seconds"], settings["register_seconds"]))
    print()
    info = [r for r in rows if r["part"] in ("info", "contended")]
    if info:
        print("| tree | run | phones returned / matching the lab | wall s | module elapsed s | API calls (listPhone + "
              "RisPort) | pacing s | throttling s | RisPort refused by the lab | min s between RisPort requests | "
              "machine CPU s | lab CPU s | controller CPU s | peak RSS MiB |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for row in info:
            result, calls = row["result"], api_counts(row)
            what = row["part"] if row["part"] == "info" else "contended (%d RisPort requests of another client first)" % row["spent"]
            print("| %s | %s | %d / %d%s | %.1f | %.1f | %s (%d + %d) | %.1f | %.1f | %d | %s | %.1f | %.1f | %.1f | %.0f |" % (
                label(row["tree"]), what, row["returned"], row["matching"], " FAILED" if result.get("failed") else "",
                row["wall"], result.get("elapsed", 0.0), result.get("api_calls"), calls["listPhone"],
                calls["selectCmDeviceExt"], result.get("waited", {}).get("pacing", 0.0),
                result.get("waited", {}).get("throttling", 0.0), calls["refused"],
                "%.1f" % min(row["gaps"]) if row["gaps"] else "-", row["cpu"], row["lab_cpu"],
                row["controller_cpu"], row["rss"]))
        for row in info:
            for warning in row["result"].get("warnings", [])[:3]:
                print("\n%s warned: %s" % (row["part"], warning))
        print()
    resets = [r for r in rows if r["part"] in ("reset", "reset-wait")]
    if resets:
        print("| tree | wait | batches x size, interval s | reset / refused | wall s | module elapsed s | batch "
              "intervals s | API calls (doDeviceReset + listPhone + RisPort) | wait polls, s | registered (module) | "
              "lab: rebooted once / not / more | lab: registered at task end | lab: all back s after task end | "
              "machine CPU s | lab CPU s | controller CPU s | peak RSS MiB |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for row in resets:
            result, calls = row["result"], api_counts(row)
            wait = result.get("wait") or {}
            batches = result.get("batches_done", 0)
            print("| %s | %s | %d x %d, %d | %d / %d%s | %.1f | %.1f | %d | %s (%d + %d + %d) | %s | %s | %d / %d / %d | "
                  "%d | %.1f | %.1f | %.1f | %.1f | %.0f |" % (
                      label(row["tree"]), "%g" % args.wait_share if row["part"] == "reset-wait" else "no",
                      batches, args.batch_size, args.batch_interval, len(result.get("reset", [])),
                      len(result.get("refused", [])), " FAILED" if result.get("failed") else "", row["wall"],
                      result.get("elapsed", 0.0), max(0, batches - 1) * args.batch_interval, result.get("api_calls"),
                      calls["doDeviceReset"], calls["listPhone"], calls["selectCmDeviceExt"],
                      "%d, %.1f" % (wait["polls"], wait["waited"]) if wait else "-",
                      "%d of %d (needed %d)" % (wait["registered"], wait["total"], wait["needed"]) if wait else "-",
                      row["rebooted_once"], row["not_rebooted"], row["rebooted_more"], row["registered_at_end"],
                      row["all_back_after"], row["cpu"], row["lab_cpu"], row["controller_cpu"], row["rss"]))
            if result.get("failed"):
                print("\n%s failed: %s" % (row["part"], str(result.get("msg"))[:500]))
        print()
    print("(wall: the whole ansible-playbook run, start-up and saving the result included; module elapsed: the "
          "task's own `elapsed`; machine CPU: /proc/stat, every process of the machine; controller CPU: "
          "ansible-playbook, its workers and modules, and the persistent connection)")


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
    parser.add_argument("job", choices=["trust-report", "fleet", "audit", "phones"])
    parser.add_argument("--tree", action="append", help="checkout with its collection built (default: this tree)")
    parser.add_argument("--runs", type=int, default=3, help="runs per tree (and lab size; phones: of the info part)")
    parser.add_argument("--clusters", type=int, nargs="+", default=[1, 20], help="fleet, audit: lab sizes")
    parser.add_argument("--nodes", type=int, default=2, help="fleet, audit: nodes per cluster")
    parser.add_argument("--phones", type=int, default=5000, help="phones: phones of the cluster")
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="phones: the lab's real seconds per lab second (RisPort window, boot delays)")
    parser.add_argument("--parts", nargs="+", choices=PHONE_PARTS, default=list(PHONE_PARTS), help="phones: what to run")
    parser.add_argument("--batch-size", type=int, default=100, help="phones: phone_reset batch_size")
    parser.add_argument("--batch-interval", type=int, default=5, help="phones: phone_reset batch_interval (s)")
    parser.add_argument("--wait-share", type=float, default=0.95, help="phones: wait_for_registered of reset-wait")
    parser.add_argument("--wait-interval", type=int, default=20, help="phones: wait_interval of reset-wait (s)")
    parser.add_argument("--wait-timeout", type=int, default=900, help="phones: wait_timeout of reset-wait (s)")
    args = parser.parse_args()
    trees = [os.path.abspath(tree) for tree in args.tree or [ROOT]]
    for tree in trees:
        if not os.path.isdir(os.path.join(tree, ".collections", "ansible_collections", "cucm", "trust")):
            sys.exit("%s has no built collection: run `make collection` there" % tree)
    workdir = tempfile.mkdtemp(prefix="cucm-trust-bench-")
    try:
        {"trust-report": trust_report, "fleet": fleet, "audit": audit, "phones": phones}[args.job](args, trees, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
