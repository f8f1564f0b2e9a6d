# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Findings of the nightly trust audit, per cluster, from what each node of the play recorded.

Private to cucm.trust: used by plugins/filter/trust_audit.py and plugins/filter/trust_audit_history.py only
(and their tests); not an API.

Input items (one per host, set by the trust_audit role)::

    {host, cluster, hostname (CUCM's name), publisher (bool), tftp (bool), security_mode,
     files (trust_file_info's ``files``: itl / ctl entries with parsed, verification,
     differences), problems (trust_file_info's), failed / msg (the task failed),
     ctl_stale_differences (publisher, mixed mode: ctl_update if_stale's differences, or None)}

Each finding: ``{id, severity (critical | warning | info), cluster, node, message, fix}``.
Critical findings fail the nightly job. The checks are what decides whether phones keep trusting
the cluster: the primer's rules (the TVS cache of 86,400 s, the 64 KB / 39-certificate ITL
limit) and the two channels of trust_file_info.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

CRITICAL, WARNING, INFO = "critical", "warning", "info"
SEVERITIES = (CRITICAL, WARNING, INFO)
# Functions of the records that belong to the TFTP node itself (its CallManager certificate).
NODE_FUNCTIONS = ("CCM+TFTP", "TFTP", "CCM")
SAST = "System Administrator Security Token"
DEFAULTS = {
    "expiry_days": 60,
    "expiry_critical_days": 14,
    "tvs_cache_seconds": 86400,
    "max_itl_bytes": 65535,
    "max_itl_certificates": 39,
}


def _time(text):
    if not text:
        return None
    return datetime.datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=None)


def _finding(severity, cluster, node, check, message, fix):
    return {"id": check, "severity": severity, "cluster": cluster, "node": node, "message": message, "fix": fix}


def _cn(subject):
    for part in (subject or "").replace(",", ";").split(";"):
        key, _sep, value = part.strip().partition("=")
        if key.strip().upper() == "CN":
            return value.strip()
    return subject


def _parsed(node, kind):
    entry = (node.get("files") or {}).get(kind) or {}
    return entry.get("parsed")


def _cert_key(record):
    return record.get("certificate_sha1") or record.get("cert_hash")


def _shared_records(node):
    """The ITL records every TFTP node must have alike: all but the node's own CallManager
    certificate (present with its TFTP function and, on some releases, as a SAST)."""
    itl = _parsed(node, "itl")
    if itl is None:
        return None
    own = set(_cert_key(r) for r in itl["records"] if r.get("function") in NODE_FUNCTIONS)
    return sorted("%s %s %s" % (r.get("function"), _cn(r.get("subject")), _cert_key(r))
                  for r in itl["records"] if _cert_key(r) not in own)


def check_itl_agreement(cluster, nodes):
    # A node whose binary already disagrees with its CLI is reported as such (check_channels).
    shared = dict((n["host"], _shared_records(n)) for n in nodes
                  if n.get("tftp") and ((n.get("files") or {}).get("itl") or {}).get("agrees"))
    shared = dict((h, s) for h, s in shared.items() if s is not None)
    if len(shared) < 2:
        return []
    reference_host = next((n["host"] for n in nodes if n.get("publisher") and n["host"] in shared), sorted(shared)[0])
    reference = shared[reference_host]
    findings = []
    for host in sorted(shared):
        if host == reference_host or shared[host] == reference:
            continue
        missing = sorted(set(reference) - set(shared[host]))
        extra = sorted(set(shared[host]) - set(reference))
        findings.append(_finding(
            CRITICAL, cluster, host, "itl_records_disagree",
            "the ITL of %s differs from %s's beyond its own CallManager certificate: missing %s; extra %s"
            % (host, reference_host, ", ".join(missing) or "none", ", ".join(extra) or "none"),
            "restart Cisco Tftp on %s so it rebuilds its ITL from the cluster's certificates, then compare again; "
            "if it persists, check the certificates with 'show cert list own' on both nodes" % host))
    return findings


def check_ctl_agreement(cluster, nodes):
    tftp = [n for n in nodes if n.get("tftp") and n.get("files")]
    if not tftp or not any(n.get("security_mode") == "mixed" for n in tftp):
        return []
    served = dict((n["host"], ((n["files"].get("ctl") or {}).get("sha1"))) for n in tftp)
    if len(set(served.values())) < 2:
        return []
    return [_finding(
        CRITICAL, cluster, None, "ctl_differs",
        "the CTL differs between nodes (SHA-1 per node: %s); phones get a different CTL depending on their TFTP "
        "server" % ", ".join("%s %s" % (h, (s or "none")[:12]) for h, s in sorted(served.items())),
        "run 'utils ctl update CTLFile' on the publisher (cucm.trust.ctl_update), restart Cisco Tftp and Cisco "
        "CallManager node by node, then reset the phones (role cucm.trust.cluster_security_mode with "
        "cluster_security_mode_update_ctl=true)")]


def check_channels(cluster, nodes):
    findings = []
    for node in nodes:
        if not node.get("tftp"):
            continue
        if node.get("failed"):
            findings.append(_finding(CRITICAL, cluster, node["host"], "node_unreadable",
                                     "the audit could not read %s: %s" % (node["host"], node.get("msg")),
                                     "check SSH access and the node's CLI; the audit needs both channels"))
            continue
        problems = node.get("problems") or []
        if problems:
            findings.append(_finding(
                CRITICAL, cluster, node["host"], "binary_cli_disagree",
                "what %s serves to phones over HTTP does not check out: %s" % (node["host"], "; ".join(problems)),
                "compare 'show itl' / 'show ctl' on the node with the file phones fetch "
                "(http://%s:6970/ITLFile.tlv); a file that does not verify or differs from the CLI is not the one "
                "CUCM built: restart Cisco Tftp on the node and look for whatever sits between phones and TFTP"
                % node["host"]))
    return findings


def _node_certificates(node):
    """``(callmanager_record, tvs_record, itlrecovery_record)`` of a node's ITL (None when absent)."""
    itl = _parsed(node, "itl")
    if itl is None:
        return None, None, None
    name = (node.get("hostname") or node["host"]).lower()
    callmanager = next((r for r in itl["records"] if r.get("function") in NODE_FUNCTIONS
                        and (r.get("dns_name") or "").lower() in (name, "")), None)
    if callmanager is None:
        callmanager = next((r for r in itl["records"] if r.get("function") in NODE_FUNCTIONS), None)
    tvs = next((r for r in itl["records"] if r.get("function") == "TVS"
                and ((r.get("dns_name") or "").lower() == name or name in _cn(r.get("subject")).lower())), None)
    recovery = next((r for r in itl["records"] if _cn(r.get("subject")).upper().startswith("ITLRECOVERY_")), None)
    return callmanager, tvs, recovery


def check_expiry(cluster, nodes, now, options):
    findings = []
    seen = set()
    for node in nodes:
        callmanager, _tvs, recovery = _node_certificates(node)
        for unit, record, owner in (("ITLRecovery", recovery, None), ("CallManager", callmanager, node["host"])):
            if record is None or not record.get("not_after"):
                continue
            key = (unit, _cert_key(record))
            if key in seen:
                continue
            seen.add(key)
            days = (_time(record["not_after"]) - now).total_seconds() / 86400.0
            if days > options["expiry_days"]:
                continue
            severity = CRITICAL if days <= options["expiry_critical_days"] else WARNING
            findings.append(_finding(
                severity, cluster, owner, "certificate_expiring",
                "the %s certificate %s %s on %s (%s)" % (
                    unit, _cn(record.get("subject")), "expired" if days < 0 else "expires in %d days" % int(days),
                    record["not_after"][:10], "publisher's, signs the ITL from 12.0 and recovers phones"
                    if unit == "ITLRecovery" else "signs this node's configuration files"),
                ("regenerate it in Cisco Unified OS Administration > Certificate Management, then back up "
                 "ITLRecovery.p12 at once (cucm.trust.itl_recovery_backup)" if unit == "ITLRecovery" else
                 "regenerate CallManager on %s (never together with TVS on the same node: wait until the phones "
                 "trust the new certificate), restart Cisco Tftp and Cisco CallManager, reset the phones" % owner)))
    return findings


def check_regenerated_together(cluster, nodes, previous, options):
    """CallManager and TVS of one node regenerated within the TVS cache window: phones that cached
    TVS's old answer and hold the old TVS certificate cannot verify the new signer (primer 3, rule 1)."""
    findings = []
    window = options["tvs_cache_seconds"]
    for node in nodes:
        if not node.get("tftp"):
            continue
        callmanager, tvs, _recovery = _node_certificates(node)
        if callmanager is None or tvs is None:
            continue
        if not callmanager.get("not_before") or not tvs.get("not_before"):
            # TVS as a hash-only record: no dates to compare (the archive still shows certificate changes).
            continue
        before = previous.get(node["host"]) or {}
        changed = dict((unit, before.get(unit) is not None and before.get(unit) != _cert_key(record))
                       for unit, record in (("CallManager", callmanager), ("TVS", tvs)))
        issued = {"CallManager": _time(callmanager["not_before"]), "TVS": _time(tvs["not_before"])}
        gap = abs((issued["CallManager"] - issued["TVS"]).total_seconds())
        # Without an earlier audit: certificates issued at install time are not regenerations.
        installed = min(_time(r["not_before"]) for r in _parsed(node, "itl")["records"] if r.get("not_before"))
        regenerated = dict((unit, changed[unit] or (issued[unit] - installed).total_seconds() > window)
                           for unit in issued)
        if gap < window and regenerated["CallManager"] and regenerated["TVS"]:
            findings.append(_finding(
                CRITICAL, cluster, node["host"], "callmanager_tvs_regenerated_together",
                "CallManager and TVS of %s were both regenerated within %d s of each other (%s, %s), inside the "
                "phones' TVS cache window of %d s: a phone that holds the old TVS certificate cannot have the new "
                "signer vouched for" % (node["host"], int(gap), callmanager["not_before"], tvs["not_before"], window),
                "do not regenerate anything else; check the phones' trust (cucm.trust.phone_info, Trust List Update "
                "Failed); if phones reject the new ITL, recover with cucm.trust.itl_recovery"))
    return findings


def check_itl_size(cluster, nodes, options):
    findings = []
    for node in nodes:
        itl = _parsed(node, "itl")
        if itl is None:
            continue
        certificates = sum(1 for r in itl["records"] if r.get("certificate_sha1"))
        if itl["size"] > options["max_itl_bytes"] or certificates > options["max_itl_certificates"]:
            findings.append(_finding(
                CRITICAL, cluster, node["host"], "itl_too_large",
                "the ITL of %s is %d bytes with %d certificates; phones accept at most %d bytes / %d certificates"
                % (node["host"], itl["size"], certificates, options["max_itl_bytes"],
                   options["max_itl_certificates"]),
                "remove unused TVS/CallManager trust certificates or nodes until the ITL is under the limit "
                "(Cisco Unified OS Administration > Certificate Management)"))
    return findings


def check_backup(cluster, nodes, backups):
    _cm, _tvs, recovery = next((_node_certificates(n) for n in nodes if n.get("publisher")), (None, None, None))
    if recovery is None:
        recovery = next((r for r in (_node_certificates(n)[2] for n in nodes) if r is not None), None)
    if recovery is None:
        return []
    if backups is None:
        return [_finding(WARNING, cluster, None, "backup_not_checked",
                         "no backup reports were given: the audit cannot tell whether a verified backup holds the "
                         "current ITLRecovery key (%s)" % _cn(recovery.get("subject")),
                         "set trust_audit_backup_report_dir to where the nightly itl_recovery_backup job writes its "
                         "JSON reports")]
    sha1 = (recovery.get("certificate_sha1") or "").lower()
    holding = [b for b in backups if b.get("cluster") == cluster and b.get("verified")
               and ((b.get("certificate") or {}).get("sha1") or "").lower().replace(":", "") == sha1]
    if holding:
        return []
    return [_finding(
        CRITICAL, cluster, None, "no_verified_backup",
        "no verified backup holds the current ITLRecovery key (%s, certificate SHA-1 %s): if the publisher is "
        "lost, phones cannot be recovered without touching each one" % (_cn(recovery.get("subject")), sha1),
        "run the ITLRecovery backup now (playbook cucm.trust.itl_recovery_backup) and check that it verifies")]


def check_ctl_stale(cluster, nodes):
    findings = []
    for node in nodes:
        if node.get("ctl_stale_error"):
            findings.append(_finding(WARNING, cluster, node["host"], "ctl_stale_not_checked",
                                     "could not check whether the CTL matches the certificates: %s"
                                     % node["ctl_stale_error"], "run cucm.trust.ctl_update when=if_stale in check "
                                     "mode on the publisher to see why"))
        differences = node.get("ctl_stale_differences")
        if not differences:
            continue
        findings.append(_finding(
            CRITICAL, cluster, node["host"], "ctl_stale",
            "the CTL no longer matches the cluster's certificates: %s" % ", ".join(
                "%s %s (%s)" % (d.get("server"), d.get("unit"), d.get("problem")) for d in differences),
            "update the CTL and reset the phones: role cucm.trust.cluster_security_mode with "
            "cluster_security_mode_update_ctl=true"))
    return findings


def build_audit(entries, now=None, backups=None, previous=None, hosts=None, **options):
    """``{clusters: [{cluster, findings, counts, nodes}], findings, failed_clusters, counts, markdown}``.

    ``now``: ISO time of the audit (UTC); ``backups``: cluster entries of itl_recovery_backup
    reports (None: not checked); ``previous``: ``{cluster: {host: {"CallManager": sha1, "TVS": sha1}}}``
    from the previous archive entry.
    """
    settings = dict(DEFAULTS)
    settings.update(dict((k, v) for k, v in options.items() if v is not None))
    now = _time(now) if now else datetime.datetime.utcnow()
    by_cluster = {}
    for entry in entries:
        by_cluster.setdefault(entry.get("cluster") or entry["host"], []).append(entry)
    recorded = set(entry["host"] for entry in entries)
    for host in hosts or []:
        if host not in recorded:  # unreachable: it recorded nothing
            by_cluster.setdefault(host, []).append({"host": host, "cluster": host, "tftp": True, "failed": True,
                                                    "msg": "no result (host unreachable?)"})
    clusters, findings = [], []
    for cluster in sorted(by_cluster):
        nodes = sorted(by_cluster[cluster], key=lambda n: n["host"])
        cluster_now = cluster_time(nodes) or now
        found = (check_channels(cluster, nodes) + check_itl_agreement(cluster, nodes)
                 + check_ctl_agreement(cluster, nodes) + check_ctl_stale(cluster, nodes)
                 + check_itl_size(cluster, nodes, settings) + check_expiry(cluster, nodes, cluster_now, settings)
                 + check_regenerated_together(cluster, nodes, (previous or {}).get(cluster) or {}, settings)
                 + check_backup(cluster, nodes, backups))
        found.sort(key=lambda f: (SEVERITIES.index(f["severity"]), f["id"], f["node"] or ""))
        counts = dict((s, sum(1 for f in found if f["severity"] == s)) for s in SEVERITIES)
        clusters.append({"cluster": cluster, "findings": found, "counts": counts,
                         "cluster_time": cluster_now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                         "certificates": certificate_keys(nodes),
                         "nodes": [node_summary(n) for n in nodes]})
        findings.extend(found)
    counts = dict((s, sum(1 for f in findings if f["severity"] == s)) for s in SEVERITIES)
    failed = [c["cluster"] for c in clusters if c["counts"][CRITICAL]]
    report = {"time": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "clusters": clusters, "findings": findings,
              "counts": counts, "failed_clusters": failed}
    report["markdown"] = markdown(report)
    # What each cluster's archive entry holds: both channels as recorded, and the verdict.
    report["archive"] = dict((c["cluster"], {"time": report["time"], "cluster": c["cluster"],
                                             "findings": c["findings"], "counts": c["counts"],
                                             "certificates": c["certificates"], "nodes": by_cluster[c["cluster"]]})
                             for c in clusters)
    return report


def plan_history(paths, archive_dir, stamp, keep, clusters=None):
    """From the ``audit.json`` paths already in the archive: ``previous`` (cluster -> the newest
    entry's audit.json before ``stamp``) and ``expired`` (entry directories retention removes once
    the entry ``stamp`` is written: all but the newest ``keep`` per cluster, counting the new one,
    which is never removed). Paths outside ``<archive_dir>/<cluster>/<stamp>/audit.json`` are ignored."""
    keep = max(1, int(keep))
    root = archive_dir.rstrip("/") + "/"
    entries = {}
    for path in paths:
        if not path.startswith(root) or not path.endswith("/audit.json"):
            continue
        parts = path[len(root):].split("/")
        if len(parts) != 3 or (clusters is not None and parts[0] not in clusters):
            continue
        entries.setdefault(parts[0], set()).add(parts[1])
    previous, expired = {}, []
    for cluster in sorted(entries):
        older = sorted(name for name in entries[cluster] if name < stamp)
        if older:
            previous[cluster] = "%s%s/%s/audit.json" % (root, cluster, older[-1])
        kept = sorted(entries[cluster] | set([stamp]), reverse=True)[:keep]
        expired.extend("%s%s/%s" % (root, cluster, name) for name in sorted(entries[cluster])
                       if name not in kept and name != stamp)
    return {"previous": previous, "expired": expired}


def cluster_time(nodes):
    """The cluster's clock (the publisher's first, from the HTTP Date of its files), or None: phones
    take their time from the cluster, so expiry is counted in it."""
    for node in sorted(nodes, key=lambda n: not n.get("publisher")):
        for entry in (node.get("files") or {}).values():
            if entry.get("server_time"):
                return _time(entry["server_time"])
    return None


def certificate_keys(nodes):
    """``{host: {"CallManager": sha1, "TVS": sha1}}``: what the next audit compares with."""
    keys = {}
    for node in nodes:
        callmanager, tvs, _recovery = _node_certificates(node)
        if callmanager is not None or tvs is not None:
            keys[node["host"]] = {"CallManager": _cert_key(callmanager) if callmanager else None,
                                  "TVS": _cert_key(tvs) if tvs else None}
    return keys


def node_summary(node):
    files = node.get("files") or {}
    summary = {"host": node["host"], "hostname": node.get("hostname"), "publisher": bool(node.get("publisher")),
               "tftp": bool(node.get("tftp")), "security_mode": node.get("security_mode")}
    for kind in ("itl", "ctl"):
        entry = files.get(kind) or {}
        parsed = entry.get("parsed") or {}
        signer = parsed.get("signer") or {}
        summary[kind] = {"status": entry.get("status"), "sha1": entry.get("sha1"), "size": entry.get("size"),
                         "verified": (entry.get("verification") or {}).get("verified"),
                         "signer": _cn(signer.get("subject")) if signer else None,
                         "records": len(parsed.get("records") or []), "agrees": entry.get("agrees")}
    return summary


def markdown(report):
    lines = ["# CUCM trust audit, %s" % report["time"], ""]
    counts = report["counts"]
    lines.append("%d critical, %d warning, %d info finding(s) in %d cluster(s)." % (
        counts[CRITICAL], counts[WARNING], counts[INFO], len(report["clusters"])))
    for cluster in report["clusters"]:
        lines += ["", "## %s" % cluster["cluster"], "",
                  "| node | ITL SHA-1 | ITL signer | verified | CTL SHA-1 | agrees with CLI |", "|---|---|---|---|---|---|"]
        for node in cluster["nodes"]:
            if not node["tftp"]:
                continue
            itl, ctl = node["itl"], node["ctl"]
            lines.append("| %s | %s | %s | %s | %s | %s |" % (
                node["host"], (itl["sha1"] or "-")[:12], itl["signer"] or "-",
                {True: "yes", False: "NO", None: "-"}[itl["verified"]], (ctl["sha1"] or "none")[:12],
                "yes" if itl["agrees"] and ctl["agrees"] in (True, None) else "NO"))
        lines.append("")
        if not cluster["findings"]:
            lines.append("No findings.")
        for finding in cluster["findings"]:
            lines.append("- **%s** `%s`%s: %s. Fix: %s." % (
                finding["severity"], finding["id"], " (%s)" % finding["node"] if finding["node"] else "",
                finding["message"], finding["fix"]))
    return "\n".join(lines) + "\n"
