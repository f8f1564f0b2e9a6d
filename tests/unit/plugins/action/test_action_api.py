"""The cucm action plugin and the HTTPS API modules (phone_info, phone_reset).

For them it fills the unset API options from the task's variables (api_host from cucm_api_host,
ansible_host or inventory_hostname; the others from their cucm_* inventory variables), runs them on
network_cli or local connections, and it keeps the CLI modules working when a module_defaults
group hands them those options.
"""

from types import SimpleNamespace

import pytest

from ansible_collections.cucm.trust.plugins.action import cucm as action
from ansible_collections.cucm.trust.plugins.module_utils.cucm_api import API_ARGUMENT_SPEC


def template(value):
    return value.replace("{{ pub }}", "cucm-pub.example.com") if isinstance(value, str) else value


def test_api_host_defaults_to_the_task_node():
    assert action.api_arguments({}, {"inventory_hostname": "pub", "ansible_host": "192.0.2.10"}, template) == {
        "api_host": "192.0.2.10"}
    assert action.api_arguments({}, {"inventory_hostname": "pub"}, template) == {"api_host": "pub"}
    assert action.api_arguments({}, {"inventory_hostname": "pub", "ansible_host": "192.0.2.10",
                                     "cucm_api_host": "{{ pub }}"}, template) == {"api_host": "cucm-pub.example.com"}
    assert action.api_arguments({"api_host": "other"}, {"ansible_host": "192.0.2.10"}, template) == {
        "api_host": "other"}


def test_inventory_variables_fill_unset_options_only():
    task_vars = {"inventory_hostname": "pub", "cucm_api_user": "axl", "cucm_api_password": "pw",
                 "cucm_tomcat_fingerprint": "AA:BB", "cucm_api_ca_path": "/ca.pem", "cucm_api_port": 9443,
                 "cucm_axl_version": "12.5", "cucm_risport_rate_limit": 18}
    args = action.api_arguments({"api_user": "from-task", "scope": "all"}, task_vars, template)
    assert args == {"api_host": "pub", "api_user": "from-task", "api_password": "pw", "tomcat_fingerprint": "AA:BB",
                    "ca_path": "/ca.pem", "api_port": 9443, "axl_version": "12.5", "risport_rate_limit": 18,
                    "scope": "all"}


def test_the_option_lists_match_the_runtime():
    assert action.API_OPTIONS == set(API_ARGUMENT_SPEC)
    assert set(option for option, _variable in action.API_VARIABLES) < set(API_ARGUMENT_SPEC)


def plugin(module, args, connection="ansible.netcommon.network_cli"):
    task = SimpleNamespace(action="cucm.trust." + module, resolved_action="cucm.trust." + module, args=dict(args),
                           async_val=0)
    play_context = SimpleNamespace(connection=connection, remote_addr="192.0.2.10")
    return action.ActionModule(task, None, play_context, None, SimpleNamespace(template=template))


@pytest.fixture
def ran(monkeypatch):
    """Which base run() the plugin called, with which arguments."""
    calls = []

    def normal(self, tmp=None, task_vars=None):
        calls.append(("normal", dict(self._task.args)))
        return {"failed": True, "msg": "AXL listPhone on x: HTTP 401"}

    def network(self, tmp=None, task_vars=None):
        calls.append(("network", dict(self._task.args)))
        return {"changed": False}

    monkeypatch.setattr(action.NormalActionModule, "run", normal)
    monkeypatch.setattr(action.ActionNetworkModule, "run", network)
    return calls


@pytest.mark.parametrize("connection", ["ansible.netcommon.network_cli", "local", "ansible.builtin.local"])
def test_api_modules_run_on_the_controller_with_their_options_filled(ran, connection):
    result = plugin("phone_info", {"names": ["SEP*"]}, connection).run(
        task_vars={"inventory_hostname": "pub", "ansible_host": "192.0.2.10", "cucm_api_user": "axl"})
    assert ran == [("normal", {"names": ["SEP*"], "api_host": "192.0.2.10", "api_user": "axl"})]
    assert result["msg"] == "pub: AXL listPhone on x: HTTP 401"  # failures still start with the host


def test_api_modules_refuse_a_remote_connection(ran):
    result = plugin("phone_reset", {"scope": "all"}, "ssh").run(task_vars={"inventory_hostname": "pub"})
    assert ran == [] and result["failed"] is True and "runs on the controller" in result["msg"]


def test_cli_modules_drop_the_api_options_a_module_defaults_group_gives(ran):
    plugin("cluster_info", {"api_user": "axl", "api_password": "pw", "tomcat_fingerprint": "AA"}).run(
        task_vars={"inventory_hostname": "pub"})
    assert ran == [("network", {})]


def test_cli_modules_still_need_network_cli(ran):
    result = plugin("cluster_info", {}, "local").run(task_vars={"inventory_hostname": "pub"})
    assert ran == [] and "needs ansible_connection=ansible.netcommon.network_cli" in result["msg"]


def test_trust_file_info_gets_the_tftp_http_address_from_the_task_variables():
    task_vars = {"inventory_hostname": "pub", "ansible_host": "192.0.2.10", "cucm_tftp_http_port": 16970}
    assert action.tftp_http_arguments({"files": ["itl"]}, task_vars, template) == {
        "files": ["itl"], "tftp_host": "192.0.2.10", "tftp_http_port": 16970}
    assert action.tftp_http_arguments({}, {"inventory_hostname": "pub"}, template) == {"tftp_host": "pub"}
    assert action.tftp_http_arguments({}, dict(task_vars, cucm_tftp_host="{{ pub }}"), template)["tftp_host"] == \
        "cucm-pub.example.com"
    assert action.tftp_http_arguments({"tftp_host": "other", "tftp_http_port": 6970}, task_vars, template) == {
        "tftp_host": "other", "tftp_http_port": 6970}
