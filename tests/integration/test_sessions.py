"""Session robustness over real SSH: bad input ends a task with a clear message naming the host
and the command, never a traceback or a silent empty result; stale output never leaks; secrets
never show up, even at -vvvv."""

import json

import pytest

from integration_support import assert_ok


def fault(lab, node, kind, command=None, count=1, **params):
    body = {"node": node, "fault": kind, "count": count, "params": params}
    if command:
        body["command"] = command
    return lab.control("POST", "/faults", body)


def outcome(runner, host):
    return runner.result(host)


@pytest.mark.parametrize("ssh_type", ["libssh", "paramiko"])
def test_connection_dropped_mid_command(lab_factory, runner, ssh_type):
    lab = lab_factory(nodes=2, release="12.5")
    fault(lab, "lab125-sub1", "drop_mid_command", command="^show itl$", after_lines=5)
    proc = runner.playbook("one_module.yml", lab.inventory_path, ssh_type=ssh_type,
                           extra_vars={"module_name": "itl_info"})
    assert_ok(proc)  # the failure is rescued and saved
    failed = outcome(runner, "lab125-sub1")
    assert failed["failed"] is True
    assert failed["msg"].startswith("lab125-sub1: ")
    assert "Traceback" not in failed["msg"]
    ok = outcome(runner, "lab125-pub")
    assert ok.get("failed") is not True and ok["itl"]["verified"] is True


@pytest.mark.parametrize("ssh_type", ["libssh", "paramiko"])
def test_wrong_password(lab_factory, runner, ssh_type):
    lab = lab_factory(nodes=1, release="12.5")
    proc = runner.playbook("one_module.yml", lab.inventory_path, ssh_type=ssh_type,
                           extra_vars={"module_name": "cluster_info", "ansible_password": "not-the-password"})
    result = outcome(runner, "lab125-pub")
    assert result["failed"] is True, proc.stdout
    assert result["msg"].startswith("lab125-pub: ")
    assert "auth" in result["msg"].lower(), result["msg"]
    assert "Traceback" not in result["msg"]


def test_host_that_never_shows_the_prompt(lab_factory, runner):
    lab = lab_factory(nodes=1, release="12.5")
    fault(lab, "lab125-pub", "wrong_prompt", count=None, prompt="")
    proc = runner.playbook("one_module.yml", lab.inventory_path,
                           extra_vars={"module_name": "itl_info", "ansible_command_timeout": 5})
    result = outcome(runner, "lab125-pub")
    assert result["failed"] is True, proc.stdout
    assert result["msg"].startswith("lab125-pub: ")
    assert "timeout" in result["msg"].lower(), result["msg"]


@pytest.mark.parametrize("ssh_type", ["libssh", "paramiko"])
def test_late_output_of_a_timed_out_command_never_reaches_the_next_task(lab_factory, runner, ssh_type):
    lab = lab_factory(nodes=1, release="12.5")
    # `show itl` answers only after 5 s; the task gives up after 3 s; the output arrives later.
    fault(lab, "lab125-pub", "hang_command", command="^show itl$", seconds=5, then="finish")
    proc = runner.playbook("resync.yml", lab.inventory_path, ssh_type=ssh_type,
                           extra_vars={"short_timeout": 3, "late_after": 4})
    assert_ok(proc)
    result = outcome(runner, "lab125-pub")
    assert result["timed_out"]["failed"] is True
    assert "lab125-pub: " in result["timed_out"]["msg"]
    version = result["version"]["stdout"]
    assert version.startswith("Active Master Version: 12.5"), version
    assert "ITL" not in version
    assert result["cluster"]["local"]["hostname"] == "lab125-pub"


