"""`python -m cucm_lab serve`: ready line, files it writes, signals, max runtime, several clusters."""

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time

import pytest
import yaml

from cucm_lab.testing import PROMPT_RE, lab_command, start_lab

ANSIBLE_INVENTORY = os.path.join(os.path.dirname(sys.executable), "ansible-inventory")


def _port_closed(port):
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _read(path):
    with open(path) as handle:
        return handle.read()


def test_sigterm_stops_cleanly(tmp_path):
    lab = start_lab(tmp_path, nodes=2, release="11.5")
    ports = [node["port"] for node in lab.lab_json["nodes"]]
    assert lab.lab_json["cluster"] == "lab115"
    with lab.shell("lab115-pub") as cli:  # an open session does not block the shutdown
        lab.process.send_signal(signal.SIGTERM)
        assert lab.process.wait(10) == 0
    out = _read(os.path.join(lab.state_dir, "lab.out")).splitlines()
    assert out[0].startswith("cucm-lab ready: cluster=lab115 nodes=2 control=http://127.0.0.1:")
    assert out[-1] == "cucm-lab stopped: SIGTERM"
    assert all(_port_closed(port) for port in ports + [int(lab.control_url.rsplit(":", 1)[1])])
    assert "Traceback" not in _read(os.path.join(lab.state_dir, "lab.err"))
    assert cli.banner.endswith("admin:")


def test_sigint_stops_cleanly(tmp_path):
    lab = start_lab(tmp_path, nodes=1)
    lab.process.send_signal(signal.SIGINT)
    assert lab.process.wait(10) == 0
    assert _read(os.path.join(lab.state_dir, "lab.out")).splitlines()[-1] == "cucm-lab stopped: SIGINT"


def test_max_runtime_ends_the_lab(tmp_path):
    started = time.monotonic()
    lab = start_lab(tmp_path, nodes=1, max_runtime=1.5)
    assert lab.process.wait(15) == 0
    assert time.monotonic() - started < 15
    assert _read(os.path.join(lab.state_dir, "lab.out")).splitlines()[-1] == "cucm-lab stopped: max-runtime"


def test_lab_json_and_inventory(tmp_path):
    lab = start_lab(tmp_path, nodes=3, release="14", cluster="site-a", tftp_nodes=["pub", "sub2"])
    try:
        info = lab.lab_json
        assert {"control_url", "username", "password", "nodes", "cluster", "release", "ccm_admin_user",
                "ccm_admin_password", "cluster_security_password"} <= set(info)
        assert (info["cluster"], info["release"], info["username"]) == ("site-a", "14", "admin")
        assert [(n["hostname"], n["publisher"], n["tftp"]) for n in info["nodes"]] == [
            ("site-a-pub", True, True), ("site-a-sub1", False, False), ("site-a-sub2", False, True)]
        assert oct(os.stat(lab.inventory_path).st_mode & 0o777) == "0o600"

        inventory = yaml.safe_load(_read(lab.inventory_path))
        cucm = inventory["all"]["children"]["cucm"]
        assert cucm["vars"]["ansible_connection"] == "ansible.netcommon.network_cli"
        assert cucm["vars"]["ansible_network_os"] == "cucm.trust.cucm"
        assert cucm["vars"]["ansible_host_key_checking"] is False
        assert "# Lab only" in _read(lab.inventory_path)
        group = cucm["children"]["site-a"]
        assert group["vars"]["ansible_password"] == info["password"]
        assert group["vars"]["cucm_lab_cluster_security_password"] == info["cluster_security_password"]
        assert {h: v["ansible_port"] for h, v in group["hosts"].items()} == {
            n["hostname"]: n["port"] for n in info["nodes"]}

        if os.path.exists(ANSIBLE_INVENTORY):  # what Ansible itself makes of it (in the venv)
            listed = json.loads(subprocess.run(
                [ANSIBLE_INVENTORY, "-i", lab.inventory_path, "--list"], check=True,
                capture_output=True, text=True, timeout=60).stdout)
            assert listed["cucm"]["children"] == ["site-a"]
            hostvars = listed["_meta"]["hostvars"]["site-a-sub2"]
            assert hostvars["ansible_port"] == info["nodes"][2]["port"]
            assert hostvars["ansible_user"] == "admin"

        # The inventory's credentials open a shell on every node.
        for node in info["nodes"]:
            with lab.shell(node["hostname"]) as cli:
                assert "Machine Name    : %s" % node["hostname"] in cli.command("show myself")
    finally:
        assert lab.stop() == 0


def test_several_clusters_in_one_process(tmp_path):
    lab = start_lab(tmp_path, nodes=2, clusters=3, release="10.5")
    try:
        names = [c["cluster"] for c in lab.lab_json["clusters"]]
        assert names == ["lab1051", "lab1052", "lab1053"]
        ports = [n["port"] for c in lab.lab_json["clusters"] for n in c["nodes"]]
        assert len(set(ports)) == 6
        inventory = yaml.safe_load(_read(lab.inventory_path))
        assert list(inventory["all"]["children"]["cucm"]["children"]) == names
        assert lab.control("GET", "/clusters") == {"clusters": names}
        # Independent clusters: each answers with its own name, password and state.
        lab.control("POST", "/actions/set-security-mode", {"cluster": "lab1052", "mode": "mixed"})
        assert lab.control("GET", "/state?cluster=lab1052")["security_mode"] == 1
        assert lab.control("GET", "/state?cluster=lab1053")["security_mode"] == 0
        with lab.shell("lab1053-sub1") as cli:
            assert "lab1053-pub" in cli.command("show network cluster")
        stats = lab.control("GET", "/stats")["nodes"]
        assert stats["lab1053-sub1"]["logins"] == 1 and stats["lab1051-pub"]["logins"] == 0
    finally:
        assert lab.stop() == 0


