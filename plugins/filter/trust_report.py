# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filter behind the trust_report role: per-node facts in, per-cluster findings out."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.cucm.trust.plugins.plugin_utils._trust_report import build_report


def cucm_trust_report(nodes, hosts=None):
    if not isinstance(nodes, (list, tuple)):
        raise AnsibleFilterError("trust_report expects a list of node dicts, got %s" % type(nodes).__name__)
    nodes = [dict(n) for n in nodes]
    seen = set(n.get("host") for n in nodes)
    # Hosts of the play that gathered nothing (unreachable before the first task) still count.
    for host in hosts or []:
        if host not in seen:
            nodes.append({"host": host, "error": "no trust facts gathered (host unreachable or play aborted)"})
    return build_report(nodes)


class FilterModule(object):
    def filters(self):
        return {"trust_report": cucm_trust_report}
