"""The recovery plan's rules (module_utils/_recovery_plan.py) on lab-made ITLs.

Every certificate comes from the lab-made binary fixtures (tests/unit/fixtures/trust_files), read
by the collection's reader (parse_trust_file) for the archive and by parse_show_itl for the
publisher's current ITL - nothing is invented. The fixtures give:

* lab125_mixed_pub_itl / lab125_mixed_sub1_itl / lab125_sha512_pub_itl: one 12.5 cluster (same
  ITLRecovery, TVS and CallManager certificates; the sub1 ITL's SAST records are ITLRecovery and
  sub1's own CallManager);
* lab125_nonsecure_pub_itl: another 12.5 cluster of the same host names (every certificate
  different): what the phones of a rebuilt publisher still hold;
* lab105_*: the same for 10.5.
"""

import json
import os

from ansible_collections.cucm.trust.plugins.module_utils._recovery_plan import (
    accepts,
    build_plan,
    collect_itls,
    read_archive,
)
from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_show_itl
from ansible_collections.cucm.trust.plugins.module_utils.trust_facts import summarize
from ansible_collections.cucm.trust.plugins.module_utils.trust_file import parse_trust_file

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                        "fixtures", "trust_files")
NOW = "2026-12-01T12:00:00Z"


def binary(name):
    with open(os.path.join(FIXTURES, name + ".tlv"), "rb") as handle:
        return parse_trust_file(handle.read())


def current(name):
    with open(os.path.join(FIXTURES, name + ".txt")) as handle:
        parsed = parse_show_itl(handle.read())
    return {"itl": parsed, "summary": summarize(parsed)}


def entry(cluster, stamp, served):
    """An archive entry as the trust_audit role writes it: ``served`` = [(node, fixture name)]."""
    time = "%s-%s-%sT%s:%s:%sZ" % (stamp[:4], stamp[4:6], stamp[6:8], stamp[9:11], stamp[11:13], stamp[13:15])
    nodes = []
    for host, name in served:
        parsed = binary(name)
        nodes.append({"host": host, "hostname": host, "tftp": True, "publisher": host.endswith("pub"),
                      "files": {"itl": {"status": "fetched", "sha1": parsed["sha1"], "parsed": parsed}},
                      "cli": {"itl": None}})
    path = "/archive/%s/%s/audit.json" % (cluster, stamp)
    return path, {"time": time, "cluster": cluster, "nodes": nodes}


def record(name, function, cn_prefix):
    return next(r for r in binary(name)["records"] if r["function"] == function
                and r["subject"].startswith("CN=" + cn_prefix))


def backup(name, cn_prefix, stamp, verified=True, cluster="lab125"):
    """A backup report entry whose certificate is the ITLRecovery record of a fixture."""
    source = record(name, "System Administrator Security Token", "ITLRECOVERY_" + cn_prefix)
    return {"cluster": cluster, "verified": verified,
            "path": "/backups/%s/%s/ITLRecovery.p12" % (cluster, stamp),
            "certificate": {"sha1": source["certificate_sha1"], "common_name": "ITLRECOVERY_" + cn_prefix,
                            "serial": source["serial"], "not_after": source.get("not_after")}}


def plan(entries, now_itl, version="12.5.1.14900-63", **kwargs):
    kwargs.setdefault("cluster", "lab125")
    cluster = kwargs.pop("cluster")
    return build_plan(cluster, version, entries, current(now_itl), NOW, **kwargs)


def test_localkey_recovers_phones_holding_the_current_itl():
    entries = [entry("lab125", "20261124T020000Z", [("lab125-pub", "lab125_mixed_pub_itl")]),
               entry("lab125", "20261201T020000Z", [("lab125-pub", "lab125_mixed_pub_itl")])]
    result = plan(entries, "lab125_mixed_pub_itl")

    assert result["recommendation"] == "localkey"
    assert result["key_source"] == "local"
    assert result["backup"] is None
    # 12.5: the localkey reset ITL is signed by the publisher's CallManager certificate.
    callmanager = record("lab125_mixed_pub_itl", "CCM+TFTP", "lab125-pub")
    assert result["signer"]["sha1"] == callmanager["certificate_sha1"]
    assert result["signer"]["unit"] == "CallManager"
    assert [i["sha1"] for i in result["itls_considered"]] == [binary("lab125_mixed_pub_itl")["sha1"]]
    considered = result["itls_considered"][0]
    assert considered["nodes"] == ["lab125-pub"] and considered["current"] is True
    assert considered["first_seen"] == "2026-11-24T02:00:00Z" and considered["last_seen"] == "2026-12-01T02:00:00Z"
    assert [e["path"] for e in considered["archive_entries"]] == [p for p, _e in entries]
    assert any("/archive/lab125/20261124T020000Z/audit.json" in r for r in result["reasons"])
    assert result["phones_needing_manual_deletion"] is None
    assert set(s["common_name"] for s in result["trusted_signers"]) == {"ITLRECOVERY_lab125-pub", "lab125-pub"}


