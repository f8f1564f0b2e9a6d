"""The control API: stats, state, faults, settings, clock and actions, seen through SSH."""

import datetime
import re
import time

import paramiko
import pytest

from cucm_lab import render
from cucm_lab.testing import PROMPT_RE, LabControlError, start_lab


def lf(text):
    return text.replace("\r\n", "\n")


@pytest.fixture(scope="module")
def own_lab(tmp_path_factory):
    """A lab whose CUCM state the tests of this module change (2 nodes, 12.5)."""
    handle = start_lab(tmp_path_factory.mktemp("control"), nodes=2, release="12.5")
    yield handle
    handle.stop()


# -- stats and state ------------------------------------------------------------------------
def test_stats_count_logins_and_commands(clean_lab, pub, sub):
    with clean_lab.shell(pub) as one, clean_lab.shell(pub) as two, clean_lab.shell(sub) as three:
        one.command("show myself")
        one.command("")  # an empty line is no command
        two.command("show version active")
        two.command("no such command")
        three.command("show cli pagination")
        stats = clean_lab.control("GET", "/stats")["nodes"]
        assert stats[pub]["sessions"] == 2
    assert (stats[pub]["logins"], stats[pub]["commands"]) == (2, 3)
    assert (stats[sub]["logins"], stats[sub]["commands"]) == (1, 1)
    assert stats[pub]["history"] == ["show myself", "show version active", "no such command"]
    clean_lab.control("POST", "/actions/reset-stats", {})
    assert clean_lab.control("GET", "/stats")["nodes"][pub]["logins"] == 0


def test_state_matches_what_show_itl_prints(clean_lab, pub):
    state = clean_lab.control("GET", "/state")
    assert state["security_mode"] == 0 and state["release"] == "12.5"
    itl = state["nodes"][pub]["files"]["ITLFile.tlv"]
    assert itl["verified"] is True
    assert itl["signer"].startswith("CN=ITLRECOVERY_")  # 12.0+: ITLRecovery signs (primer 4)
    with clean_lab.shell(pub) as cli:
        cli.command("set cli pagination off")
        output = cli.command("show itl")
    assert "%s(SHA1)" % itl["sha1"] in output
    assert "Length of ITL file: %d" % itl["length"] in output
    cert_sha1 = state["nodes"][pub]["certs"]["CallManager"]["sha1"].upper()
    assert " ".join(re.findall("..", cert_sha1)) + " (SHA1 Hash HEX)" in output
    # The defaults: full TVS/CAPF records on 12.x, UTC, the seeds' most common layout.
    assert state["itl_record_form"] == "full"
    assert "\tCERTHASH\t" not in output and "\tHASH ALGORITHM\t" not in output
    assert {node["time_zone"] for node in state["nodes"].values()} == {"UTC"}
    assert state["nodes"][pub]["trust_list_style"] == render.DEFAULT_STYLE.to_json()
    assert " UTC 20" in output and "\n5\tISSUENAME\t" in lf(output)


def test_errors_are_json(clean_lab):
    with pytest.raises(LabControlError) as missing:
        clean_lab.control("GET", "/nowhere")
    assert missing.value.status == 404 and "error" in missing.value.payload
    with pytest.raises(LabControlError) as node:
        clean_lab.control("POST", "/settings", {"node": "nosuchnode", "wrap": True})
    assert node.value.status == 404
    for bad in ({"wrap": "yes"}, {"banner_delay": -1}, {"nonsense": 1}, {"auth_methods": ["publickey"]},
                {"texts": {"no_such_text": "x"}}):
        with pytest.raises(LabControlError) as invalid:
            clean_lab.control("POST", "/settings", bad)
        assert invalid.value.status == 400, bad
    for bad in ({"fault": "meltdown"}, {"fault": "hang_command", "command": "("},
                {"fault": "hang_command", "count": 0}, {"fault": "slow_login", "params": {"speed": 1}},
                {"fault": "hang_command", "params": {"seconds": 100000}}):
        with pytest.raises(LabControlError) as invalid:
            clean_lab.control("POST", "/faults", bad)
        assert invalid.value.status == 400, bad


# -- faults ---------------------------------------------------------------------------------
def test_slow_login_fires_count_times(clean_lab, pub):
    fault = clean_lab.control("POST", "/faults", {"node": pub, "fault": "slow_login", "count": 1,
                                                  "params": {"seconds": 1.0}})
    assert clean_lab.control("GET", "/faults")["faults"] == [fault]
    for expected_slow in (True, False):
        with clean_lab.shell(pub, wait_prompt=False) as cli:
            cli.read_until("please wait \\.\\.\\.\r\n")
            started = time.monotonic()
            cli.read_until(PROMPT_RE)
            assert (time.monotonic() - started >= 1.0) == expected_slow
    assert clean_lab.control("GET", "/faults")["faults"] == []


