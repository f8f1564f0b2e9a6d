"""The per-cluster summary of an itl_recovery_backup play (filter backup_report), from the result
shapes the module returns: a verified backup, an unverified one, a failure, a host that recorded
nothing, and a check-mode pre-flight (nothing written, so nothing to verify, and not a failure)."""

from ansible_collections.cucm.trust.plugins.plugin_utils._backup_report import build_backup_report

VERIFIED = {"changed": True, "is_publisher": True, "verified": True, "path": "/backups/a/20261201T000000Z/ITLRecovery.p12",
            "checks": {"pkcs12": "passed", "matches_itl": "passed"}, "certificate": {"days_left": 1800},
            "same_as_previous": True, "removed": []}
PREFLIGHT = {"changed": True, "is_publisher": True, "verified": False, "checks": {}, "removed": [],
             "path": "/backups/b/20261201T000000Z/ITLRecovery.p12",
             "msg": "check mode: the SFTP target is reachable and writable; a backup would be written"}


def entry(host, cluster, result, role="publisher"):
    return {"host": host, "cluster": cluster, "role": role, "result": result}


def test_a_verified_backup_passes_and_an_unverified_one_fails_naming_the_check():
    unverified = dict(VERIFIED, verified=False, checks={"pkcs12": "passed", "matches_itl": "failed"})
    report = build_backup_report([entry("a-pub", "a", VERIFIED), entry("b-pub", "b", unverified)])
    assert report["failed_clusters"] == ["b"]
    assert report["clusters"][1]["problem"] == "backup written but not verified: matches_itl failed"
    assert "a                yes      1800  unchanged  /backups/a/" in report["text"]


def test_check_mode_preflight_is_not_a_failure_and_says_where_it_would_write():
    report = build_backup_report([entry("b-pub", "b", PREFLIGHT), entry("b-sub", "b", {}, role="subscriber")],
                                 hosts=["b-pub", "b-sub"], check_mode=True)
    assert report["failed_clusters"] == []
    assert report["clusters"][0]["check_mode"] is True and report["clusters"][0]["verified"] is False
    assert "check" in report["text"] and "would write /backups/b/20261201T000000Z/ITLRecovery.p12" in report["text"]


def test_check_mode_still_fails_a_failed_preflight_and_a_silent_host():
    failed = {"failed": True, "is_publisher": True, "msg": "SFTP pre-flight: Permission denied"}
    report = build_backup_report([entry("c-pub", "c", failed)], hosts=["c-pub", "d-pub"], check_mode=True)
    assert report["failed_clusters"] == ["c", "d-pub"]
    assert report["clusters"][0]["problem"] == "SFTP pre-flight: Permission denied"
    assert report["clusters"][1]["problem"] == "no result (host unreachable?)"
    assert "NO" in report["text"].splitlines()[1]


def test_without_check_mode_a_preflight_shaped_result_fails():
    report = build_backup_report([entry("b-pub", "b", PREFLIGHT)])
    assert report["failed_clusters"] == ["b"]