def _free_base_port(count):
    """A run of `count` free ports below the ephemeral range (where OS-chosen labs live)."""
    for unused_try in range(50):
        base = random.randrange(20000, 30000)
        if all(_port_closed(base + i) for i in range(count)):
            return base
    pytest.skip("no free port run found")


def test_restart_keeps_host_keys_and_fixed_ports(tmp_path):
    base = _free_base_port(2)
    first = start_lab(tmp_path, nodes=2, base_port=base)
    keys = _read(os.path.join(first.state_dir, "known_hosts"))
    assert [n["port"] for n in first.lab_json["nodes"]] == [base, base + 1]
    assert first.stop() == 0
    second = start_lab(tmp_path, nodes=2, base_port=base)
    try:
        assert _read(os.path.join(second.state_dir, "known_hosts")) == keys
        assert keys.splitlines()[0].startswith("[127.0.0.1]:%d ssh-rsa " % base)
    finally:
        assert second.stop() == 0


@pytest.mark.parametrize("options,flag", [
    ({"nodes": 0}, "--nodes"),
    ({"itl_record_form": "pem"}, "--itl-record-form"),
    ({"time_zone": "Mars/Olympus_Mons"}, "--time-zone"),
    ({"trust_list_style": "colour=red"}, "--trust-list-style"),
    ({"trust_list_style": {"issuer_tag": "ISSUER"}}, "--trust-list-style"),
])
def test_bad_arguments_fail_fast(tmp_path, options, flag):
    result = subprocess.run(lab_command(tmp_path / "x", **options), capture_output=True, text=True, timeout=30,
                            check=False, env=dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(
                                os.path.abspath(__import__("cucm_lab").__file__)))))
    assert result.returncode == 2 and flag in result.stderr


def test_itl_record_form_time_zone_and_trust_list_style_options(tmp_path):
    """--itl-record-form certhash on 12.5, --time-zone, --trust-list-style: in /state and in
    what `show itl` prints over SSH, which the collection's parser reads back."""
    from zoneinfo import ZoneInfo

    from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_show_itl

    lab = start_lab(tmp_path, nodes=2, release="12.5", itl_record_form="certhash", time_zone="Europe/Warsaw",
                    trust_list_style={"issuer_tag": "ISSUERNAM", "checksum_space": True})
    try:
        state = lab.control("GET", "/state")
        assert state["itl_record_form"] == "certhash"
        assert {node["time_zone"] for node in state["nodes"].values()} == {"Europe/Warsaw"}
        assert {node["trust_list_style"]["issuer_tag"] for node in state["nodes"].values()} == {"ISSUERNAM"}
        truth = state["nodes"]["lab125-sub1"]["files"]["ITLFile.tlv"]
        with lab.shell("lab125-sub1") as cli:
            cli.command("set cli pagination off")
            output = cli.command("show itl").replace("\r\n", "\n")
        mtime = lab.stored_file("lab125-sub1", "ITLFile.tlv").mtime.astimezone(ZoneInfo("Europe/Warsaw"))
        assert "The ITL File was last modified on %s" % mtime.strftime("%a %b %d %H:%M:%S %Z %Y") in output
        assert mtime.strftime("%Z") in ("CET", "CEST")
        assert "%s (SHA1)" % truth["sha1"] in output and "\n5\tISSUERNAM\t" in output
        parsed = parse_show_itl(output)
        assert parsed["sha1"] == truth["sha1"] and parsed["verified"] is True
        assert [(r["function"], r["cert_hash"], r["certificate_sha1"]) for r in parsed["records"]] == [
            (r["function"], r["cert_hash"], r["certificate_sha1"]) for r in truth["record_summary"]]
        assert {r["function"] for r in parsed["records"] if r["cert_hash"]} == {"TVS", "CAPF"}
        # A Cisco Tftp restart (a minute later: a new TIMESTAMP) rebuilds the ITL in the same form.
        lab.control("POST", "/clock/advance", {"seconds": 60})
        lab.control("POST", "/actions/restart-service", {"node": "lab125-sub1", "service": "Cisco Tftp"})
        again = lab.control("GET", "/state")["nodes"]["lab125-sub1"]["files"]["ITLFile.tlv"]
        assert again["sha1"] != truth["sha1"]
        assert [r["cert_hash"] is not None for r in again["record_summary"]] == [
            r["cert_hash"] is not None for r in truth["record_summary"]]
    finally:
        assert lab.stop() == 0


@pytest.mark.parametrize("methods", ["keyboard-interactive"])
def test_auth_methods_option(tmp_path, methods):
    lab = start_lab(tmp_path, nodes=1, auth_methods=methods)
    try:
        settings = lab.control("GET", "/settings")
        assert settings["lab125-pub"]["auth_methods"] == [methods]
        with lab.shell("lab125-pub", auth="keyboard-interactive") as cli:
            assert PROMPT_RE.search(cli.banner)
    finally:
        lab.stop()
