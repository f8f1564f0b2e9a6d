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

from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import run_parsed
from ansible_collections.cucm.trust.plugins.module_utils.cucm import CliError
from ansible_collections.cucm.trust.plugins.module_utils.module_runner import run_module
from ansible_collections.cucm.trust.plugins.module_utils.parsers import (
    parse_run_sql,
    parse_show_network_cluster,
    parse_show_version_active,
    parse_utils_service_list,
)
from ansible_collections.cucm.trust.plugins.module_utils.queries import NODE_SERVICES

TRUST_SERVICES = {
    "tftp": "Cisco Tftp",
    "callmanager": "Cisco CallManager",
    "tvs": "Cisco Trust Verification Service",
    "ctimanager": "Cisco CTIManager",
    "capf": "Cisco Certificate Authority Proxy Function",
}


def _run_parsed(module, command, parser):
    return run_parsed(module, command, parser)[0]


def _cluster_services(module):
    """{hostname: set(service names)} from the database, or None when it cannot be read."""
    try:
        rows = _run_parsed(module, NODE_SERVICES, parse_run_sql)
    except CliError as exc:
        module.warn("could not read activated services from the database (%s); "
                    "only this node's services are known" % exc)
        return None
    services = {}
    for row in rows:
        services.setdefault(row.get("node"), set()).add(row.get("service"))
    return services


def read_cluster(module):
    cluster = _run_parsed(module, "show network cluster", parse_show_network_cluster)
    version = _run_parsed(module, "show version active", parse_show_version_active)
    local_services = _run_parsed(module, "utils service list", parse_utils_service_list)["services"]
    by_node = _cluster_services(module)

    nodes = []
    local = None
    for node in cluster["nodes"]:
        entry = dict(node)
        activated = by_node.get(node["hostname"]) if by_node is not None else None
        for key, service in TRUST_SERVICES.items():
            if activated is not None:
                entry[key] = service in activated
            elif node.get("local"):
                entry[key] = bool(local_services.get(service, {}).get("activated"))
            else:
                entry[key] = None
        nodes.append(entry)
        if node.get("local"):
            local = {"hostname": node["hostname"], "role": node["role"], "services": local_services}

    if local is None:
        raise CliError("show network cluster", "no line for the local node in the output")
    publisher = next((n["hostname"] for n in nodes if n["role"] == "publisher"), None)
    result = dict(
        changed=False,
        local=local,
        publisher=publisher,
        release=version.get("version"),
        installed_options=version.get("options"),
        nodes=nodes,
        processnodes=cluster.get("processnodes") or [],
        tftp_nodes=[n["hostname"] for n in nodes if n.get("tftp")],
    )
    return result


def main():
    run_module({}, read_cluster)


if __name__ == "__main__":
    main()
