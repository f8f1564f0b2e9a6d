# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The `run sql` queries the collection relies on, in one place."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Seed 002 (tokenless CTL article): 0 = non-secure, 1 = mixed mode.
CLUSTER_SECURITY_MODE = (
    "run sql select paramname,paramvalue from processconfig where paramname='ClusterSecurityMode'"
)

# Activated services per node, cluster-wide, from the publisher's database.
NODE_SERVICES = (
    "run sql select pn.name as node, ts.name as service from processnodeservice as pns, processnode as pn, "
    "typeservice as ts where pns.fkprocessnode = pn.pkid and pns.tkservice = ts.enum and pns.enable = 't'"
)

SECURITY_MODES = {"0": "non_secure", "1": "mixed"}


def security_mode_from_rows(rows):
    """'mixed' / 'non_secure' from the ClusterSecurityMode query rows; None when absent."""
    for row in rows or []:
        if (row.get("paramname") or "").lower() == "clustersecuritymode":
            return SECURITY_MODES.get((row.get("paramvalue") or "").strip())
    return None


# Seed 000 (SBD article, "is CallManager.pem to be regenerated?"): every certificate with its
# trust roles. Serial numbers are hex without colons; the CallManager certificate is the one
# with the "Authentication and Authorization" role.
CERTIFICATE_TRUST_ROLES = (
    "run sql select c.subjectname, c.serialnumber, c.ipv4address, t.name from certificate as c, "
    "certificatetrustrolemap as r, typetrustrole as t where c.pkid = r.fkcertificate and t.enum = r.tktrustrole"
)


def activated_nodes(rows):
    """``{service name: [node names]}`` from the NODE_SERVICES rows, nodes in answer order."""
    nodes = {}
    for row in rows or []:
        service, node = row.get("service"), row.get("node")
        if service and node and node not in nodes.setdefault(service, []):
            nodes[service].append(node)
    return nodes
