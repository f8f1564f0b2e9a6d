"""trust_file_info: the ITL and CTL each lab node serves over HTTP (the phones' channel), read by
the collection's own binary reader, verified, and compared with the same node's `show itl` /
`show ctl` (the CLI channel) - on every lab release and node; then a byte tampered on the HTTP
copy only, which must fail naming the byte offset.

Ground truth: the lab's stored files (`GET /file`), which both channels come from.
"""

import hashlib
import os

import pytest

from integration_support import assert_ok
from test_change_modules import publisher, run

RELEASES = ["10.5", "11.5", "12.5", "14", "15"]


CASES = [(r, None) for r in RELEASES] + [("12.5", "certhash"), ("10.5", "full")]


@pytest.mark.parametrize("release,itl_record_form", CASES)
def test_every_node_serves_what_its_cli_says(lab_factory, runner, tmp_path, release, itl_record_form):
    options = {"itl_record_form": itl_record_form} if itl_record_form else {}
    lab = lab_factory(nodes=2, release=release, time_scale=0.02, security_mode="mixed", **options)
    save = str(tmp_path / "saved")
    assert_ok(run(runner, lab, "trust_file_info", {"save_dir": save + "/{{ inventory_hostname }}"}))
    nodes = lab.control("GET", "/state")["nodes"]
    for host in nodes:
        result = runner.result(host)
        assert not result.get("failed"), result.get("msg")
        assert result["problems"] == []
        for kind, name in (("itl", "ITLFile.tlv"), ("ctl", "CTLFile.tlv")):
            entry = result["files"][kind]
            assert entry["status"] == "fetched" and entry["agrees"] is True, entry
            assert entry["verification"]["verified"] is True
            assert entry["differences"] == []
            # Both channels describe the file the node holds.
            assert entry["sha1"] == nodes[host]["files"][name]["sha1"] == result[kind][kind]["sha1"]
            assert len(entry["parsed"]["records"]) == len(result[kind][kind]["records"])
            with open(os.path.join(save, host, name), "rb") as handle:
                assert hashlib.sha1(handle.read()).hexdigest() == entry["sha1"]
    # The signer the binary names is the one the release uses (10.x/11.x CallManager, 12.0+ ITLRecovery).
    itl = runner.result(publisher(lab))["files"]["itl"]["parsed"]
    expected = "ITLRECOVERY" if float(release) >= 12 else "CN=%s" % publisher(lab)
    assert expected in itl["signer"]["subject"].upper() or expected in itl["signer"]["subject"]


def test_non_secure_has_no_ctl_on_either_channel(lab_factory, runner):
    lab = lab_factory(nodes=2, release="14", time_scale=0.02)
    assert_ok(run(runner, lab, "trust_file_info"))
    for host in lab.control("GET", "/state")["nodes"]:
        ctl = runner.result(host)["files"]["ctl"]
        assert (ctl["status"], ctl["http_status"], ctl["cli_present"], ctl["agrees"]) == ("absent", 404, False, True)


@pytest.mark.parametrize("release", ["10.5", "14"])
def test_a_tampered_file_fails_with_the_byte_offset(lab_factory, runner, release):
    lab = lab_factory(nodes=2, release=release, time_scale=0.02, security_mode="mixed")
    pub = publisher(lab)
    # Read once to find a certificate inside the ITL, then flip one of its bytes on the HTTP copy.
    assert_ok(run(runner, lab, "trust_file_info", {"files": ["itl"]}, limit=pub))
    record = runner.result(pub)["files"]["itl"]["parsed"]["records"][1]
    offset = record["certificate_offset"] + 40
    lab.control("POST", "/faults", {"fault": "tftp_http_tamper", "node": pub,
                                    "params": {"file": "ITLFile.tlv", "offset": offset}})

    assert_ok(run(runner, lab, "trust_file_info", {"files": ["itl"]}, limit=pub))  # the playbook keeps the failure
    failed = runner.result(pub)
    assert failed["failed"] is True and failed["msg"].startswith(pub + ":")
    assert "does not verify" in failed["msg"]
    differences = failed["files"]["itl"]["differences"]
    assert [d["what"] for d in differences if d["record"] == record["index"]] == ["certificate_sha1"]
    assert differences[-1]["offset"] is not None
    assert "record %d certificate hash differs, certificate at byte offset %d" % (
        record["index"], record["certificate_offset"]) in failed["msg"]
    # What the node itself holds did not change: the CLI channel still verifies.
    assert failed["itl"]["itl"]["verified"] is True


def test_a_structural_fault_names_its_offset_and_the_audit_mode_reports_instead_of_failing(lab_factory, runner):
    lab = lab_factory(nodes=1, release="12.5", time_scale=0.02)
    pub = publisher(lab)
    # Byte 8 is the high byte of HEADERLENGTH's value: the header then claims to run past the file.
    lab.control("POST", "/faults", {"fault": "tftp_http_tamper", "node": pub,
                                    "params": {"file": "ITLFile.tlv", "offset": 8}})
    assert_ok(run(runner, lab, "trust_file_info", {"files": ["itl"], "fail_on_problem": False}, limit=pub))
    entry = runner.result(pub)["files"]["itl"]
    assert entry["parsed"] is None and "at byte offset" in entry["error"], entry
    assert runner.result(pub)["problems"] and "cannot be read" in runner.result(pub)["problems"][0]
