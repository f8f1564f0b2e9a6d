"""cucm.trust.recovery_plan's main() over a replayed CLI: the lab's show itl of a 12.5 publisher
(tests/unit/fixtures/trust_files, lab-made), an archive and a backup report written in tmp_path
the way the trust_audit and itl_recovery_backup roles write them, from the same fixtures."""

import json
import os

from ansible_collections.cucm.trust.plugins.module_utils.trust_file import parse_trust_file
from ansible_collections.cucm.trust.plugins.modules import recovery_plan
from module_replay import ReplayConnection, run_main
from reference_texts import show_network_cluster

TRUST_FILES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures", "trust_files")
NODES = [("lab125-pub", "lab125-pub.lab.example", "192.0.2.10", True),
         ("lab125-sub1", "lab125-sub1.lab.example", "192.0.2.11", False)]
RELEASE = "12.5.1.14900-63"


def fixture(name, mode="r"):
    with open(os.path.join(TRUST_FILES, name), mode) as handle:
        return handle.read()


def connection(local="lab125-pub", itl="lab125_mixed_pub_itl.txt"):
    return ReplayConnection(RELEASE, {"show network cluster": show_network_cluster(NODES, local),
                                      "show itl": fixture(itl)})


def write_archive(root, stamp, served):
    nodes = []
    for host, name in served:
        parsed = parse_trust_file(fixture(name, "rb"))
        nodes.append({"host": host, "hostname": host, "tftp": True,
                      "files": {"itl": {"status": "fetched", "sha1": parsed["sha1"], "parsed": parsed}}})
    directory = root / "lab125" / stamp
    directory.mkdir(parents=True)
    time = "%s-%s-%sT%s:%s:%sZ" % (stamp[:4], stamp[4:6], stamp[6:8], stamp[9:11], stamp[11:13], stamp[13:15])
    (directory / "audit.json").write_text(json.dumps({"time": time, "cluster": "lab125", "nodes": nodes}))
    return str(directory / "audit.json")


def old_itlrecovery():
    parsed = parse_trust_file(fixture("lab125_nonsecure_pub_itl.tlv", "rb"))
    return next(r for r in parsed["records"] if r["subject"].startswith("CN=ITLRECOVERY_"))


def test_localkey_from_the_archive_and_show_itl(tmp_path, monkeypatch, capsys):
    served = [("lab125-pub", "lab125_mixed_pub_itl.tlv"), ("lab125-sub1", "lab125_mixed_sub1_itl.tlv")]
    path = write_archive(tmp_path / "archive", "20991201T020000Z", served)
    conn = connection()
    result = run_main(recovery_plan.main, {"archive_dir": str(tmp_path / "archive"), "cluster": "lab125"},
                      conn, monkeypatch, capsys, check_mode=True)
    assert conn.sent == ["show network cluster", "show itl"]  # reads only, in check mode too
    assert result["changed"] is False
    assert result["recommendation"] == "localkey" and result["key_source"] == "local"
    assert result["release"] == RELEASE
    assert sorted(n for i in result["itls_considered"] for n in i["nodes"]) == ["lab125-pub", "lab125-sub1"]
    assert [e["path"] for e in result["window"]["archive_entries"]] == [path]


def test_remotekey_from_a_backup_report(tmp_path, monkeypatch, capsys):
    archive = tmp_path / "archive"
    write_archive(archive, "20991124T020000Z", [("lab125-pub", "lab125_nonsecure_pub_itl.tlv")])
    reports = tmp_path / "reports"
    reports.mkdir()
    record = old_itlrecovery()
    backup = {"cluster": "lab125", "verified": True, "path": "/backups/lab125/20991120T010000Z/ITLRecovery.p12",
              "certificate": {"sha1": record["certificate_sha1"], "common_name": "ITLRECOVERY_lab125-pub",
                              "serial": record["serial"]}}
    (reports / "backup.json").write_text(json.dumps({"clusters": [backup]}))
    (reports / "broken.json").write_text("{")
    result = run_main(recovery_plan.main, {"archive_dir": str(archive), "cluster": "lab125",
                                           "backup_report_dir": str(reports), "since": "2099-11-01"},
                      connection(), monkeypatch, capsys)
    assert result["recommendation"] == "remotekey", result["reasons"]
    assert result["backup"]["path"] == backup["path"]
    assert any("broken.json could not be read" in r for r in result["reasons"])


def test_on_a_subscriber_it_names_the_publisher(tmp_path, monkeypatch, capsys):
    result = run_main(recovery_plan.main, {"archive_dir": str(tmp_path), "cluster": "lab125"},
                      connection(local="lab125-sub1"), monkeypatch, capsys)
    assert result["failed"] is True
    assert result["msg"] == "lab125-sub1 is a subscriber; the recovery plan runs on the publisher lab125-pub"


def test_a_date_that_is_not_one_fails_clearly(tmp_path, monkeypatch, capsys):
    result = run_main(recovery_plan.main, {"archive_dir": str(tmp_path), "cluster": "lab125", "since": "last week"},
                      connection(), monkeypatch, capsys)
    assert result["failed"] is True and "not an ISO 8601 date" in result["msg"]


def test_change_preview_without_archive_reads_only_and_names_every_node(monkeypatch, capsys):
    from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import CLUSTER_SECURITY_MODE
    from lab_texts import lab_cluster, run_sql

    lab = lab_cluster("lab125", "12.5", 2, security_mode=0)
    conn = ReplayConnection(RELEASE, {"show network cluster": show_network_cluster(NODES, "lab125-pub"),
                                      "show itl": fixture("lab125_nonsecure_pub_itl.txt"),
                                      "show ctl": fixture("lab125_back_to_nonsecure_ctl.txt"),
                                      CLUSTER_SECURITY_MODE: run_sql(lab, CLUSTER_SECURITY_MODE)})
    result = run_main(recovery_plan.main, {"cluster": "lab125", "change": {"action": "mixed_mode"}},
                      conn, monkeypatch, capsys, check_mode=True)
    # The second show network cluster asks for the session's earlier answer (reuse): the cliconf plugin does not
    # type it again.
    assert conn.sent == ["show network cluster", "show itl", "show ctl", CLUSTER_SECURITY_MODE, "show network cluster"]
    assert result["changed"] is False
    preview = result["change_preview"]
    assert preview["security_mode"] == "non_secure" and preview["unchanged"] is False
    (served,) = preview["serves_next"]
    assert served["nodes"] == ["lab125-pub", "lab125-sub1"]  # the CTL is copied to every node
    assert served["signer"]["unit"] == "ITLRecovery" and preview["safe"] is True
    assert result["reasons"][0].startswith("no trust audit archive was given")


def test_certificate_regeneration_needs_its_unit(monkeypatch, capsys):
    result = run_main(recovery_plan.main, {"cluster": "lab125", "change": {"action": "certificate_regeneration"}},
                      connection(), monkeypatch, capsys)
    assert result["failed"] and "unit" in result["msg"], result
