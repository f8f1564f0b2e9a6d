"""playbooks/compatibility_check.yml against labs of every release, and the bundle it writes.

What the check reports is compared with the lab's ground truth (GET /state, /stats): every node
typed every read command once and nothing else, the cluster did not change, each parse says what
the lab holds. The bundle must hold no secret of the lab, and must turn into replay fixtures that
pass the unit test's own check (tests/unit/plugins/module_utils/parsers/test_real_outputs.py).

Set CUCM_TRUST_REAL_FIXTURES=<dir> (e.g. tests/unit/fixtures/real) to also write the publisher's
fixtures of each release there: that is how the lab-made first set was produced.
"""

import glob
import importlib.util
import json
import os
import subprocess
import sys

import pytest

from integration_support import ROOT, assert_ok

from ansible_collections.cucm.trust.plugins.module_utils._compatibility import READ_COMMANDS

PLAYBOOK = os.path.join(ROOT, "playbooks", "compatibility_check.yml")
SCRIPT = os.path.join(ROOT, "scripts", "bundle-to-fixtures.py")
COMMANDS = [command for _name, command, _parser in READ_COMMANDS]
# What the session types by itself when it opens (terminal plugin), not a command of the check.
SESSION_SETUP = "set cli pagination off"


def unit_check():
    """The unit test module whose ``check_fixture`` / ``fixture_paths`` judge replay fixtures."""
    path = os.path.join(ROOT, "tests", "unit", "plugins", "module_utils", "parsers", "test_real_outputs.py")
    spec = importlib.util.spec_from_file_location("compatibility_real_outputs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_check(runner, lab, bundle, **extra):
    return runner.playbook(PLAYBOOK, lab.inventory_path,
                           extra_vars=dict({"compatibility_check_bundle_dir": str(bundle)}, **extra))


def load(path):
    with open(str(path)) as handle:
        return json.load(handle)


def rows(parsed):
    """The rows of a ``run sql`` parse (a list of rows, or ``{rows, ...}``)."""
    return parsed["rows"] if isinstance(parsed, dict) else parsed


def lab_secrets(lab):
    secrets = set()
    for cluster in lab.lab_json["clusters"]:
        secrets |= {cluster["password"], cluster["ccm_admin_password"], cluster["cluster_security_password"]}
    secrets |= {server["password"] for server in lab.sftp}
    assert all(secrets) and len(secrets) >= 4, secrets
    return secrets


def assert_no_secret(directory, lab):
    """No secret of the lab in any file under ``directory`` (bytes, whatever the encoding)."""
    files = [path for path in glob.glob(os.path.join(str(directory), "**", "*"), recursive=True)
             if os.path.isfile(path)]
    assert files
    for path in files:
        with open(path, "rb") as handle:
            data = handle.read()
        for secret in lab_secrets(lab):
            assert secret.encode() not in data, "a lab password is in %s" % path
    return files


def make_fixtures(bundle, out, *nodes):
    argv = [sys.executable, SCRIPT, str(bundle), "--out", str(out)]
    for node in nodes:
        argv += ["--node", node]
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          check=False)
    assert proc.returncode == 0, proc.stdout
    return proc.stdout


def assert_matches_lab(entries, host, state):
    """Each command's parse against the lab's ground truth for ``host``."""
    node = state["nodes"][host]
    parsed = dict((name, entry["parsed"]) for name, entry in entries.items())

    assert parsed["show_version_active"]["version"] == state["version"]

    cluster = parsed["show_network_cluster"]
    assert dict((n["hostname"], n["role"] == "publisher") for n in cluster["nodes"]) == \
        dict((name, n["publisher"]) for name, n in state["nodes"].items())
    assert [n["hostname"] for n in cluster["nodes"] if n["local"]] == [host]

    services = parsed["utils_service_list"]["services"]
    for name, service in node["services"].items():
        assert services[name]["activated"] == service["activated"], (host, name)

    itl = parsed["show_itl"]
    assert itl["sha1"] == node["files"]["ITLFile.tlv"]["sha1"], host
    assert itl["verified"] is True and len(itl["records"]) == node["files"]["ITLFile.tlv"]["records"]

    ctl = parsed["show_ctl"]
    assert ctl["present"] == ("CTLFile.tlv" in node["files"]), host
    if ctl["present"]:
        assert ctl["sha1"] == node["files"]["CTLFile.tlv"]["sha1"]

    mode = rows(parsed["sql_cluster_security_mode"])
    assert [(r["paramname"], r["paramvalue"]) for r in mode] == [("ClusterSecurityMode", str(state["security_mode"]))]

    activated = set((r["node"], r["service"]) for r in rows(parsed["sql_node_services"]))
    assert activated == set((name, service) for name, n in state["nodes"].items()
                            for service, s in n["services"].items() if s["activated"])

    serials = set((r["serialnumber"] or "").lower() for r in rows(parsed["sql_certificate_trust_roles"]))
    for name, n in state["nodes"].items():
        assert n["certs"]["CallManager"]["serial"].lower() in serials, name


