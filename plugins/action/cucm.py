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
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible_collections.ansible.netcommon.plugins.action.network import (
    ActionModule as ActionNetworkModule,
)


class ActionModule(ActionNetworkModule):
    def run(self, tmp=None, task_vars=None):
        del tmp  # tmp no longer has any effect
        task_vars = task_vars or {}
        host = task_vars.get("inventory_hostname", self._play_context.remote_addr)
        connection = self._play_context.connection.split(".")[-1]
        if connection != "network_cli":
            return {
                "failed": True,
                "msg": "%s: %s needs ansible_connection=ansible.netcommon.network_cli and "
                "ansible_network_os=cucm.trust.cucm (got connection %s)"
                % (host, self._task.action, self._play_context.connection),
            }

        try:
            result = super(ActionModule, self).run(task_vars=task_vars)
        except AnsibleError as exc:
            # Raised before the module could report (e.g. the CLI never showed its prompt):
            # still a failed task that names the host, not a bare exception.
            result = {"failed": True, "msg": "could not run %s: %s" % (self._task.action, to_text(exc))}
        if result.get("failed") and isinstance(result.get("msg"), str):
            if not result["msg"].startswith("%s:" % host):
                result["msg"] = "%s: %s" % (host, result["msg"])
        return result
