# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Cluster-wide trust findings from the per-node facts the trust_report role gathers.

Private to cucm.trust: used by plugins/filter/trust_report.py only (and its tests); not an API.

Input: one dict per inventory host - ``host``, ``group`` (inventory group of its cluster), and
either ``error`` (the node could not be read) or ``cluster`` / ``itl`` / ``ctl`` (what
cucm.trust.trust_info returns under those keys; ``node_facts`` builds it from a registered
result). Output: per-cluster node rows and findings, and the report as fixed-width text.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

TFTP = "Cisco Tftp"


def node_facts(host, group, result):
    """The input item of ``build_report`` for one host from its registered trust_info result
    (None when the host ran nothing: unreachable, or the play ended first)."""
    if result is None:
        return {"host": host, "group": group, "error": "no trust facts gathered (host unreachable or play aborted)"}
    if result.get("failed") or result.get("unreachable"):
        return {"host": host, "group": group, "error": result.get("msg") or "unknown error"}
    return {"host": host, "group": group, "cluster": result.get("cluster"), "itl": result.get("itl"),
            "ctl": result.get("ctl")}


def _get(data, *path):
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _short(value, width=12):
    return (value or "-")[:width]


def _runs_tftp(node):
    service = _get(node, "cluster", "local", "services", TFTP) or {}
    return bool(service.get("activated"))


def _cluster_key(node, known):
    """The inventory group of the cluster; else its publisher; an unreadable node joins the
    cluster whose node list names it."""
    if node.get("group"):
        return node["group"]
    publisher = _get(node, "cluster", "publisher")
    if publisher:
        return publisher
    return known.get(node.get("host"), node.get("host"))


def _finding(findings, cluster, node, code, message, severity="error"):
    findings.append({"cluster": cluster, "node": node, "code": code, "severity": severity, "message": message})


def _itl_findings(name, nodes, findings):
    recovery = {}
    for node in nodes:
        host = node["host"]
        if node.get("error") or not _runs_tftp(node):
            continue
        itl = node.get("itl") or {}
        summary = itl.get("summary") or {}
        if not summary.get("present"):
            _finding(findings, name, host, "itl_missing", "no ITL file on a node that runs Cisco Tftp")
            continue
        if summary.get("verified") is not True:
            _finding(findings, name, host, "itl_not_verified", "the ITL file does not verify (%s)"
                     % "; ".join(summary.get("errors") or ["no verification line"]))
        signer = summary.get("signer") or {}
        expected = summary.get("expected_signer_unit")
        if expected and signer.get("unit") != expected:
            _finding(findings, name, host, "itl_signer_unexpected",
                     "ITL signed by %s (%s); release %s signs with %s"
                     % (signer.get("common_name") or "nobody", signer.get("unit") or "unknown unit",
                        itl.get("release") or "?", expected))
        entry = summary.get("itlrecovery")
        if not entry:
            _finding(findings, name, host, "itlrecovery_missing", "no ITLRECOVERY entry in the ITL")
        else:
            recovery[host] = entry.get("certificate_sha1") or entry.get("cert_hash") or entry.get("serial")
    if len(set(recovery.values())) > 1:
        detail = ", ".join("%s=%s" % (h, _short(v)) for h, v in sorted(recovery.items()))
        _finding(findings, name, None, "itlrecovery_mismatch",
                 "TFTP nodes carry different ITLRECOVERY certificates: %s" % detail)


def _ctl_findings(name, nodes, findings):
    modes = set(_get(n, "ctl", "security_mode") for n in nodes if not n.get("error"))
    modes.discard(None)
    mode = modes.pop() if len(modes) == 1 else None
    checksums = {}
    for node in nodes:
        host = node["host"]
        if node.get("error"):
            continue
        ctl = node.get("ctl") or {}
        summary = ctl.get("summary") or {}
        if ctl.get("security_mode") == "non_secure" and summary.get("present"):
            _finding(findings, name, host, "ctl_stale",
                     "a CTL file is present although the cluster is non-secure (left from an earlier mixed mode)")
        if ctl.get("security_mode") != "mixed":
            continue
        if not summary.get("present"):
            _finding(findings, name, host, "ctl_missing", "cluster is in mixed mode but this node has no CTL file")
            continue
        checksums[host] = summary.get("sha1") or summary.get("md5")
        if summary.get("verified") is not True:
            _finding(findings, name, host, "ctl_not_verified", "the CTL file does not verify")
        signer = summary.get("signer") or {}
        expected = summary.get("expected_signer_unit")
        if signer.get("unit") == "eToken":
            _finding(findings, name, host, "ctl_signed_by_etoken",
                     "the CTL is signed by a hardware eToken (%s)" % signer.get("common_name"), "warning")
        elif expected and signer.get("unit") != expected:
            _finding(findings, name, host, "ctl_signer_unexpected",
                     "CTL signed by %s (%s); tokenless CTLs of this release are signed by %s"
                     % (signer.get("common_name") or "nobody", signer.get("unit") or "unknown unit", expected))
    if len(set(checksums.values())) > 1:
        detail = ", ".join("%s=%s" % (h, _short(v)) for h, v in sorted(checksums.items()))
        _finding(findings, name, None, "ctl_mismatch", "CTL checksums differ between nodes: %s" % detail)
    return mode if mode else ("inconsistent" if len(modes) > 1 else None)


