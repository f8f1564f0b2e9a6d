# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action plugin of every cucm.trust module that talks to a CUCM node.

Runs the module over the persistent network_cli connection (ansible.netcommon's network
action base) and makes every failure message start with the inventory host name, so a run
over a whole cluster says which node failed even when the output is read out of order.

Modules point at it from meta/runtime.yml (``plugin_routing.modules.<module>.action_plugin:
cucm.trust.cucm``), as ``action_groups`` lists them for ``module_defaults``; the unit test
tests/unit/plugins/action/test_action_contract.py fails when a module lacks either entry.
There is no module ``cucm``: sanity's action-plugin-docs test is told so in
tests/sanity/ignore-*.txt.

The HTTPS API modules (``API_MODULES``: phone_info, phone_reset) do not use the CLI: they run on
the controller and talk to CUCM's AXL / RisPort70 over HTTPS (module_utils/cucm_api.py). For them
this plugin fills in, from the task's variables, the options the task (or ``module_defaults``)
left unset, because a module cannot read inventory variables itself and the node to ask is the
inventory host the task runs on: ``api_host`` from ``cucm_api_host``, else ``ansible_host``, else
``inventory_hostname``; and each option of ``API_VARIABLES`` from its inventory variable (set once
per cluster in group_vars, the pin per node in host_vars). They run with network_cli (no SSH
session is opened for them) or with the local connection (``delegate_to: localhost``).
``module_defaults`` for ``group/cucm.trust.cucm`` applies to every module of the group, and
ansible-core gives a module all of the group's options: the CLI modules therefore drop the API
options (``API_OPTIONS``) instead of failing on "Unsupported parameters".

trust_file_info also fetches files over HTTP from the controller (the TFTP HTTP port phones use);
like the API modules it gets ``tftp_host`` (``cucm_tftp_host``, else ``ansible_host``, else
``inventory_hostname``) and ``tftp_http_port`` (``cucm_tftp_http_port``) from the task's variables.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action.normal import ActionModule as NormalActionModule
from ansible_collections.ansible.netcommon.plugins.action.network import (
    ActionModule as ActionNetworkModule,
)

API_MODULES = frozenset(["phone_info", "phone_reset"])
# Option -> inventory variable, for the API modules (doc fragment cucm.trust.cucm.API).
API_VARIABLES = (
    ("api_port", "cucm_api_port"),
    ("api_user", "cucm_api_user"),
    ("api_password", "cucm_api_password"),
    ("ca_path", "cucm_api_ca_path"),
    ("tomcat_fingerprint", "cucm_tomcat_fingerprint"),
    ("axl_version", "cucm_axl_version"),
    ("risport_rate_limit", "cucm_risport_rate_limit"),
)
API_OPTIONS = frozenset(["api_host", "api_timeout", "api_retries", "api_retry_time"] + [o for o, _v in API_VARIABLES])
API_CONNECTIONS = ("network_cli", "local")
# CLI modules that also reach the node's TFTP HTTP port from the controller.
TFTP_HTTP_MODULES = frozenset(["trust_file_info", "recovery_plan"])


class ActionModule(ActionNetworkModule):
    def run(self, tmp=None, task_vars=None):
        del tmp  # tmp no longer has any effect
        task_vars = task_vars or {}
        host = task_vars.get("inventory_hostname", self._play_context.remote_addr)
        connection = self._play_context.connection.split(".")[-1]
        module = (getattr(self._task, "resolved_action", None) or self._task.action).split(".")[-1]
        if module in API_MODULES:
            return self._run_api_module(host, connection, task_vars)
        extra = set(self._task.args) & API_OPTIONS
        if extra:  # from a module_defaults group: options of the HTTPS API modules only
            self._task.args = dict((k, v) for k, v in self._task.args.items() if k not in extra)
        if module in TFTP_HTTP_MODULES:
            self._task.args = tftp_http_arguments(self._task.args, task_vars, self._templar.template)
        if connection != "network_cli":
            return {
                "failed": True,
                "msg": "%s: %s needs ansible_connection=ansible.netcommon.network_cli and "
                "ansible_network_os=cucm.trust.cucm (got connection %s)"
                % (host, self._task.action, self._play_context.connection),
            }

        return self._run_named(host, super(ActionModule, self).run, task_vars)

    def _run_named(self, host, run, task_vars):
        """``run(task_vars=...)``, every failure message starting with the host name."""
        try:
            result = run(task_vars=task_vars)
        except AnsibleError as exc:
            # Raised before the module could report (e.g. the CLI never showed its prompt):
            # still a failed task that names the host, not a bare exception.
            result = {"failed": True, "msg": "could not run %s: %s" % (self._task.action, to_text(exc))}
        if result.get("failed") and isinstance(result.get("msg"), str):
            if not result["msg"].startswith("%s:" % host):
                result["msg"] = "%s: %s" % (host, result["msg"])
        return result

    def _run_api_module(self, host, connection, task_vars):
        """An HTTPS API module: options filled from the task's variables, run on the controller."""
        if connection not in API_CONNECTIONS:
            return {
                "failed": True,
                "msg": "%s: %s runs on the controller: use the node's inventory entry (ansible.netcommon.network_cli) "
                "or connection: local / delegate_to: localhost (got connection %s)"
                % (host, self._task.action, self._play_context.connection),
            }
        self._task.args = api_arguments(self._task.args, task_vars, self._templar.template)
        # The plain module run (what network_cli does for modules it does not import), on the controller.
        return self._run_named(host, lambda task_vars: NormalActionModule.run(self, task_vars=task_vars), task_vars)


def _first_variable(task_vars, names):
    for variable in names:
        if task_vars.get(variable) is not None:
            return task_vars[variable]
    return None


def tftp_http_arguments(args, task_vars, template):
    """The task's arguments with ``tftp_host`` / ``tftp_http_port`` taken from the task's variables."""
    args = dict(args)
    if args.get("tftp_host") is None:
        host = _first_variable(task_vars, ("cucm_tftp_host", "ansible_host", "inventory_hostname"))
        if host is not None:
            args["tftp_host"] = template(host)
    if args.get("tftp_http_port") is None and task_vars.get("cucm_tftp_http_port") is not None:
        args["tftp_http_port"] = template(task_vars["cucm_tftp_http_port"])
    return args


def api_arguments(args, task_vars, template):
    """The task's arguments with the unset API options taken from the task's variables."""
    args = dict(args)
    if args.get("api_host") is None:
        for variable in ("cucm_api_host", "ansible_host", "inventory_hostname"):
            if task_vars.get(variable) is not None:
                args["api_host"] = template(task_vars[variable])
                break
    for option, variable in API_VARIABLES:
        if args.get(option) is None and task_vars.get(variable) is not None:
            args[option] = template(task_vars[variable])
    return args
