"""Cluster findings built from real transcripts: each node's facts are what the info modules return."""

import os

from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_show_ctl, parse_show_itl
from ansible_collections.cucm.trust.plugins.plugin_utils._trust_report import build_report
from ansible_collections.cucm.trust.plugins.module_utils.trust_facts import summarize

SEEDS = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "seeds")
RELEASE = "10.0.1.10000-24"


def seed(name):
    with open(os.path.join(SEEDS, name)) as handle:
        return handle.read()


def node(host, itl_fixture, ctl_fixture, mode, role="subscriber", tftp=True, expected="CallManager"):
    itl = summarize(parse_show_itl(seed(itl_fixture)))
    itl["expected_signer_unit"] = expected
    ctl = summarize(parse_show_ctl(seed(ctl_fixture)))
    ctl["expected_signer_unit"] = expected
    return {
        "host": host,
        "group": "joemar2",
        "cluster": {
            "local": {"hostname": host, "role": role,
                      "services": {"Cisco Tftp": {"state": "STARTED", "activated": tftp}}},
            "publisher": "test10pub",
            "release": RELEASE,
        },
        "itl": {"release": RELEASE, "summary": itl},
        "ctl": {"security_mode": mode, "summary": ctl},
    }


def codes(report):
    return sorted((f["node"], f["code"]) for f in report["findings"])


def test_healthy_non_secure_cluster_has_no_findings():
    report = build_report([
        node("test10pub", "001_ja_show_itl_before_reset.txt", "002_ja_show_ctl_not_found.txt", "non_secure",
             role="publisher"),
    ])
    assert report["finding_count"] == 0, report["text"]
    assert "findings: none" in report["text"]
    assert report["clusters"][0]["publisher"] == "test10pub"


def test_reset_itl_is_an_unexpected_signer_for_10x():
    report = build_report([
        node("test10pub", "001_ja_show_itl_after_reset.txt", "002_ja_show_ctl_not_found.txt", "non_secure",
             role="publisher"),
    ])
    assert codes(report) == [("test10pub", "itl_signer_unexpected")]
    assert "ITLRECOVERY_test10pub.joemar2.lab" in report["findings"][0]["message"]


def test_stale_ctl_missing_itlrecovery_and_unreadable_node():
    report = build_report([
        node("test10pub", "001_ja_show_itl_before_reset.txt", "002_ja_show_ctl_tokenless_full.txt", "non_secure",
             role="publisher"),
        # the 8.x ITL of the SBD seed has no ITLRECOVERY entry
        node("test10sub", "004_de_show_itl.txt", "002_ja_show_ctl_not_found.txt", "non_secure"),
        {"host": "test10sub2", "group": "joemar2", "error": "'show itl' failed: connection closed"},
    ])
    found = codes(report)
    assert ("test10pub", "ctl_stale") in found
    assert ("test10sub", "itlrecovery_missing") in found
    assert ("test10sub2", "node_unreadable") in found
    assert "UNREADABLE" in report["text"]


def test_mixed_mode_ctl_checksums_must_match():
    report = build_report([
        node("test10pub", "001_ja_show_itl_before_reset.txt", "002_ja_show_ctl_tokenless_full.txt", "mixed",
             role="publisher"),
        node("test10sub", "001_ja_show_itl_before_reset.txt", "002_ja_show_ctl_before_regen_elided.txt",
             "mixed"),
    ])
    assert ("cluster", "ctl_mismatch") in [(f["node"] or "cluster", f["code"]) for f in report["findings"]]


def test_etoken_signed_ctl_is_a_warning():
    report = build_report([
        node("test10pub", "001_ja_show_itl_before_reset.txt", "002_ja_show_ctl_two_etokens_elided.txt", "mixed",
             role="publisher"),
    ])
    warning = [f for f in report["findings"] if f["code"] == "ctl_signed_by_etoken"]
    assert warning and warning[0]["severity"] == "warning"


def test_the_filter_reads_each_hosts_registered_result():
    from ansible_collections.cucm.trust.plugins.filter.trust_report import cucm_trust_report

    healthy = node("test10pub", "001_ja_show_itl_before_reset.txt", "002_ja_show_ctl_not_found.txt", "non_secure",
                   role="publisher")
    hostvars = {
        # What trust_info registered: cluster / itl / ctl under their keys.
        "test10pub": {"group_names": ["cucm", "joemar2"],
                      "trust": {"changed": False, "cluster": healthy["cluster"], "itl": healthy["itl"],
                                "ctl": healthy["ctl"]}},
        "test10sub": {"group_names": ["joemar2", "cucm"],
                      "trust": {"failed": True, "msg": "'show itl' failed: the SSH session closed"}},
        "test10sub2": {"group_names": ["cucm", "joemar2"]},  # ran nothing
    }
    report = cucm_trust_report(["test10pub", "test10sub", "test10sub2"], hostvars, "trust")
    assert [c["name"] for c in report["clusters"]] == ["joemar2"]
    assert codes(report) == [("test10sub", "node_unreadable"), ("test10sub2", "node_unreadable")]
    rows = dict((row["host"], row) for row in report["clusters"][0]["nodes"])
    assert rows["test10sub"]["error"] == "'show itl' failed: the SSH session closed"
    assert rows["test10sub2"]["error"].startswith("no trust facts gathered")
