# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The trust_report filter: every host's trust_info result in, per-cluster findings out
(documentation: trust_report.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.cucm.trust.plugins.plugin_utils._cluster_name import cluster_name
from ansible_collections.cucm.trust.plugins.plugin_utils._trust_report import build_report, node_facts


def cucm_trust_report(hosts, hostvars, result_var):
    """``hosts``: the play's hosts; ``hostvars[host][result_var]``: the host's registered trust_info result."""
    if not isinstance(hosts, (list, tuple)):
        raise AnsibleFilterError("trust_report expects the list of the play's hosts, got %s" % type(hosts).__name__)
    nodes = []
    for host in hosts:
        variables = hostvars[host]
        result = variables[result_var] if result_var in variables else None
        nodes.append(node_facts(host, cluster_name(variables["group_names"]), result))
    return build_report(nodes)


class FilterModule(object):
    def filters(self):
        return {"trust_report": cucm_trust_report}
