"""The lab's own SFTP servers: what lab.json and the inventory say about them, and the control
API that sets their faults; plus validation of the control-API additions of the state-changing
commands."""

import asyncio

import pytest

from cucm_lab import sftp_client
from cucm_lab.testing import LabControlError, start_lab


def test_lab_json_and_inventory_describe_the_sftp_server(lab):
    (server,) = lab.sftp
    assert server["host"] == "127.0.0.1" and server["directory"] == "/home/%s/" % server["username"]
    probe = asyncio.run(sftp_client.probe_host_key(server["host"], server["port"]))
    assert probe.host_key.md5 == server["md5_fingerprint"]
    assert probe.host_key.sha256 == server["sha256_fingerprint"]
    assert server["known_hosts_line"] == probe.host_key.known_hosts_line(server["host"], server["port"])
    with open(lab.inventory_path) as handle:
        inventory = handle.read()
    for name, value in (("port", server["port"]), ("user", '"%s"' % server["username"]),
                        ("md5_fingerprint", '"%s"' % server["md5_fingerprint"])):
        assert "cucm_lab_sftp_%s: %s\n" % (name, value) in inventory
    # `utils itl reset remotekey` names no port: the nodes use the first server's.
    settings = lab.control("GET", "/settings")
    assert {s["remotekey_sftp_port"] for s in settings.values()} == {server["port"]}


def test_sftp_fault_api(clean_lab):
    server = clean_lab.sftp[0]["name"]
    answer = clean_lab.control("POST", "/sftp/faults", {"server": server, "fault": "disk_full",
                                                        "params": {"bytes": 10}})
    assert answer["faults"]["disk_full"] == 10
    answer = clean_lab.control("POST", "/sftp/faults", {"fault": "auth_refused"})  # first server
    assert answer["faults"]["auth_refused"] is True
    cleared = clean_lab.control("DELETE", "/sftp/faults")["servers"][0]["faults"]
    assert cleared["disk_full"] is None and cleared["auth_refused"] is False
    for body, status in (({"fault": "meltdown"}, 400), ({"fault": "cut_after"}, 400),
                         ({"fault": "down", "params": {"enabled": "yes"}}, 400),
                         ({"fault": "down", "params": {"bytes": 3}}, 400),
                         ({"server": "sftp9", "fault": "down"}, 404)):
        with pytest.raises(LabControlError) as refused:
            clean_lab.control("POST", "/sftp/faults", body)
        assert refused.value.status == status, body


def test_control_api_validates_the_new_settings_and_faults(clean_lab):
    for bad in ({"service_poll_seconds": 0}, {"remotekey_sftp_port": 0}, {"service_prints_started": "no"},
                {"command_step_seconds": 100000}, {"texts": {"service_unknown_x": "x"}}):
        with pytest.raises(LabControlError) as invalid:
            clean_lab.control("POST", "/settings", bad)
        assert invalid.value.status == 400, bad
    with pytest.raises(LabControlError) as invalid:
        clean_lab.control("POST", "/faults", {"fault": "service_start_fails", "params": {"service": 3}})
    assert invalid.value.status == 400


def test_a_lab_without_sftp_servers(tmp_path):
    lab = start_lab(tmp_path, nodes=1, sftp_servers=0)
    try:
        assert lab.sftp == []
        with pytest.raises(LabControlError) as missing:
            lab.control("GET", "/sftp")
        assert missing.value.status == 404
        with open(lab.inventory_path) as handle:
            assert "cucm_lab_sftp_" not in handle.read()
    finally:
        lab.stop()


def test_sftp_host_keys_survive_a_restart(tmp_path):
    first = start_lab(tmp_path, nodes=1, sftp_servers=2)
    try:
        keys = [s["md5_fingerprint"] for s in first.sftp]
        assert len(set(keys)) == 2 and len({s["port"] for s in first.sftp}) == 2
    finally:
        first.stop()
    second = start_lab(tmp_path, nodes=1, sftp_servers=2)
    try:
        assert [s["md5_fingerprint"] for s in second.sftp] == keys
    finally:
        second.stop()
