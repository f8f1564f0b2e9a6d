"""The read-only modules and filters against the lab, compared with the lab's ground truth.

The lab's /state is computed from its own binary trust files and certificates; the modules only
see what `show itl` / `show ctl` / `run sql` print over SSH. They must agree.
"""

import pytest

from integration_support import assert_ok

# (release, backend, ITL record form): None is the release's form (hash-only TVS/CAPF records
# before 12.0 as in the seeds, full certificates from 12.0); which form real 12.x+ writes is
# GUESSED, so one 12.x case runs the other one (lab --itl-record-form).
RELEASE_CASES = [
    ("12.5", "libssh", None),
    ("12.5", "paramiko", None),
    ("10.5", "libssh", None),
    ("10.5", "paramiko", None),
    ("14", "libssh", None),
    ("14", "paramiko", "certhash"),
    ("15", "paramiko", None),
]


def expected_signer_unit(release):
    return "ITLRecovery" if float(release) >= 12 else "CallManager"


def record_facts(records):
    """What identifies each ITL record: function, certificate SHA-1 or certificate hash."""
    return [(r["function"], r["certificate_sha1"], r["cert_hash"]) for r in records]


@pytest.mark.parametrize("release,ssh_type,itl_record_form", RELEASE_CASES)
def test_info_modules_report_what_the_lab_holds(lab_factory, runner, release, ssh_type, itl_record_form):
    lab = lab_factory(nodes=3, release=release, itl_record_form=itl_record_form)
    proc = runner.playbook("info.yml", lab.inventory_path, ssh_type=ssh_type)
    assert_ok(proc)
    state = lab.control("GET", "/state")
    form = itl_record_form or ("full" if float(release) >= 12 else "certhash")
    assert state["itl_record_form"] == form
    publisher = next(h for h, n in state["nodes"].items() if n["publisher"])
    recovery_sha1 = state["nodes"][publisher]["certs"]["ITLRecovery"]["sha1"]

    for host, truth in state["nodes"].items():
        result = runner.result(host)
        cluster = result["cluster"]
        assert cluster["publisher"] == publisher
        assert cluster["local"]["hostname"] == host
        assert cluster["local"]["role"] == ("publisher" if truth["publisher"] else "subscriber")
        assert cluster["release"] == state["version"]
        assert sorted(n["hostname"] for n in cluster["nodes"]) == sorted(state["nodes"])
        assert sorted(cluster["tftp_nodes"]) == sorted(h for h, n in state["nodes"].items() if n["tftp"])

        itl = result["itl"]
        lab_itl = truth["files"]["ITLFile.tlv"]
        assert itl["itl"]["sha1"] == lab_itl["sha1"]
        assert itl["itl"]["md5"] == lab_itl["md5"]
        assert itl["itl"]["length"] == lab_itl["length"]
        assert len(itl["itl"]["records"]) == lab_itl["records"]
        assert record_facts(itl["itl"]["records"]) == record_facts(lab_itl["record_summary"])
        hashed = {r["function"] for r in itl["itl"]["records"] if r["cert_hash"]}
        assert hashed == ({"TVS", "CAPF"} if form == "certhash" else set())
        assert itl["itl"]["verified"] is True
        summary = itl["summary"]
        assert summary["signer"]["unit"] == expected_signer_unit(release)
        assert summary["expected_signer_unit"] == expected_signer_unit(release)
        assert summary["signer_as_expected"] is True
        assert summary["itlrecovery"]["certificate_sha1"] == recovery_sha1
        assert summary["itlrecovery_count"] == 1
        if release.startswith("10"):
            assert summary["signer"]["serial"].replace(":", "") == truth["certs"]["CallManager"]["serial"].zfill(32)

        # The filter on raw `show itl` text gives what the module gives.
        assert result["filtered_itl"]["sha1"] == itl["itl"]["sha1"]
        assert result["filtered_itl"]["summary"]["signer"] == summary["signer"]

        ctl = result["ctl"]
        assert ctl["security_mode"] == "non_secure"
        assert ctl["ctl"]["present"] is False
        assert ctl["summary"]["stale"] is False

    # Every node's ITL is its own (each TFTP node includes its own CallManager certificate).
    checksums = [runner.result(h)["itl"]["itl"]["sha1"] for h in state["nodes"]]
    assert len(set(checksums)) == len(checksums)

    stats = lab.control("GET", "/stats")["nodes"]
    assert all(stats[h]["logins"] == 1 for h in state["nodes"]), stats


@pytest.mark.parametrize("release", ["10.5", "12.5"])
def test_mixed_mode_ctl_is_the_same_on_every_node(lab_factory, runner, release):
    lab = lab_factory(nodes=3, release=release, security_mode="mixed")
    assert_ok(runner.playbook("info.yml", lab.inventory_path))
    state = lab.control("GET", "/state")
    sha1s = set()
    for host, truth in state["nodes"].items():
        ctl = runner.result(host)["ctl"]
        assert ctl["security_mode"] == "mixed"
        assert ctl["ctl"]["sha1"] == truth["files"]["CTLFile.tlv"]["sha1"]
        assert ctl["ctl"]["verified"] is True
        assert ctl["summary"]["signer"]["unit"] == expected_signer_unit(release)
        assert ctl["summary"]["tokenless"] is True
        assert ctl["summary"]["stale"] is False
        sha1s.add(ctl["ctl"]["sha1"])
    assert len(sha1s) == 1


def test_many_tasks_use_one_ssh_session_per_node(lab_factory, runner):
    lab = lab_factory(nodes=3, release="12.5")
    assert_ok(runner.playbook("many_tasks.yml", lab.inventory_path))
    stats = lab.control("GET", "/stats")["nodes"]
    assert sorted(stats) == sorted(n["hostname"] for n in lab.lab_json["nodes"])
    for host, node in stats.items():
        assert node["logins"] == 1, (host, node)
        assert node["commands"] >= 10, (host, node)


def test_check_mode_reads_the_same(lab_factory, runner):
    lab = lab_factory(nodes=2, release="14")
    before = lab.control("GET", "/state")
    assert_ok(runner.playbook("info.yml", lab.inventory_path, check=True))
    for host, truth in before["nodes"].items():
        assert runner.result(host)["itl"]["itl"]["sha1"] == truth["files"]["ITLFile.tlv"]["sha1"]
    after = lab.control("GET", "/state")
    assert after["nodes"] == before["nodes"]
