#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: trust_info
short_description: Read a CUCM node's whole trust state in one task - cluster, ITL and CTL
version_added: 0.1.0
author: cucm.trust maintainers (@cucm-trust)
description:
  - Returns in one task what M(cucm.trust.cluster_info), M(cucm.trust.itl_info) and M(cucm.trust.ctl_info) return,
    each under its own key, reading every command once.
  - Use it to survey many nodes (the C(cucm.trust.trust_report) role does); each task on a node costs a few seconds of
    controller time, so one task instead of three matters on large fleets.
options: {}
extends_documentation_fragment:
  - cucm.trust.attributes
  - cucm.trust.attributes.INFO_MODULE
  - cucm.trust.cucm
seealso:
  - module: cucm.trust.cluster_info
  - module: cucm.trust.itl_info
  - module: cucm.trust.ctl_info
"""

EXAMPLES = r"""
- name: Read cluster, ITL and CTL of every node
  cucm.trust.trust_info:
  register: trust

- name: Show who signs the ITL of each TFTP node
  ansible.builtin.debug:
    msg: "{{ inventory_hostname }}: {{ trust.itl.summary.signer.common_name }} ({{ trust.itl.summary.signer.unit }})"
  when: trust.cluster.local.hostname in trust.cluster.tftp_nodes
"""

RETURN = r"""
cluster:
  description: What M(cucm.trust.cluster_info) returns (C(local), C(publisher), C(release), C(nodes), C(tftp_nodes) ...).
  returned: success
  type: dict
  sample:
    publisher: cucm-pub
    release: 14.0.1.13900-155
    tftp_nodes: [cucm-pub, cucm-sub1]
itl:
  description: What M(cucm.trust.itl_info) returns (C(itl), C(summary), C(release), C(stdout_lines)).
  returned: success
  type: dict
ctl:
  description: What M(cucm.trust.ctl_info) returns (C(ctl), C(summary), C(security_mode), C(release), C(stdout_lines)).
  returned: success
  type: dict
"""

from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import cluster_facts
from ansible_collections.cucm.trust.plugins.module_utils.cucm import run_module
from ansible_collections.cucm.trust.plugins.module_utils.trust_state import ctl_facts, itl_facts


def read_trust(module):
    return dict(changed=False, cluster=cluster_facts(module), itl=itl_facts(module), ctl=ctl_facts(module))


def main():
    run_module({}, read_trust)


if __name__ == "__main__":
    main()
