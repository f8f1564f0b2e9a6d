"""`set cert regen <unit>` in the lab: seed 001's dialog and 5-minute hold, real new
certificates, and what follows them when (the database at once, the ITL after a Tftp restart)."""

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_cert_regen, parse_run_sql
from cucm_lab import pki
from cucm_lab.model import CERT_CALLMANAGER, CERT_ITLRECOVERY, CERT_TVS, ITL_FILE, ITLRECOVERY_P12
from cucm_lab.testing import start_lab
from cucm_lab.trustfile import parse_trust_file
from lab_dialogs import FAILED, REGEN_YES_NO, fixture_lines, lines

HOLD_SECONDS = 5 * 60


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    handle = start_lab(tmp_path_factory.mktemp("regen"), nodes=2, release="10.5", time_scale=0.01,
                       sftp_servers=0)
    yield handle
    handle.stop()


def _regen(cli, unit, answer="yes"):
    return cli.dialog("set cert regen %s" % unit, [(REGEN_YES_NO, answer)] if answer else [], timeout=30)


def _serial(lab, hostname, unit):
    return lab.state()["nodes"][hostname]["certs"][unit]["serial"]


def _lift_hold(lab):
    lab.control("POST", "/clock/advance", {"seconds": HOLD_SECONDS + 1})


def test_regeneration_and_hold_print_seed_001(lab, pub):
    _lift_hold(lab)
    before = lab.state()["nodes"][pub]
    with lab.shell(pub) as cli:
        regenerated = _regen(cli, CERT_CALLMANAGER)
        held = _regen(cli, CERT_TVS, answer=None)
    assert lines(regenerated) + lines(held) == fixture_lines("001_set_cert_regen.txt")
    parsed = parse_cert_regen(regenerated)
    assert parsed["regenerated"] and parsed["backup_advice"] and parsed["restart_advice"] and not parsed["errors"]
    assert parse_cert_regen(held)["hold"] == {"blocking_unit": "CallManager", "requested_unit": "TVS", "minutes": 5}

    after = lab.state()["nodes"][pub]
    assert after["certs"][CERT_CALLMANAGER]["serial"] != before["certs"][CERT_CALLMANAGER]["serial"]
    assert after["certs"][CERT_TVS] == before["certs"][CERT_TVS]  # the held one did not change
    assert after["last_cert_regen"]["unit"] == CERT_CALLMANAGER


def test_the_database_follows_at_once_and_the_itl_after_a_tftp_restart(lab, sub):
    _lift_hold(lab)
    itl = lab.stored_file(sub, ITL_FILE).data
    with lab.shell(sub) as cli:
        _regen(cli, CERT_CALLMANAGER)
        serial = _serial(lab, sub, CERT_CALLMANAGER)
        cli.command("set cli pagination off")
        rows = parse_run_sql(cli.command(
            "run sql select serialnumber from certificate where servername='%s'" % sub))["rows"]
        assert serial.lower() in [row["serialnumber"] for row in rows]
        assert lab.stored_file(sub, ITL_FILE).data == itl  # not before Cisco Tftp restarts
        cli.dialog("utils service restart Cisco Tftp", timeout=30)
    rebuilt = parse_trust_file(lab.stored_file(sub, ITL_FILE).data)
    assert rebuilt.signer_serial.hex().upper() == serial  # 10.x: the new CallManager key signs


def test_advancing_the_clock_lifts_the_hold(lab, sub):
    _lift_hold(lab)
    with lab.shell(sub) as cli:
        assert parse_cert_regen(_regen(cli, CERT_TVS))["regenerated"]
        assert parse_cert_regen(_regen(cli, CERT_CALLMANAGER, answer=None))["hold"]["blocking_unit"] == CERT_TVS
        lab.control("POST", "/clock/advance", {"seconds": HOLD_SECONDS + 1})
        assert parse_cert_regen(_regen(cli, CERT_CALLMANAGER))["regenerated"]


def test_itlrecovery_warns_first_and_rewrites_the_p12(lab, pub):
    _lift_hold(lab)
    p12 = lab.stored_file(pub, ITLRECOVERY_P12).data
    with lab.shell(pub) as cli:
        transcript = _regen(cli, CERT_ITLRECOVERY)
    found = lines(transcript)
    assert found[1].startswith("WARNING:") and "tokenless CTL" in found[1]
    assert found[2:4] == ["WARNING: This operation will overwrite any CA signed certificate",
                          "previously imported for ITLRecovery"]
    parsed = parse_cert_regen(transcript)
    assert parsed["regenerated"] and not parsed["errors"]
    rewritten = lab.stored_file(pub, ITLRECOVERY_P12).data
    assert rewritten != p12
    key = pki.load_pkcs12(rewritten, lab.lab_json["cluster_security_password"])
    assert format(key.cert.serial_number, "X") == _serial(lab, pub, CERT_ITLRECOVERY)


@pytest.mark.parametrize("unit, answer, expected", [
    ("Tomcat-Nope", None, ["Invalid unit name: Tomcat-Nope", FAILED]),
    ("CAPF", "no", ["WARNING: This operation will overwrite any CA signed certificate",
                    "previously imported for CAPF", "Proceed with regeneration (yes|no)? no"]),
])
def test_refusals_change_nothing(lab, sub, unit, answer, expected):
    _lift_hold(lab)
    before = lab.state()
    with lab.shell(sub) as cli:
        transcript = _regen(cli, unit, answer)
    assert lines(transcript)[1:] == expected
    assert not parse_cert_regen(transcript)["regenerated"]
    assert lab.state() == before