def test_localkey_on_10_5_is_signed_by_itlrecovery():
    entries = [entry("lab105", "20261130T020000Z", [("lab105-pub", "lab105_mixed_pub_itl")])]
    result = plan(entries, "lab105_mixed_pub_itl", version="10.5.2.10000-5", cluster="lab105")

    assert result["recommendation"] == "localkey"
    recovery = record("lab105_mixed_pub_itl", "System Administrator Security Token", "ITLRECOVERY_")
    assert result["signer"]["sha1"] == recovery["certificate_sha1"]
    assert result["signer"]["unit"] == "ITLRecovery"


def test_tvs_vouches_when_the_signer_is_not_in_the_phones_itl():
    # Phones of sub1 hold its ITL: SAST ITLRecovery + sub1's CallManager, not the publisher's CallManager that
    # signs a 12.5 localkey reset ITL. Its TVS certificates are still the ones the cluster presents.
    sub1 = binary("lab125_mixed_sub1_itl")
    callmanager = record("lab125_mixed_pub_itl", "CCM+TFTP", "lab125-pub")
    signer = {"sha1": callmanager["certificate_sha1"], "common_name": "lab125-pub", "serial": callmanager["serial"]}
    presented = [r["certificate_sha1"] for r in binary("lab125_mixed_pub_itl")["records"] if r["function"] == "TVS"]
    assert accepts(sub1["records"], signer, presented) == (True, "tvs")
    assert accepts(sub1["records"], signer, []) == (False, None)

    entries = [entry("lab125", "20261130T020000Z", [("lab125-pub", "lab125_mixed_pub_itl"),
                                                    ("lab125-sub1", "lab125_mixed_sub1_itl")])]
    result = plan(entries, "lab125_mixed_pub_itl")
    assert result["recommendation"] == "localkey"
    assert any("through TVS" in r and sub1["sha1"][:12] in r for r in result["reasons"])


def test_rebuilt_publisher_localkey_fails_and_the_old_backup_works():
    # The phones took the old cluster's ITL; the publisher now has new certificates (ITLRecovery, CallManager
    # and TVS all changed): localkey strands them, the backup of the old ITLRecovery key brings them back.
    old, new = "lab125_nonsecure_pub_itl", "lab125_mixed_pub_itl"
    entries = [entry("lab125", "20261124T020000Z", [("lab125-pub", old)]),
               entry("lab125", "20261201T020000Z", [("lab125-pub", new)])]
    backups = [backup(old, "lab125-pub", "20261120T010000Z"),
               backup(new, "lab125-pub", "20261201T010000Z")]
    result = plan(entries, new, backups=backups)

    assert result["recommendation"] == "remotekey"
    assert result["key_source"] == "remote"
    assert result["backup"]["path"] == "/backups/lab125/20261120T010000Z/ITLRecovery.p12"
    assert result["backup"]["certificate"]["sha1"] == record(old, "System Administrator Security Token",
                                                             "ITLRECOVERY_")["certificate_sha1"]
    local = next(c for c in result["candidates"] if c["key_source"] == "local")
    assert local["misses"] == [binary(old)["sha1"]]
    newer = next(c for c in result["candidates"] if c["backup"] and "20261201" in c["backup"]["path"])
    assert newer["misses"] == [binary(old)["sha1"]]
    assert any(r.startswith("localkey would strand phones") and "20261124T020000Z" in r for r in result["reasons"])
    assert "GUESSED" in result["remotekey_signer_rule"]


def test_unverified_backup_is_ignored():
    old, new = "lab125_nonsecure_pub_itl", "lab125_mixed_pub_itl"
    entries = [entry("lab125", "20261124T020000Z", [("lab125-pub", old)])]
    result = plan(entries, new, backups=[backup(old, "lab125-pub", "20261120T010000Z", verified=False)])

    assert result["recommendation"] == "none"
    assert result["backup"] is None
    assert any("not verified" in r for r in result["reasons"])
    # A verified older one next to a newer unverified one: the verified one is used.
    result = plan(entries, new, backups=[backup(old, "lab125-pub", "20261125T010000Z", verified=False),
                                         backup(old, "lab125-pub", "20261110T010000Z")])
    assert result["recommendation"] == "remotekey"
    assert result["backup"]["path"] == "/backups/lab125/20261110T010000Z/ITLRecovery.p12"
    # Another cluster's backup does not count.
    result = plan(entries, new, backups=[backup(old, "lab125-pub", "20261110T010000Z", cluster="other")])
    assert result["recommendation"] == "none"