def _row(node):
    if node.get("error"):
        return {"host": node["host"], "error": node["error"]}
    itl = _get(node, "itl", "summary") or {}
    ctl = _get(node, "ctl", "summary") or {}
    return {
        "host": node["host"],
        "role": _get(node, "cluster", "local", "role"),
        "tftp": _runs_tftp(node),
        "itl_sha1": itl.get("sha1"),
        "itl_signer": _get(itl, "signer", "common_name"),
        "itl_signer_unit": _get(itl, "signer", "unit"),
        "itl_verified": itl.get("verified"),
        "itlrecovery_sha1": _get(itl, "itlrecovery", "certificate_sha1"),
        "ctl_present": ctl.get("present"),
        "ctl_sha1": ctl.get("sha1"),
        "ctl_signer": _get(ctl, "signer", "common_name"),
        "ctl_verified": ctl.get("verified"),
    }


def build_report(nodes):
    known = {}
    for node in nodes:
        for member in _get(node, "cluster", "nodes") or []:
            known.setdefault(member.get("hostname"), _get(node, "cluster", "publisher"))
    groups = {}
    for node in nodes:
        groups.setdefault(_cluster_key(node, known), []).append(node)
    clusters = []
    findings = []
    for key in sorted(groups, key=str):
        members = sorted(groups[key], key=lambda n: n["host"])
        name = next((n.get("group") for n in members if n.get("group")), key)
        before = len(findings)
        for node in members:
            if node.get("error"):
                _finding(findings, name, node["host"], "node_unreadable", node["error"])
        _itl_findings(name, members, findings)
        mode = _ctl_findings(name, members, findings)
        release = next((_get(n, "cluster", "release") for n in members if _get(n, "cluster", "release")), None)
        clusters.append({
            "name": name,
            "publisher": next((_get(n, "cluster", "publisher") for n in members if _get(n, "cluster", "publisher")), None),
            "release": release,
            "security_mode": mode,
            "nodes": [_row(n) for n in members],
            "findings": findings[before:],
        })
    report = {"clusters": clusters, "findings": findings, "finding_count": len(findings)}
    report["text"] = render_text(report)
    return report


def _flag(value):
    return {True: "yes", False: "NO"}.get(value, "-")


def render_text(report):
    lines = []
    header = "%-18s %-10s %-4s %-12s %-24s %-4s %-12s %-12s %-4s" % (
        "node", "role", "tftp", "ITL sha1", "ITL signer", "ok", "ITLRECOVERY", "CTL sha1", "ok")
    for cluster in report["clusters"]:
        lines.append("cluster %s  release %s  security mode %s  publisher %s" % (
            cluster["name"], cluster.get("release") or "?", cluster.get("security_mode") or "?",
            cluster.get("publisher") or "?"))
        lines.append(header)
        for row in cluster["nodes"]:
            if row.get("error"):
                lines.append("%-18s UNREADABLE: %s" % (row["host"], row["error"]))
                continue
            lines.append("%-18s %-10s %-4s %-12s %-24s %-4s %-12s %-12s %-4s" % (
                row["host"], row.get("role") or "-", _flag(row.get("tftp")), _short(row.get("itl_sha1")),
                (row.get("itl_signer") or "-")[:24], _flag(row.get("itl_verified")),
                _short(row.get("itlrecovery_sha1")), _short(row.get("ctl_sha1")),
                _flag(row.get("ctl_verified")) if row.get("ctl_present") else "-"))
        if cluster["findings"]:
            lines.append("findings:")
            for finding in cluster["findings"]:
                where = finding["node"] or "cluster"
                lines.append("  [%s] %s %s: %s" % (finding["severity"], where, finding["code"], finding["message"]))
        else:
            lines.append("findings: none")
        lines.append("")
    return "\n".join(lines).rstrip()
