# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Is the CTL stale? Its records against the cluster's current certificates.

Private to cucm.trust: used by plugins/modules/ctl_update.py only (and its tests); not an API.

The CTL copies certificates when it is built; regenerating a CallManager (or, 12.0+, the
publisher's ITLRecovery) certificate leaves the old one in the CTL until ``utils ctl update
CTLFile`` runs (seed 002, "cert regeneration with a tokenless CTL"). The current certificates
come from the database (``trust_state.CERTIFICATE_TRUST_ROLES``, seed 000): the CallManager
certificate of a server is the one with the "Authentication and Authorization" role and its
host name as CN. Serial numbers are compared: the CLI prints them as colon-separated hex, the
database as plain hex.

Pure functions on parsed data (``parse_run_sql`` rows, ``parse_show_ctl`` output).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.cucm.trust.plugins.module_utils.trust_facts import (
    CALLMANAGER_FUNCTIONS,
    common_name,
    record_unit,
)

# Seed 000: "the SQL query finds the certificates with the Authentication and Authorization
# role" - that is CallManager.pem.
CALLMANAGER_ROLES = ("authentication and authorization",)
ITLRECOVERY_PREFIX = "ITLRECOVERY_"

# Why a record differs.
SERIAL_DIFFERS = "serial_differs"
MISSING_FROM_CTL = "missing_from_ctl"
NOT_IN_DATABASE = "not_in_database"


def normalize_serial(serial):
    """``70:CA:F6:...`` and ``70caf6...`` -> ``70CAF6...``; leading zeros dropped (the database
    may print the integer, the CLI prints bytes)."""
    digits = re.sub(r"[^0-9A-Fa-f]", "", serial or "").upper().lstrip("0")
    return digits or ("0" if serial else "")


def _cert(row):
    return {
        "common_name": common_name(row.get("subjectname")) or "",
        "serials": [normalize_serial(row.get("serialnumber"))],
        "ip": (row.get("ipv4address") or "").strip() or None,
    }


def current_certificates(rows, publisher):
    """The cluster's current CallManager certificates and the publisher's ITLRecovery.

    ``rows``: ``trust_state.CERTIFICATE_TRUST_ROLES`` rows. ``publisher``: the publisher's node
    dict from ``show network cluster`` (``hostname``, ``fqdn``, ``ip``).

    Returns ``{callmanager: {cn (lower-case): {common_name, serials, ip}}, itlrecovery:
    {common_name, serials, ip} or None}``. The publisher's ITLRecovery is picked by its IP
    address, else by its name (``ITLRECOVERY_<host name or FQDN>``): subscribers have one too.
    """
    callmanager = {}
    recovery = []
    for row in rows or []:
        cert = _cert(row)
        if not cert["common_name"]:
            continue
        if cert["common_name"].upper().startswith(ITLRECOVERY_PREFIX):
            recovery.append(cert)
        elif (row.get("name") or "").strip().lower() in CALLMANAGER_ROLES:
            known = callmanager.setdefault(cert["common_name"].lower(), cert)
            if known is not cert and cert["serials"][0] not in known["serials"]:
                known["serials"].append(cert["serials"][0])
    return {"callmanager": callmanager, "itlrecovery": _publisher_recovery(recovery, publisher)}


def _publisher_recovery(certs, publisher):
    by_ip = [c for c in certs if publisher.get("ip") and c["ip"] == publisher.get("ip")]
    if by_ip:
        return by_ip[0]
    names = set(ITLRECOVERY_PREFIX + (publisher.get(key) or "").upper() for key in ("hostname", "fqdn"))
    return next((c for c in certs if c["common_name"].upper() in names), None)


def _matches_node(cert, node_name):
    """A database certificate belongs to a node named by processnode (host name, FQDN or IP)."""
    name = (node_name or "").lower()
    cn = cert["common_name"].lower()
    return name in (cn, cn.split(".")[0], (cert["ip"] or "").lower()) or name.split(".")[0] == cn


def ctl_differences(parsed_ctl, current, itlrecovery=False, ctl_nodes=None):
    """How the CTL's records differ from the current certificates; ``[]`` when up to date.

    Each difference: ``{server, unit, ctl_serial, current_serials, problem}``, ``problem``
    one of ``serial_differs``, ``missing_from_ctl`` (a current certificate the CTL lacks),
    ``not_in_database`` (a CTL record whose server the database does not know).

    ``itlrecovery``: also compare the publisher's ITLRecovery record (CUCM 12.0+ CTLs carry it).
    ``ctl_nodes``: names of the nodes that must be in the CTL (those running Cisco CallManager
    or Cisco Tftp); None skips the ``missing_from_ctl`` check for CallManager certificates.
    """
    records = parsed_ctl.get("records") or []
    differences = []
    seen = set()
    for record in records:
        if record.get("function") not in CALLMANAGER_FUNCTIONS or not record.get("subject"):
            continue  # placeholders of a non-secure CTL carry no certificate
        cn = (common_name(record["subject"]) or "").lower()
        if cn in seen:
            continue
        seen.add(cn)
        cert = current["callmanager"].get(cn)
        if cert is None:
            differences.append(_difference(cn, "CallManager", record, None, NOT_IN_DATABASE))
        elif normalize_serial(record.get("serial")) not in cert["serials"]:
            differences.append(_difference(cert["common_name"], "CallManager", record, cert, SERIAL_DIFFERS))
    if ctl_nodes is not None:
        for cn, cert in sorted(current["callmanager"].items()):
            if cn not in seen and any(_matches_node(cert, node) for node in ctl_nodes):
                differences.append(_difference(cert["common_name"], "CallManager", None, cert, MISSING_FROM_CTL))
    if itlrecovery and current.get("itlrecovery"):
        cert = current["itlrecovery"]
        record = next((r for r in records if record_unit(r, records) == "ITLRecovery"), None)
        if record is None:
            differences.append(_difference(cert["common_name"], "ITLRecovery", None, cert, MISSING_FROM_CTL))
        elif normalize_serial(record.get("serial")) not in cert["serials"]:
            differences.append(_difference(cert["common_name"], "ITLRecovery", record, cert, SERIAL_DIFFERS))
    return differences


def _difference(server, unit, record, cert, problem):
    return {
        "server": server,
        "unit": unit,
        "ctl_serial": record.get("serial") if record else None,
        "current_serials": list(cert["serials"]) if cert else [],
        "problem": problem,
    }


def removed_etokens(before, after):
    """Hardware eToken records of ``before`` that ``after`` no longer has (``summarize`` dicts)."""
    kept = set(normalize_serial(t.get("serial")) for t in after.get("etokens") or [])
    return [
        {"common_name": t.get("common_name"), "serial": t.get("serial"), "subject": t.get("subject")}
        for t in before.get("etokens") or []
        if normalize_serial(t.get("serial")) not in kept
    ]