@pytest.mark.parametrize("release", ["10.5", "12.5", "14", "15"])
def test_every_output_of_every_release_is_understood(lab_factory, runner, release):
    lab = lab_factory(nodes=3, release=release, time_scale=0.05)
    cluster = lab.lab_json["cluster"]
    hosts = [node["hostname"] for node in lab.lab_json["nodes"]]
    lab.control("POST", "/actions/reset-stats", {})
    before = lab.state()
    bundle = runner.tmp / "bundle"

    proc = run_check(runner, lab, bundle)
    assert_ok(proc)

    # Read-only: nothing changed, and each node was asked every read command once, nothing else.
    assert lab.state() == before
    stats = lab.control("GET", "/stats")["nodes"]
    for host in hosts:
        history = [line for line in stats[host]["history"] if line != SESSION_SETUP]
        assert history == COMMANDS, (host, history)

    total = len(COMMANDS) * len(hosts)
    summary_line = "%s: %d of %d outputs understood" % (cluster, total, total)
    assert summary_line in proc.stdout, proc.stdout[-3000:]
    assert "all clusters: %d of %d outputs understood" % (total, total) in proc.stdout
    summary = load(bundle / "summary.json")
    assert (summary["understood"], summary["total"]) == (total, total)
    assert [(c["cluster"], c["summary"]) for c in summary["clusters"]] == \
        [(cluster, "%d of %d outputs understood" % (total, total))]
    assert [n["host"] for n in summary["clusters"][0]["nodes"]] == hosts

    state = lab.control("GET", "/state")
    for host in hosts:
        results = load(bundle / cluster / host / "results.json")
        assert results["changed"] is False and not results.get("failed")
        assert results["summary"] == "%d of %d outputs understood" % (len(COMMANDS), len(COMMANDS))
        assert [e["command"] for e in results["commands"]] == COMMANDS
        assert all(e["status"] == "understood" for e in results["commands"]), results["commands"]
        assert results["hostname"] == host and results["release"] == state["version"]
        entries = dict((e["name"], e) for e in results["commands"])
        assert_matches_lab(entries, host, state)
        # The transcript holds the same commands and outputs, one JSON line each.
        transcripts = glob.glob(str(bundle / cluster / host / "transcript" / "*.jsonl"))
        assert len(transcripts) == 1, transcripts
        with open(transcripts[0]) as handle:
            records = [json.loads(line) for line in handle]
        assert [(r["command"], r["output"]) for r in records] == [(e["command"], e["output"]) for e in results["commands"]]

    assert_no_secret(bundle, lab)

    # The bundle becomes replay fixtures that the unit test's check accepts.
    check = unit_check()
    out = runner.tmp / "fixtures"
    make_fixtures(bundle, out)
    paths = check.fixture_paths(str(out))
    assert len(paths) == total
    for path in paths:
        check.check_fixture(path)

    keep = os.environ.get("CUCM_TRUST_REAL_FIXTURES")
    if keep:
        publisher = next(node["hostname"] for node in lab.lab_json["nodes"] if node["publisher"])
        make_fixtures(bundle, keep, publisher)


