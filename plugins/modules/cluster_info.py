#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: cluster_info
short_description: Read a CUCM cluster's nodes, release and trust-relevant services
version_added: 0.1.0
author: cucm.trust maintainers (@cucm-trust)
description:
  - Runs C(show network cluster), C(show version active) and C(utils service list) on the node, and
    asks the database which services are activated on which node.
  - Tells which node is the publisher (the only node where ITL reset, mixed mode and the ITLRecovery
    backup can be run) and which nodes run Cisco Tftp, Cisco CallManager and the Trust Verification
    Service.
options: {}
extends_documentation_fragment:
  - cucm.trust.attributes
  - cucm.trust.attributes.INFO_MODULE
  - cucm.trust.cucm
seealso:
  - module: cucm.trust.itl_info
  - module: cucm.trust.ctl_info
"""

EXAMPLES = r"""
- name: Find the publisher of each cluster
  cucm.trust.cluster_info:
  register: cluster

- name: Refuse to go on when this host is not the publisher
  ansible.builtin.assert:
    that: cluster.local.role == 'publisher'
    fail_msg: "{{ inventory_hostname }} is a subscriber; the publisher is {{ cluster.publisher }}"
"""

RETURN = r"""
local:
  description: The node the task ran on.
  returned: success
  type: dict
  contains:
    hostname:
      description: Host name as the cluster knows it.
      type: str
    role:
      description: C(publisher) or C(subscriber).
      type: str
    services:
      description: Every service from C(utils service list) with its C(state) and C(activated) flag.
      type: dict
  sample:
    hostname: cucm-pub
    role: publisher
publisher:
  description: Host name of the publisher.
  returned: success
  type: str
  sample: cucm-pub
release:
  description: Active CUCM version.
  returned: success
  type: str
  sample: 14.0.1.13900-155
nodes:
  description: Nodes of the cluster from C(show network cluster), each with the trust services it runs.
  returned: success
  type: list
  elements: dict
  contains:
    hostname:
      description: Host name.
      type: str
    ip:
      description: IP address.
      type: str
    fqdn:
      description: FQDN (null when this release does not print it).
      type: str
    role:
      description: C(publisher) or C(subscriber).
      type: str
    local:
      description: True for the node the task ran on.
      type: bool
    tftp:
      description: Cisco Tftp is activated (null when unknown).
      type: bool
    callmanager:
      description: Cisco CallManager is activated (null when unknown).
      type: bool
    tvs:
      description: Cisco Trust Verification Service is activated (null when unknown).
      type: bool
processnodes:
  description: Server table (processnode) entries, printed on the publisher only.
  returned: success
  type: list
  elements: str
tftp_nodes:
  description: Host names of the nodes running Cisco Tftp.
  returned: success
  type: list
  elements: str
"""

from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import cluster_facts
from ansible_collections.cucm.trust.plugins.module_utils.cucm import run_module


def main():
    run_module({}, lambda module: dict(cluster_facts(module), changed=False))


if __name__ == "__main__":
    main()
