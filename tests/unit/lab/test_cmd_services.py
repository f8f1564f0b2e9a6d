"""`utils service restart|start|stop` in the lab: the documented output, the states the service
really goes through (seen from another session), the ITL a Tftp start rebuilds, and faults."""

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.parsers import (
    parse_service_control,
    parse_utils_service_list,
)
from cucm_lab.model import ITL_FILE
from cucm_lab.testing import start_lab
from cucm_lab.trustfile import parse_trust_file, verify_trust_file
from lab_dialogs import FAILED, lines, wait_for

NEW_BANNER = ("Do not press Ctrl+C while the service is restarting. If the service has not restarted properly,"
              " execute the same command again.")
OLD_BANNER = ("Don't press Ctrl-c while the service is getting RESTARTED.If Service has not Restarted Properly,"
              " execute the same Command Again")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    handle = start_lab(tmp_path_factory.mktemp("services"), nodes=2, release="12.5", time_scale=0.01,
                       sftp_servers=0)
    yield handle
    handle.stop()


@pytest.fixture
def sub(lab):
    hostname = [n["hostname"] for n in lab.lab_json["nodes"] if not n["publisher"]][0]
    settings = lab.control("GET", "/settings?node=%s" % hostname)[hostname]
    yield hostname
    lab.control("DELETE", "/faults")
    lab.control("POST", "/settings", dict(settings, node=hostname))


def _service(lab, hostname, line):
    with lab.shell(hostname) as cli:
        return cli.dialog(line, timeout=30)


def _states(lab, hostname):
    return {name: s["state"] for name, s in lab.state()["nodes"][hostname]["services"].items()}


def test_restart_tftp_prints_the_states_and_rebuilds_the_itl(lab, sub):
    before = lab.state()["nodes"][sub]["files"][ITL_FILE]
    transcript = _service(lab, sub, "utils service restart Cisco Tftp")
    # Defaults: 2 s stopping, 3 s starting, one line a second (settings.py, GUESSED timing).
    assert lines(transcript)[1:] == [NEW_BANNER, "Service Manager is running"] + [
        "Cisco Tftp[STOPPING]"] * 2 + ["Cisco Tftp[STARTING]"] * 3 + ["Cisco Tftp[STARTED]"]
    parsed = parse_service_control(transcript)
    assert (parsed["action"], parsed["service"], parsed["final_state"]) == ("restart", "Cisco Tftp", "STARTED")
    assert not parsed["errors"] and not parsed["other"]
    after = lab.state()["nodes"][sub]["files"][ITL_FILE]
    assert after["mtime"] > before["mtime"] and after["verified"]
    assert after["signer_serial"] == before["signer_serial"]  # same key, a new file


def test_service_list_follows_the_restart(lab, sub):
    lab.control("POST", "/settings", {"node": sub, "service_stop_seconds": 100.0, "service_start_seconds": 100.0})
    seen = set()
    with lab.shell(sub) as restarting, lab.shell(sub) as watching:
        watching.command("set cli pagination off")
        restarting.send("utils service restart Cisco Tftp\r")

        def state_of_tftp():
            services = parse_utils_service_list(watching.command("utils service list"))
            state = services["services"]["Cisco Tftp"]["state"]
            seen.add(state)
            return state == "STARTED" and "STARTING" in seen

        wait_for(state_of_tftp, timeout=30)
        restarting.read_until("Cisco Tftp\\[STARTED\\]")
    assert {"STOPPING", "STARTING", "STARTED"} <= seen


def test_a_node_that_never_prints_started(lab, sub):
    lab.control("POST", "/settings", {"node": sub, "service_prints_started": False})
    transcript = _service(lab, sub, "utils service restart Cisco Tftp")
    assert lines(transcript)[-1] == "Cisco Tftp[STARTING]"
    assert parse_service_control(transcript)["final_state"] == "STARTING"
    assert _states(lab, sub)["Cisco Tftp"] == "STARTED"  # utils service list tells the truth


def test_a_service_that_fails_to_start(lab, sub):
    lab.control("POST", "/faults", {"node": sub, "fault": "service_start_fails", "count": 1})
    transcript = _service(lab, sub, "utils service restart Cisco Tftp")
    assert lines(transcript)[-3:] == ["Cisco Tftp[STOPPED]", "Failed to start Cisco Tftp", FAILED]
    parsed = parse_service_control(transcript)
    assert parsed["final_state"] == "STOPPED" and parsed["errors"]
    assert _states(lab, sub)["Cisco Tftp"] == "STOPPED"
    assert parse_service_control(_service(lab, sub, "utils service start Cisco Tftp"))["final_state"] == "STARTED"
    assert _states(lab, sub)["Cisco Tftp"] == "STARTED"


def test_stop_keeps_the_itl_and_start_rebuilds_it(lab, sub):
    itl = lab.stored_file(sub, ITL_FILE)
    transcript = _service(lab, sub, "utils service stop Cisco Tftp")
    assert lines(transcript)[-1] == "Cisco Tftp[STOPPED]"
    assert parse_service_control(transcript)["action"] == "stop"
    assert _states(lab, sub)["Cisco Tftp"] == "STOPPED" and lab.stored_file(sub, ITL_FILE) == itl
    transcript = _service(lab, sub, "utils service start Cisco Tftp")
    assert parse_service_control(transcript)["transitions"][-1] == "STARTED"
    rebuilt = lab.stored_file(sub, ITL_FILE)
    # A new file (signatures are deterministic: within the same second the bytes may repeat).
    assert rebuilt.mtime > itl.mtime and verify_trust_file(parse_trust_file(rebuilt.data))


def test_other_services_leave_the_itl_alone(lab, sub):
    itl = lab.stored_file(sub, ITL_FILE)
    parsed = parse_service_control(_service(lab, sub, "utils service restart Cisco CallManager"))
    assert parsed["final_state"] == "STARTED"
    assert lab.stored_file(sub, ITL_FILE) == itl


@pytest.mark.parametrize("line, first", [
    ("utils service restart Cisco DirSync", "Cisco DirSync[STOPPED] Service Not Activated"),
    ("utils service restart Cisco Nothing", "Invalid service name: Cisco Nothing"),
    ("utils service restart cisco tftp", "Invalid service name: cisco tftp"),
])
def test_refusals_change_nothing(lab, sub, line, first):
    before = lab.state()
    transcript = _service(lab, sub, line)
    assert lines(transcript)[1:] == [first, FAILED]
    assert parse_service_control(transcript)["errors"]
    assert lab.state() == before


def test_old_releases_print_the_old_banner(tmp_path):
    old = start_lab(tmp_path, nodes=1, release="10.5", time_scale=0.01, sftp_servers=0)
    try:
        transcript = _service(old, "lab105-pub", "utils service restart Cisco Tftp")
    finally:
        old.stop()
    assert lines(transcript)[1] == OLD_BANNER
    assert parse_service_control(transcript)["final_state"] == "STARTED"
