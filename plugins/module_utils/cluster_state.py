# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the state-changing modules read before they act: node role, security mode, services.

Every module reads the state it depends on *before* typing a state-changing command, so that
a refusal costs nothing (a subscriber, a cluster in the wrong mode, an unknown service).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cucm.trust.plugins.module_utils.cucm import (
    CliError,
    device_info,
    parse_output,
    run_command,
)
from ansible_collections.cucm.trust.plugins.module_utils.failures import TaskFailed
from ansible_collections.cucm.trust.plugins.module_utils.parsers import (
    parse_run_sql,
    parse_show_network_cluster,
)
from ansible_collections.cucm.trust.plugins.module_utils.queries import (
    CLUSTER_SECURITY_MODE,
    NODE_SERVICES,
    activated_nodes,
    security_mode_from_rows,
)

SHOW_NETWORK_CLUSTER = "show network cluster"


def run_parsed(module, command, parser):
    """Run a read command and parse it; ``(parsed, text)``."""
    text = run_command(module, command)
    return parse_output(parser, text, command), text


def release(module):
    """Active CUCM version of the node (cliconf device info), None when unknown."""
    return device_info(module).get("network_os_version")


def local_node(cluster):
    """The node the task runs on, from a parsed ``show network cluster``."""
    for node in cluster["nodes"]:
        if node.get("local"):
            return node
    raise CliError(SHOW_NETWORK_CLUSTER, "no line for the local node in the output", reason="parse")


def publisher_name(cluster):
    """Host name of the publisher, None when no node line says Publisher."""
    return next((n["hostname"] for n in cluster["nodes"] if n["role"] == "publisher"), None)


def require_publisher(cluster, action):
    """The local node when it is the publisher; TaskFailed naming the publisher otherwise.

    ``action`` completes "<node> is a subscriber; <action> runs on the publisher <name>".
    """
    node = local_node(cluster)
    if node["role"] != "publisher":
        raise TaskFailed(
            "%s is a subscriber; %s runs on the publisher %s"
            % (node["hostname"], action, publisher_name(cluster) or "(not listed)"),
            reason="subscriber",
        )
    return node


def read_cluster(module):
    """Parsed ``show network cluster``."""
    return run_parsed(module, SHOW_NETWORK_CLUSTER, parse_show_network_cluster)[0]


def read_security_mode(module):
    """``mixed`` or ``non_secure`` from the ClusterSecurityMode enterprise parameter."""
    rows, text = run_parsed(module, CLUSTER_SECURITY_MODE, parse_run_sql)
    mode = security_mode_from_rows(rows)
    if mode is None:
        raise CliError(CLUSTER_SECURITY_MODE, "no ClusterSecurityMode value in the answer", text, "parse")
    return mode


def read_activated_nodes(module):
    """``{service: [nodes]}`` from the database, or None (with a warning) when it cannot be read.

    Only used to tell the operator where to act next, so a database problem must not stop a
    task that has already changed the cluster.
    """
    try:
        rows = run_parsed(module, NODE_SERVICES, parse_run_sql)[0]
    except CliError as exc:
        module.warn("could not read which nodes run which services from the database (%s)" % exc)
        return None
    return activated_nodes(rows)