def test_none_names_the_phones_holding_the_stranded_itl():
    old, new = "lab125_nonsecure_pub_itl", "lab125_mixed_pub_itl"
    entries = [entry("lab125", "20261124T020000Z", [("lab125-pub", old)]),
               entry("lab125", "20261201T020000Z", [("lab125-pub", new)])]
    phones = [{"name": "SEP000000000001", "itl_sha1": binary(old)["sha1"].upper()},
              {"name": "SEP000000000002", "itl_sha1": binary(new)["sha1"]},
              {"name": "SEP000000000003", "itl_sha1": binary("lab14_mixed_pub_itl")["sha1"]}]
    result = plan(entries, new, backups=[backup(new, "lab125-pub", "20261201T010000Z")], phones=phones)

    assert result["recommendation"] == "none"
    assert result["key_source"] is None
    assert [i["sha1"] for i in result["stranded_itls"]] == [binary(old)["sha1"]]
    stranded = result["stranded_itls"][0]
    assert stranded["nodes"] == ["lab125-pub"] and stranded["first_seen"] == "2026-11-24T02:00:00Z"
    assert result["phones_needing_manual_deletion"] == ["SEP000000000001"]
    assert result["phones_unknown_itl"] == ["SEP000000000003"]

    without = plan(entries, new)
    assert without["phones_needing_manual_deletion"] is None
    assert any("every phone that holds one of these ITLs" in r for r in without["reasons"])


def test_window_bounds():
    old, new = "lab125_nonsecure_pub_itl", "lab125_mixed_pub_itl"
    entries = [entry("lab125", "20261010T020000Z", [("lab125-pub", old)]),   # 52 days before NOW
               entry("lab125", "20261025T020000Z", [("lab125-pub", new)]),   # 37 days: newest before the window
               entry("lab125", "20261130T020000Z", [("lab125-pub", new)])]
    result = plan(entries, new, days=30)
    assert result["recommendation"] == "localkey"
    assert [e["path"] for e in result["window"]["archive_entries"]] == [entries[1][0], entries[2][0]]
    assert [e["path"] for e in result["window"]["left_out"]] == [entries[0][0]]
    assert result["window"]["start"] == "2026-11-01T12:00:00Z"

    # The old ITL's entry is the newest before the window: it may have been served into it.
    result = plan(entries, new, since="2026-10-20")
    assert result["recommendation"] == "none"
    assert result["window"]["days"] is None and result["window"]["start"] == "2026-10-20T00:00:00Z"

    result = plan(entries, new, since="2026-10-01T00:00:00Z")
    assert result["recommendation"] == "none"
    assert result["window"]["left_out"] == []


def test_no_archive_entry_leaves_only_the_current_itl(tmp_path):
    result = plan([], "lab125_mixed_pub_itl")
    assert result["recommendation"] == "localkey"
    assert any("holds no entry for the window" in r for r in result["reasons"])

    # read_archive: the role's layout; an unreadable entry is a note, not a failure.
    path, audit = entry("lab125", "20261130T020000Z", [("lab125-pub", "lab125_mixed_pub_itl")])
    good = tmp_path / "lab125" / "20261130T020000Z"
    good.mkdir(parents=True)
    (good / "audit.json").write_text(json.dumps(audit))
    bad = tmp_path / "lab125" / "20261201T020000Z"
    bad.mkdir()
    (bad / "audit.json").write_text("{not json")
    entries, notes = read_archive(str(tmp_path), "lab125")
    assert [p for p, _a in entries] == [str(good / "audit.json")]
    assert len(notes) == 1 and "could not be read" in notes[0]
    itls, used, _skipped = collect_itls(entries, __import__("datetime").datetime(2026, 11, 1))
    assert list(itls) == [binary("lab125_mixed_pub_itl")["sha1"]] and len(used) == 1
    assert read_archive(str(tmp_path), "nowhere")[0] == []


def test_on_the_cluster_clock_entries_take_the_time_their_nodes_sent():
    from ansible_collections.cucm.trust.plugins.module_utils._recovery_plan import on_cluster_clock

    week_old = entry("lab125", "20261201T020000Z", [("lab125-pub", "lab125_mixed_pub_itl"),
                                                    ("lab125-sub1", "lab125_mixed_sub1_itl")])
    nodes = week_old[1]["nodes"]
    nodes[0]["files"]["itl"]["server_time"] = "2026-11-24T02:00:05Z"
    nodes[1]["files"]["itl"]["server_time"] = "2026-11-24T02:00:01Z"
    nodes[1]["files"]["ctl"] = {"status": "absent", "server_time": "not a date"}
    unstamped = entry("lab125", "20261201T030000Z", [("lab125-pub", "lab125_mixed_pub_itl")])
    moved, missing = on_cluster_clock([week_old, unstamped])
    assert moved[0][1]["time"] == "2026-11-24T02:00:01Z"  # the earliest Date its nodes sent
    assert moved[0][1]["controller_time"] == "2026-12-01T02:00:00Z"
    assert moved[1] == unstamped and missing == [unstamped[0]]
    # A 3-day window on the cluster's clock leaves the week-old entry out (it is the newest before the window,
    # so its ITL still counts, but it is timed a week back).
    result = plan(moved, "lab125_mixed_pub_itl", days=3)
    used = [e["time"] for e in result["window"]["archive_entries"]]
    assert used == ["2026-11-24T02:00:01Z", "2026-12-01T03:00:00Z"]
