# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One line per cluster from what each host of an itl_recovery_backup play recorded.

Private to cucm.trust: used by plugins/filter/backup_report.py only (and its tests); not an API.

Input items: ``{host, cluster, role, result}`` where ``result`` is the module's result (or a
failure ``{failed, msg}``). A cluster is OK only when its publisher produced a verified backup -
or, in check mode, when its publisher's pre-flight passed (nothing was written, so nothing can be
verified; the cluster is marked ``check_mode`` and its ``path`` is where the backup would go).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def build_backup_report(entries, hosts=None, check_mode=False):
    clusters = {}
    seen = set()
    for entry in entries:
        seen.add(entry.get("host"))
        name = entry.get("cluster") or entry.get("host")
        cluster = clusters.setdefault(name, {"cluster": name, "publisher": None, "verified": False,
                                             "path": None, "problem": None, "certificate": None,
                                             "same_as_previous": None, "removed": [], "seconds": None,
                                             "check_mode": bool(check_mode)})
        result = entry.get("result") or {}
        if entry.get("role") == "publisher" or result.get("is_publisher"):
            cluster["publisher"] = entry.get("host")
            cluster["verified"] = bool(result.get("verified")) and not result.get("failed")
            cluster["path"] = result.get("path")
            cluster["certificate"] = result.get("certificate")
            cluster["same_as_previous"] = result.get("same_as_previous")
            cluster["removed"] = result.get("removed") or []
            cluster["seconds"] = _seconds(entry.get("seconds"))
            if result.get("failed"):
                cluster["problem"] = result.get("msg")
            elif check_mode:
                cluster["problem"] = None  # the pre-flight passed; there is nothing to verify yet
            elif not cluster["verified"]:
                cluster["problem"] = "backup written but not verified: %s" % ", ".join(
                    "%s %s" % (k, v) for k, v in sorted((result.get("checks") or {}).items()) if v != "passed")
        elif result.get("failed") and not cluster["problem"]:
            cluster["problem"] = "%s: %s" % (entry.get("host"), result.get("msg"))
    for host in hosts or []:
        if host not in seen:
            clusters.setdefault(host, {"cluster": host, "publisher": None, "verified": False, "path": None,
                                       "problem": "no result (host unreachable?)", "certificate": None,
                                       "same_as_previous": None, "removed": [], "check_mode": bool(check_mode)})
    for cluster in clusters.values():
        if cluster["publisher"] is None and not cluster["problem"]:
            cluster["problem"] = "no publisher among the hosts of this cluster"
    ordered = [clusters[k] for k in sorted(clusters)]
    failed = [c["cluster"] for c in ordered if c["problem"] or not (c["verified"] or check_mode)]
    return {"clusters": ordered, "failed_clusters": failed, "text": _text(ordered)}


def _seconds(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _text(clusters):
    lines = ["%-16s %-8s %-5s %-10s %s" % ("cluster", "verified", "days", "key", "backup / problem")]
    for c in clusters:
        cert = c.get("certificate") or {}
        key = {True: "unchanged", False: "CHANGED", None: "-"}[c.get("same_as_previous")]
        if c.get("check_mode") and not c.get("problem"):
            verified, shown = "check", "would write %s" % c.get("path")
        else:
            verified, shown = "yes" if c["verified"] else "NO", c.get("path") if c["verified"] else c.get("problem")
        lines.append("%-16s %-8s %-5s %-10s %s" % (c["cluster"], verified, cert.get("days_left", "-"), key, shown))
    return "\n".join(lines)