def test_wrong_prompt(clean_lab, pub):
    clean_lab.control("POST", "/faults", {"node": pub, "fault": "wrong_prompt", "count": 1,
                                          "params": {"prompt": "admin>"}})
    with clean_lab.shell(pub, wait_prompt=False) as cli:
        banner = cli.read_until("admin>$")
        assert not PROMPT_RE.search(banner)
        cli.send("show myself\r")
        assert cli.read_until("admin>$").startswith("show myself\r\nMachine Name")


def test_host_that_never_shows_the_prompt(clean_lab, sub):
    clean_lab.control("POST", "/faults", {"node": sub, "fault": "wrong_prompt", "params": {"prompt": ""}})
    with clean_lab.shell(sub, wait_prompt=False) as cli:
        cli.read_until("Mbytes RAM\r\n\r\n$")
        cli.send("show myself\r")
        text = cli.read_for(1.0)
    assert "Machine Name" in text and "admin" not in text.replace("account name    : admin", "")


def test_drop_mid_command_closes_the_connection(clean_lab, pub):
    clean_lab.control("POST", "/faults", {"node": pub, "fault": "drop_mid_command", "command": "^show itl",
                                          "params": {"after_lines": 3}})
    stored = clean_lab.stored_file(pub, "ITLFile.tlv")
    with clean_lab.shell(pub) as cli:
        cli.command("set cli pagination off")
        cli.send("show itl\r")
        with pytest.raises(EOFError):
            cli.read_until("never", timeout=10)
        received = cli.buffer.decode()
        assert received == "show itl\r\n" + "".join(
            line + "\r\n" for line in render.render_show_itl(stored).split("\n")[:3])
        deadline = time.monotonic() + 5
        while cli.transport.is_active() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not cli.transport.is_active()


def test_drop_mid_command_can_close_only_the_channel(clean_lab, pub):
    clean_lab.control("POST", "/faults", {"node": pub, "fault": "drop_mid_command", "command": "version",
                                          "count": 1, "params": {"after_lines": 1, "close": "channel"}})
    with clean_lab.shell(pub) as cli:
        cli.send("show version active\r")
        with pytest.raises(EOFError):
            cli.read_until("never", timeout=10)
        assert cli.buffer.decode().count("\r\n") == 2  # the echo and one output line
        assert cli.transport.is_active()
        second = cli.transport.open_session(timeout=10)
        second.close()


def test_hung_command_then_finishes(clean_lab, pub):
    clean_lab.control("POST", "/faults", {"node": pub, "fault": "hang_command", "command": "^show myself$",
                                          "count": 1, "params": {"seconds": 1.5, "then": "finish"}})
    with clean_lab.shell(pub) as cli:
        started = time.monotonic()
        cli.send("show myself\r")
        late = cli.read_until(PROMPT_RE, timeout=5)
        assert time.monotonic() - started >= 1.4
        assert late.startswith("show myself\r\nMachine Name")
        assert cli.command("show myself").startswith("Machine Name")  # count 1: over


def test_hung_command_then_closes(clean_lab, pub):
    clean_lab.control("POST", "/faults", {"node": pub, "fault": "hang_command",
                                          "params": {"seconds": 1.0}})
    with clean_lab.shell(pub) as cli:
        started = time.monotonic()
        cli.send("show version active\r")
        with pytest.raises(EOFError):
            cli.read_until(PROMPT_RE, timeout=10)
        assert 0.9 < time.monotonic() - started < 5
        assert "Active Master Version" not in cli.buffer.decode()


