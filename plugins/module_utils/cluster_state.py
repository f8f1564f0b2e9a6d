# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one reader of a node's cluster: membership, release, security mode and services.

Every module reads what it depends on through here, *before* typing a state-changing command,
so that a refusal costs nothing (a subscriber, a cluster in the wrong mode, an unknown
service). ``show version active`` and ``show network cluster`` cannot change during a play:
they are typed once per session and reused by later tasks.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError, command_failed, device_info, read
from ansible_collections.cucm.trust.plugins.module_utils.parsers import (
    parse_run_sql,
    parse_show_network_cluster,
    parse_show_version_active,
    parse_utils_service_list,
)

SHOW_NETWORK_CLUSTER = "show network cluster"
SHOW_VERSION = "show version active"
SERVICE_LIST = "utils service list"

# Seed 002 (tokenless CTL article): 0 = non-secure, 1 = mixed mode.
CLUSTER_SECURITY_MODE = (
    "run sql select paramname,paramvalue from processconfig where paramname='ClusterSecurityMode'"
)
SECURITY_MODES = {"0": "non_secure", "1": "mixed"}

# Activated services per node, cluster-wide, from the publisher's database.
NODE_SERVICES = (
    "run sql select pn.name as node, ts.name as service from processnodeservice as pns, processnode as pn, "
    "typeservice as ts where pns.fkprocessnode = pn.pkid and pns.tkservice = ts.enum and pns.enable = 't'"
)

# cluster_info reports these per node, under these keys.
TRUST_SERVICES = {
    "tftp": "Cisco Tftp",
    "callmanager": "Cisco CallManager",
    "tvs": "Cisco Trust Verification Service",
    "ctimanager": "Cisco CTIManager",
    "capf": "Cisco Certificate Authority Proxy Function",
}


def release(module):
    """Active CUCM version of the node (the cliconf device info), None when unknown."""
    return device_info(module).get("network_os_version")


def read_version(module):
    """Parsed ``show version active``: ``{version, options}``."""
    return read(module, SHOW_VERSION, parse_show_version_active, reuse=True)[0]


def read_cluster(module):
    """Parsed ``show network cluster``."""
    return read(module, SHOW_NETWORK_CLUSTER, parse_show_network_cluster, reuse=True)[0]


def local_node(cluster):
    """The node the task runs on, from a parsed ``show network cluster``."""
    for node in cluster["nodes"]:
        if node.get("local"):
            return node
    raise command_failed(SHOW_NETWORK_CLUSTER, "no line for the local node in the output", reason="parse")


def publisher_name(cluster):
    """Host name of the publisher, None when no node line says Publisher."""
    return next((n["hostname"] for n in cluster["nodes"] if n["role"] == "publisher"), None)


def require_publisher(module, action):
    """The local node when it is the publisher; CucmError naming the publisher otherwise.

    ``action`` completes "<node> is a subscriber; <action> runs on the publisher <name>".
    """
    cluster = read_cluster(module)
    node = local_node(cluster)
    if node["role"] != "publisher":
        raise CucmError("%s is a subscriber; %s runs on the publisher %s"
                        % (node["hostname"], action, publisher_name(cluster) or "(not listed)"),
                        reason="subscriber")
    return node


def read_services(module):
    """``({name: {state, activated}}, output)`` from ``utils service list`` on this node."""
    listing, text = read(module, SERVICE_LIST, parse_utils_service_list)
    return listing["services"], text


def read_security_mode(module):
    """``mixed`` or ``non_secure`` from the ClusterSecurityMode enterprise parameter."""
    answer, text = read(module, CLUSTER_SECURITY_MODE, parse_run_sql)
    for row in answer["rows"]:
        if (row.get("paramname") or "").lower() == "clustersecuritymode":
            mode = SECURITY_MODES.get((row.get("paramvalue") or "").strip())
            if mode:
                return mode
    raise command_failed(CLUSTER_SECURITY_MODE, "no ClusterSecurityMode value in the answer", reason="parse", output=text)


def read_activated_nodes(module, purpose="which nodes run which services"):
    """``{service: [nodes]}`` from the database, or None (with a warning) when it cannot be read.

    Only used to tell the operator where to act, so a database problem must not stop a task
    (one may already have changed the cluster).
    """
    try:
        rows = read(module, NODE_SERVICES, parse_run_sql)[0]["rows"]
    except CucmError as exc:
        module.warn("could not read %s from the database (%s)" % (purpose, exc))
        return None
    return activated_nodes(rows)


def activated_nodes(rows):
    """``{service name: [node names]}`` from the NODE_SERVICES rows, nodes in answer order."""
    nodes = {}
    for row in rows or []:
        service, node = row.get("service"), row.get("node")
        if service and node and node not in nodes.setdefault(service, []):
            nodes[service].append(node)
    return nodes


def cluster_facts(module):
    """What cucm.trust.cluster_info returns: nodes with their trust services, publisher, release."""
    cluster = read_cluster(module)
    version = read_version(module)
    local_services = read_services(module)[0]
    by_service = read_activated_nodes(module, "activated services (only this node's services are known)")
    by_node = None
    if by_service is not None:
        by_node = {}
        for service, names in by_service.items():
            for name in names:
                by_node.setdefault(name, set()).add(service)

    nodes = []
    for node in cluster["nodes"]:
        entry = dict(node)
        # A node the database does not name (processnode may hold its IP or FQDN) stays unknown.
        activated = by_node.get(node["hostname"]) if by_node is not None else None
        for key, service in TRUST_SERVICES.items():
            if activated is not None:
                entry[key] = service in activated
            elif node.get("local"):
                entry[key] = bool(local_services.get(service, {}).get("activated"))
            else:
                entry[key] = None
        nodes.append(entry)
    local = local_node(cluster)
    return dict(
        local={"hostname": local["hostname"], "role": local["role"], "services": local_services},
        publisher=publisher_name(cluster),
        release=version.get("version"),
        installed_options=version.get("options"),
        nodes=nodes,
        processnodes=cluster.get("processnodes") or [],
        tftp_nodes=[n["hostname"] for n in nodes if n.get("tftp")],
    )
