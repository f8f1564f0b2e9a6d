"""The trust audit's findings and archive history (plugin_utils/_trust_audit.py).

Node entries are built the way trust_file_info builds them, from the lab-made binary ITL/CTL
fixtures (tests/unit/fixtures/trust_files) read by the collection's reader: the publisher and a
subscriber of one 12.5 cluster in mixed mode. The integration tests (test_trust_audit.py) produce
each finding with a lab fault; these tests pin the rules and the edges.
"""

import copy
import datetime
import os

import pytest

from ansible_collections.cucm.trust.plugins.module_utils._trust_file_fetch import add_validity
from ansible_collections.cucm.trust.plugins.module_utils.trust_file import parse_trust_file, verify_trust_file
from ansible_collections.cucm.trust.plugins.plugin_utils._trust_audit import build_audit, plan_history

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                        "fixtures", "trust_files")


def file_entry(name):
    with open(os.path.join(FIXTURES, name), "rb") as handle:
        data = handle.read()
    parsed = parse_trust_file(data)
    add_validity(data, parsed)
    return {"status": "fetched", "sha1": parsed["sha1"], "size": parsed["size"], "parsed": parsed,
            "verification": verify_trust_file(data, parsed), "differences": [], "agrees": True,
            "server_time": None}


def node(host, itl, publisher=False):
    return {"host": host, "cluster": "lab125", "hostname": host, "publisher": publisher, "tftp": True,
            "security_mode": "mixed", "failed": False, "msg": "", "problems": [],
            "files": {"itl": file_entry(itl), "ctl": file_entry("lab125_mixed_ctl.tlv")},
            "ctl_stale_differences": [] if publisher else None, "ctl_stale_error": ""}


@pytest.fixture
def nodes():
    return [node("lab125-pub", "lab125_mixed_pub_itl.tlv", publisher=True),
            node("lab125-sub1", "lab125_mixed_sub1_itl.tlv")]


def recovery_sha1(entries):
    records = entries[0]["files"]["itl"]["parsed"]["records"]
    return next(r["certificate_sha1"] for r in records if "ITLRECOVERY" in (r["subject"] or "").upper())


def backups_for(entries):
    return [{"cluster": "lab125", "verified": True, "certificate": {"sha1": recovery_sha1(entries)}}]


def not_after(entries):
    records = entries[0]["files"]["itl"]["parsed"]["records"]
    return min(datetime.datetime.strptime(r["not_after"], "%Y-%m-%dT%H:%M:%SZ") for r in records if r["not_after"])


def ids(report):
    return sorted(f["id"] for f in report["findings"])


def test_a_healthy_cluster_has_no_findings(nodes):
    report = build_audit(nodes, now="2026-12-01T00:00:00Z", backups=backups_for(nodes))
    assert report["findings"] == [] and report["failed_clusters"] == []
    assert report["archive"]["lab125"]["nodes"] == nodes
    assert set(report["clusters"][0]["certificates"]) == {"lab125-pub", "lab125-sub1"}
    assert "No findings." in report["markdown"]


def test_without_backup_reports_the_check_is_a_warning_and_an_unmatched_backup_is_critical(nodes):
    assert ids(build_audit(nodes, now="2026-12-01T00:00:00Z", backups=None)) == ["backup_not_checked"]
    other = [{"cluster": "lab125", "verified": True, "certificate": {"sha1": "00" * 20}},
             {"cluster": "lab125", "verified": False, "certificate": {"sha1": recovery_sha1(nodes)}}]
    report = build_audit(nodes, now="2026-12-01T00:00:00Z", backups=other)
    assert ids(report) == ["no_verified_backup"] and report["failed_clusters"] == ["lab125"]