def test_hung_command_ends_when_the_client_leaves(clean_lab, pub):
    clean_lab.control("POST", "/faults", {"node": pub, "fault": "hang_command", "params": {"seconds": 300}})
    with clean_lab.shell(pub) as cli:
        cli.send("show myself\r")
        cli.read_until("show myself\r\n$")
        assert clean_lab.control("GET", "/stats")["nodes"][pub]["sessions"] == 1
    deadline = time.monotonic() + 5
    while clean_lab.control("GET", "/stats")["nodes"][pub]["sessions"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert clean_lab.control("GET", "/stats")["nodes"][pub]["sessions"] == 0


def test_corrupt_itl(own_lab):
    answer = own_lab.control("POST", "/faults", {"node": "lab125-sub1", "fault": "corrupt_itl"})
    assert [(a["node"], a["verified"]) for a in answer["applied"]] == [("lab125-sub1", False)]
    state = own_lab.control("GET", "/state")["nodes"]
    assert state["lab125-sub1"]["files"]["ITLFile.tlv"]["verified"] is False
    assert state["lab125-pub"]["files"]["ITLFile.tlv"]["verified"] is True
    with own_lab.shell("lab125-sub1") as cli:
        cli.command("set cli pagination off")
        output = lf(cli.command("show itl"))
    assert output == render.render_show_itl(own_lab.stored_file("lab125-sub1", "ITLFile.tlv"))
    assert "The ITL file was verified successfully." not in output
    assert "Verification of the ITL file failed." in output  # seed 000's failure wording
    own_lab.control("POST", "/actions/restart-service", {"node": "lab125-sub1", "service": "Cisco Tftp"})
    assert own_lab.control("GET", "/state")["nodes"]["lab125-sub1"]["files"]["ITLFile.tlv"]["verified"]


# -- clock and actions ------------------------------------------------------------------------
def test_clock_advance(own_lab):
    before = datetime.datetime.fromisoformat(own_lab.control("GET", "/state")["clock"])
    own_lab.control("POST", "/clock/advance", {"seconds": 3600})
    after = datetime.datetime.fromisoformat(own_lab.control("GET", "/state")["clock"])
    assert datetime.timedelta(seconds=3600) <= after - before < datetime.timedelta(seconds=3700)


def test_tftp_restart_regenerates_the_itl(own_lab):
    before = own_lab.control("GET", "/state")["nodes"]["lab125-pub"]["files"]["ITLFile.tlv"]
    own_lab.control("POST", "/clock/advance", {"seconds": 60})
    answer = own_lab.control("POST", "/actions/restart-service", {"node": "lab125-pub", "service": "Cisco Tftp"})
    assert answer["state"] == "STARTED"
    after = own_lab.control("GET", "/state")["nodes"]["lab125-pub"]["files"]["ITLFile.tlv"]
    assert after["sha1"] != before["sha1"] and after["verified"]
    assert after["mtime"] > before["mtime"]
    with pytest.raises(LabControlError):
        own_lab.control("POST", "/actions/restart-service", {"node": "lab125-pub", "service": "Cisco DirSync"})


def test_regen_cert_changes_the_certificate_not_the_itl(own_lab):
    state = own_lab.control("GET", "/state")["nodes"]["lab125-sub1"]
    answer = own_lab.control("POST", "/actions/regen-cert", {"node": "lab125-sub1", "unit": "TVS"})
    after = own_lab.control("GET", "/state")["nodes"]["lab125-sub1"]
    assert after["certs"]["TVS"]["serial"] == answer["serial"] != state["certs"]["TVS"]["serial"]
    assert after["files"]["ITLFile.tlv"]["sha1"] == state["files"]["ITLFile.tlv"]["sha1"]
    with pytest.raises(LabControlError):
        own_lab.control("POST", "/actions/regen-cert", {"node": "lab125-sub1", "unit": "Tomcat-ECDSA"})


def test_security_mode_mixed_and_back(own_lab):
    own_lab.control("POST", "/actions/set-security-mode", {"mode": "mixed"})
    state = own_lab.control("GET", "/state")
    assert state["security_mode"] == 1
    ctls = [node["files"]["CTLFile.tlv"] for node in state["nodes"].values()]
    assert len({ctl["sha1"] for ctl in ctls}) == 1 and all(ctl["verified"] for ctl in ctls)
    with own_lab.shell("lab125-pub") as cli:
        cli.command("set cli pagination off")
        assert lf(cli.command("show ctl")).rstrip().endswith("The CTL file was verified successfully.")
        query = "run sql select paramname,paramvalue from processconfig where paramname='ClusterSecurityMode'"
        assert lf(cli.command(query)).splitlines()[2].split() == ["ClusterSecurityMode", "1"]
    own_lab.control("POST", "/actions/set-security-mode", {"mode": "non-secure"})
    state = own_lab.control("GET", "/state")
    assert state["security_mode"] == 0
    assert not any("CTLFile.tlv" in node["files"] for node in state["nodes"].values())


def test_stale_ctl(own_lab):
    own_lab.control("POST", "/actions/stale-ctl", {"node": "lab125-sub1"})
    state = own_lab.control("GET", "/state")
    assert state["security_mode"] == 0
    assert "CTLFile.tlv" in state["nodes"]["lab125-sub1"]["files"]
    assert "CTLFile.tlv" not in state["nodes"]["lab125-pub"]["files"]


def test_disconnect_action(own_lab):
    with own_lab.shell("lab125-pub") as cli:
        answer = own_lab.control("POST", "/actions/disconnect", {"node": "lab125-pub"})
        assert answer["closed"] == 1
        with pytest.raises((EOFError, paramiko.SSHException, OSError)):
            cli.command("show myself", timeout=5)