def test_findings_are_reported_and_only_connection_problems_fail_the_play(lab_factory, runner):
    lab = lab_factory(nodes=3, release="12.5", time_scale=0.05)
    cluster = lab.lab_json["cluster"]
    pub, sub1, sub2 = [node["hostname"] for node in lab.lab_json["nodes"]]
    # An output the parser cannot read; a command that CUCM reports as failed (its failure
    # trailer, the terminal plugin's error marker, in place of a line of the output).
    garbled = "%%% unexpected output: 0x7f3a 0x0000 segment 12 %%%"
    lab.control("POST", "/faults", {"node": sub1, "fault": "garble_output", "command": "^show itl$",
                                    "count": None, "params": {"line": 6, "text": garbled}})
    lab.control("POST", "/faults", {"node": sub2, "fault": "garble_output", "command": "^utils service list$",
                                    "count": None, "params": {"line": 3, "text": "Executed command unsuccessfully"}})
    bundle = runner.tmp / "bundle"
    proc = run_check(runner, lab, bundle)
    assert_ok(proc)  # what is not understood is the finding, not a failure

    total = 3 * len(COMMANDS)
    assert "%s: %d of %d outputs understood" % (cluster, total - 2, total) in proc.stdout, proc.stdout[-3000:]
    sub1_results = load(bundle / cluster / sub1 / "results.json")
    itl = next(e for e in sub1_results["commands"] if e["command"] == "show itl")
    assert itl["status"] == "not_understood" and garbled in itl["error"]["line"]
    assert garbled in itl["error"]["message"] and garbled in itl["output"]
    sub2_results = load(bundle / cluster / sub2 / "results.json")
    listing = next(e for e in sub2_results["commands"] if e["command"] == "utils service list")
    assert listing["status"] == "failed" and listing["error"]["kind"] == "error_line", listing
    assert listing["error"]["lines"] == ["Executed command unsuccessfully"]
    # The commands after the failed one were still typed and understood.
    assert sub2_results["statuses"] == {"understood": len(COMMANDS) - 1, "partly": 0, "not_understood": 0, "failed": 1}
    assert "%s show itl: not_understood" % sub1 in proc.stdout
    assert "%s utils service list: failed" % sub2 in proc.stdout

    # The not-understood output becomes a fixture that fails the unit check, quoting the line,
    # until the parser is fixed; a failed command is no parser fixture and is skipped.
    out = runner.tmp / "fixtures"
    printed = make_fixtures(bundle, out, sub1, sub2)
    assert "%s/%s/utils_service_list: skipped, failed" % (cluster, sub2) in printed, printed
    check = unit_check()
    failing = []
    for path in check.fixture_paths(str(out)):
        try:
            check.check_fixture(path)
        except AssertionError as exc:
            failing.append((os.path.relpath(path, str(out)), str(exc)))
    assert [name for name, _why in failing] == [os.path.join(cluster, sub1, "show_itl.txt")]
    assert garbled in failing[0][1]

    # A node the connection cannot reach fails the play, after the bundle and summary are written.
    lab.control("DELETE", "/faults")
    lab.control("POST", "/faults", {"node": sub2, "fault": "wrong_prompt", "count": None, "params": {"prompt": ""}})
    again = runner.tmp / "again"
    proc = run_check(runner, lab, again, ansible_command_timeout=10, ansible_connect_timeout=10)
    assert proc.returncode != 0, proc.stdout[-3000:]
    summary = load(again / "summary.json")
    nodes = dict((n["host"], n) for n in summary["clusters"][0]["nodes"])
    assert nodes[pub]["read"] and nodes[sub1]["read"] and not nodes[sub2]["read"]
    assert summary["clusters"][0]["nodes_not_read"] == [sub2]
    assert "%s: not read" % sub2 in proc.stdout
    assert load(again / cluster / pub / "results.json")["summary"] == \
        "%d of %d outputs understood" % (len(COMMANDS), len(COMMANDS))
    assert load(again / cluster / sub2 / "results.json")["failed"] is True
    assert_no_secret(again, lab)
    assert_no_secret(bundle, lab)


def test_a_typed_password_is_not_in_the_transcript(lab_factory, runner):
    lab = lab_factory(nodes=3, release="10.5", time_scale=0.05)
    pub = next(node["hostname"] for node in lab.lab_json["nodes"] if node["publisher"])
    transcripts = runner.tmp / "reset-transcript"
    proc = runner.playbook("change_one.yml", lab.inventory_path, limit=pub,
                           extra_vars={"module_name": "itl_reset", "p": {},
                                       "ansible_cucm_transcript_dir": str(transcripts)})
    assert_ok(proc)
    assert runner.result(pub)["changed"] is True
    files = assert_no_secret(transcripts, lab)
    records = []
    for path in files:
        with open(path) as handle:
            records += [json.loads(line) for line in handle]
    reset = [r for r in records if r["command"] == "utils itl reset localkey"]
    assert len(reset) == 1, [r["command"] for r in records]
    # The password was typed (the question is answered, by name) and is nowhere in the record;
    # CUCM does not echo it, so the output goes straight from the question to what followed.
    assert reset[0]["answered"][0] == "ccm_admin_password"
    assert "Enter CCM Administrator password" in reset[0]["output"]
    assert reset[0]["failure"] is None

    # The reset ITL (signed by ITLRecovery on 10.5) is understood by the check too; in check mode
    # it runs the same and still writes the bundle.
    bundle = runner.tmp / "bundle"
    before = lab.state()
    proc = runner.playbook(PLAYBOOK, lab.inventory_path, check=True,
                           extra_vars={"compatibility_check_bundle_dir": str(bundle)})
    assert_ok(proc)
    assert lab.state() == before
    total = 3 * len(COMMANDS)
    assert "%s: %d of %d outputs understood" % (lab.lab_json["cluster"], total, total) in proc.stdout
    assert_no_secret(bundle, lab)


def test_the_commands_after_a_dropped_session_are_still_read(lab_factory, runner):
    lab = lab_factory(nodes=2, release="12.5", time_scale=0.05)
    sub = lab.lab_json["nodes"][1]["hostname"]
    lab.control("POST", "/faults", {"node": sub, "fault": "drop_mid_command", "command": "^utils service list$",
                                    "count": None, "params": {"after_lines": 2}})
    bundle = runner.tmp / "bundle"
    proc = run_check(runner, lab, bundle)
    results = load(bundle / lab.lab_json["cluster"] / sub / "results.json")
    assert [e["error"]["reason"] for e in results["commands"] if e["status"] == "failed"] == ["closed"], results
    assert results["understood"] == len(COMMANDS) - 1
    assert_ok(proc)