def test_expiry_is_counted_in_the_cluster_clock(nodes):
    end = not_after(nodes)
    for days_left, expected in ((90, []), (30, ["warning"]), (10, ["critical"]), (-1, ["critical"])):
        when = (end - datetime.timedelta(days=days_left)).strftime("%Y-%m-%dT%H:%M:%SZ")
        report = build_audit(nodes, now=when, backups=backups_for(nodes))
        assert sorted(set(f["severity"] for f in report["findings"])) == expected, (days_left, report["findings"])
        assert all(f["id"] == "certificate_expiring" for f in report["findings"])
    # The node's clock (HTTP Date) wins over the controller's.
    late = (end - datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    nodes[0]["files"]["itl"]["server_time"] = late
    report = build_audit(nodes, now="2026-12-01T00:00:00Z", backups=backups_for(nodes))
    assert report["clusters"][0]["cluster_time"] == late and "certificate_expiring" in ids(report)


def test_a_subscriber_missing_a_shared_record_disagrees_but_its_own_certificate_does_not(nodes):
    sub = nodes[1]["files"]["itl"]["parsed"]
    own = [r for r in sub["records"] if r["function"] in ("CCM+TFTP", "TFTP")]
    assert own  # its own CallManager certificate differs from the publisher's: not a finding (healthy test)
    tvs = next(r for r in sub["records"] if r["function"] == "TVS")
    sub["records"] = [r for r in sub["records"] if r is not tvs]
    report = build_audit(nodes, now="2026-12-01T00:00:00Z", backups=backups_for(nodes))
    assert ids(report) == ["itl_records_disagree"]
    assert report["findings"][0]["node"] == "lab125-sub1" and "missing TVS" in report["findings"][0]["message"]


def test_ctl_differs_stale_ctl_channels_and_unreachable_hosts(nodes):
    changed = copy.deepcopy(nodes)
    changed[1]["files"]["ctl"]["sha1"] = "ab" * 20
    changed[0]["ctl_stale_differences"] = [{"server": "lab125-pub", "unit": "CallManager", "problem": "changed"}]
    changed[1]["problems"] = ["ITLFile.tlv: record 3 certificate hash differs, certificate at byte offset 2913"]
    changed[1]["files"]["itl"]["agrees"] = False
    report = build_audit(changed, now="2026-12-01T00:00:00Z", backups=backups_for(nodes),
                         hosts=["lab125-pub", "lab125-sub1", "lab125-sub2"])
    assert ids(report) == ["binary_cli_disagree", "ctl_differs", "ctl_stale", "node_unreadable"]
    assert all(f["severity"] == "critical" for f in report["findings"])
    assert "byte offset 2913" in [f for f in report["findings"] if f["id"] == "binary_cli_disagree"][0]["message"]


def test_callmanager_and_tvs_regenerated_together_uses_the_previous_audit(nodes):
    keys = build_audit(nodes, now="2026-12-01T00:00:00Z", backups=backups_for(nodes))["clusters"][0]["certificates"]
    # Same certificates as the previous audit, issued at install time: nothing.
    report = build_audit(nodes, now="2026-12-01T00:00:00Z", backups=backups_for(nodes), previous={"lab125": keys})
    assert report["findings"] == []
    # The previous audit saw other CallManager and TVS certificates on the publisher: both were
    # regenerated, and they were issued within the TVS cache window of each other.
    previous = {"lab125": {"lab125-pub": {"CallManager": "11" * 20, "TVS": "22" * 20}}}
    report = build_audit(nodes, now="2026-12-01T00:00:00Z", backups=backups_for(nodes), previous=previous)
    assert ids(report) == ["callmanager_tvs_regenerated_together"]
    assert report["findings"][0]["node"] == "lab125-pub"
    # A cache window of 0 s: no phone can hold a stale answer.
    report = build_audit(nodes, now="2026-12-01T00:00:00Z", backups=backups_for(nodes), previous=previous,
                         tvs_cache_seconds=0)
    assert report["findings"] == []


def test_history_keeps_the_newest_and_never_the_entry_being_written():
    root = "/archive"
    paths = ["/archive/a/20261101T000000Z/audit.json", "/archive/a/20261102T000000Z/audit.json",
             "/archive/a/20261103T000000Z/audit.json", "/archive/b/20261101T000000Z/audit.json",
             "/archive/a/notes.txt", "/elsewhere/a/20261101T000000Z/audit.json"]
    plan = plan_history(paths, root, "20261104T000000Z", keep=2)
    assert plan["previous"] == {"a": "/archive/a/20261103T000000Z/audit.json",
                                "b": "/archive/b/20261101T000000Z/audit.json"}
    assert plan["expired"] == ["/archive/a/20261101T000000Z", "/archive/a/20261102T000000Z"]
    # keep 0 is read as 1: the new entry stays, everything before goes.
    plan = plan_history(paths, root, "20261104T000000Z", keep=0, clusters=["b"])
    assert plan["expired"] == ["/archive/b/20261101T000000Z"]