@pytest.mark.parametrize("settings", [
    {"banner_delay": 4.0},
    {"prompt_after_newline": True},
    {"prompt_redraw": True, "stray_cr": True},
    {"auth_methods": ["keyboard-interactive"]},
])
def test_awkward_but_valid_sessions(lab_factory, runner, settings):
    lab = lab_factory(nodes=1, release="12.5")
    lab.control("POST", "/settings", dict(settings, node="*"))
    assert_ok(runner.playbook("info.yml", lab.inventory_path, extra_vars={"ansible_command_timeout": 30}))
    truth = lab.control("GET", "/state")["nodes"]["lab125-pub"]
    assert runner.result("lab125-pub")["itl"]["itl"]["sha1"] == truth["files"]["ITLFile.tlv"]["sha1"]


def test_unknown_host_key_is_not_accepted_blindly(lab_factory, runner, tmp_path):
    lab = lab_factory(nodes=1, release="12.5")
    proc = runner.playbook("one_module.yml", lab.inventory_path,
                           extra_vars={"module_name": "cluster_info", "ansible_host_key_checking": True})
    result = outcome(runner, "lab125-pub")
    assert result["failed"] is True, proc.stdout
    assert "authenticity of host" in result["msg"], result["msg"]
    assert lab.control("GET", "/stats")["nodes"]["lab125-pub"]["logins"] == 0


@pytest.mark.parametrize("ssh_type", ["libssh", "paramiko"])
def test_no_password_at_vvvv(lab_factory, runner, ssh_type):
    lab = lab_factory(nodes=2, release="12.5")
    proc = runner.playbook("info.yml", lab.inventory_path, ssh_type=ssh_type, verbosity=4)
    assert_ok(proc)
    secrets = [lab.lab_json["password"], lab.lab_json["ccm_admin_password"],
               lab.lab_json["cluster_security_password"]]
    for secret in secrets:
        assert secret not in proc.stdout
    assert "lab125-pub" in proc.stdout and "<127.0.0.1>" in proc.stdout  # it really was verbose


def test_stats_prove_the_lab_saw_the_commands(lab_factory, runner):
    lab = lab_factory(nodes=1, release="10.5")
    assert_ok(runner.playbook("info.yml", lab.inventory_path))
    history = lab.control("GET", "/stats")["nodes"]["lab105-pub"]["history"]
    assert history[0] == "set cli pagination off"
    assert "show itl" in history and "show ctl" in history
    json.dumps(history)


@pytest.mark.parametrize("module_name,command,line", [("itl_info", "show itl", 9),
                                                      ("cluster_info", "show network cluster", 1)])
def test_output_the_parser_cannot_read(lab_factory, runner, module_name, command, line):
    # A line a trust decision or the cluster's membership depends on: the task fails quoting it.
    lab = lab_factory(nodes=1, release="12.5")
    fault(lab, "lab125-pub", "garble_output", command="^%s$" % command, count=None, line=line)
    runner.playbook("one_module.yml", lab.inventory_path, extra_vars={"module_name": module_name})
    result = outcome(runner, "lab125-pub")
    assert result["failed"] is True
    assert result["msg"].startswith("lab125-pub: '%s' failed: cannot read the output" % command), result["msg"]
    assert "unexpected output: 0x7f3a" in result["msg"]  # the offending line is quoted
    assert "Traceback" not in result["msg"]


def test_a_line_the_inventory_parser_sets_aside_is_a_warning(lab_factory, runner):
    # The garbled line replaces the blank line after the node list: no data is lost, the
    # module reads the cluster and says which line it ignored.
    lab = lab_factory(nodes=1, release="12.5")
    fault(lab, "lab125-pub", "garble_output", command="^show network cluster$", count=None, line=2)
    runner.playbook("one_module.yml", lab.inventory_path, extra_vars={"module_name": "cluster_info"})
    result = outcome(runner, "lab125-pub")
    assert result.get("failed") is not True, result
    assert [n["hostname"] for n in result["nodes"]] == ["lab125-pub"] and result["publisher"] == "lab125-pub"
    assert any("show network cluster" in w and "unexpected output: 0x7f3a" in w for w in result["warnings"]), result
