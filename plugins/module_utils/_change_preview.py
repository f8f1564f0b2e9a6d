# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Before a risky change: which phones would stop trusting what the cluster serves next.

Private to cucm.trust: used by plugins/modules/recovery_plan.py only (and its tests); not an API.

The changes: ``mixed_mode`` and ``non_secure_mode`` (``utils ctl set-cluster ...``), ``ctl_update``
(``utils ctl update CTLFile``) and ``certificate_regeneration`` (``set cert regen <unit>`` on a node).
For each, the files the cluster serves next and who signs them follow from the release
(cucm-trust-primer.md sections 2, 4 and 6); a regenerated certificate is one no phone holds yet. The
phone's rule is the recovery plan's (``_recovery_plan.accepts``), applied to every ITL phones may hold
(the trust audit's archive) together with every CTL they may hold: a file is taken when its signer is a
SAST record of the CTL or the ITL, or when TVS can vouch for it - a TVS certificate of the ITL is one a
TVS server presents *after* the change. Signed configuration files are checked against the CallManager
records (CCM+TFTP / TFTP) instead of the SAST records.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cucm.trust.plugins.module_utils._recovery_plan import (
    _iso,
    cert_key,
    cn,
    collect_itls,
    entry_time,
    sast_records,
    sort_phones,
    tvs_keys,
    window_bounds,
    window_entries,
)
from ansible_collections.cucm.trust.plugins.module_utils.release import ctl_signer_unit, itl_signer_unit
from ansible_collections.cucm.trust.plugins.module_utils.trust_facts import record_unit

ACTIONS = ("mixed_mode", "non_secure_mode", "ctl_update", "certificate_regeneration")
UNITS = ("CallManager", "TVS", "ITLRecovery")
CONFIG_FUNCTIONS = ("CCM+TFTP", "TFTP", "CCM")
ITL_FILE = "ITLFile.tlv"
CTL_FILE = "CTLFile.tlv"
CONFIG_FILE = "SEP<MAC>.cnf.xml.sgn"


# -- the cluster now ------------------------------------------------------------------------------
def _matches_host(record, hostname):
    name = (cn(record.get("subject")) or record.get("dns_name") or "").lower()
    host = (hostname or "").lower()
    return bool(host) and (name == host or name.split(".")[0] == host.split(".")[0])


def _signer(record, unit, source, new=False):
    if new:
        return {"sha1": None, "common_name": cn(record.get("subject")) if record else None, "serial": None,
                "unit": unit, "new": True, "source": source}
    return {"sha1": cert_key(record), "common_name": cn(record.get("subject")), "serial": record.get("serial"),
            "unit": unit, "new": False, "source": source}


def current_certificate(records, unit, hostname):
    """The record of the publisher's current ITL holding ``unit``'s certificate of ``hostname`` (ITLRecovery:
    the cluster's one), or None."""
    for record in records:
        name = (cn(record.get("subject")) or "").upper()
        if unit == "ITLRecovery":
            if name.startswith("ITLRECOVERY_"):
                return record
        elif unit == "TVS":
            if record.get("function") == "TVS" and _matches_host(record, hostname):
                return record
        elif record.get("function") in CONFIG_FUNCTIONS and _matches_host(record, hostname):
            return record
    return None


def _signer_record(parsed):
    """The record of a parsed ITL (binary or ``show itl``) whose certificate signed it."""
    records = parsed.get("records") or []
    flagged = next((r for r in records if r.get("signer") is True), None)
    if flagged:
        return flagged
    serial = (parsed.get("signer") or {}).get("serial")
    return next((r for r in sast_records(records) if serial and r.get("serial") == serial), None)


def node_signers(entries, current_itl, publisher):
    """``{node: {"itl_signer", "callmanager"}}``: who signs each TFTP node's ITL and configuration files now -
    the publisher's from its current ``show itl``, the others' from the newest archive entry that holds their
    ITL."""
    latest = {}
    for path, entry in sorted(entries, key=lambda e: (entry_time(*e), e[0])):
        for node in entry.get("nodes") or []:
            if node.get("tftp") is False:
                continue
            name = node.get("hostname") or node.get("host")
            itl_file = (node.get("files") or {}).get("itl") or {}
            parsed = itl_file.get("parsed") or ((node.get("cli") or {}).get("itl") or {})
            if parsed.get("records"):
                latest[name] = (parsed, "the ITL %s served in archive entry %s" % (name, path))
    if current_itl.get("present"):
        latest[publisher] = (current_itl, "the publisher's current ITL (show itl)")
    state = {}
    for name, (parsed, source) in latest.items():
        records = parsed.get("records") or []
        signer = _signer_record(parsed)
        callmanager = current_certificate(records, "CallManager", name)
        state[name] = {
            "itl_signer": _signer(signer, record_unit(signer, records), "who signs " + source) if signer else None,
            "callmanager": _signer(callmanager, "CallManager", "%s's CallManager certificate in %s" % (name, source))
            if callmanager else None}
    return state


# -- what phones may hold -----------------------------------------------------------------------------
def served_ctls(path, entry):
    """``[(node, ctl sha1, records)]``: the CTL each TFTP node of the entry served; ``(node, None, [])`` for a
    node that served none (a phone may then hold no CTL)."""
    served = []
    for node in entry.get("nodes") or []:
        if node.get("tftp") is False:
            continue
        name = node.get("hostname") or node.get("host")
        ctl_file = (node.get("files") or {}).get("ctl") or {}
        parsed = ctl_file.get("parsed")
        if parsed and parsed.get("records") is not None:
            served.append((name, (ctl_file.get("sha1") or parsed.get("sha1")).lower(), parsed["records"]))
            continue
        cli = (node.get("cli") or {}).get("ctl")
        if cli and cli.get("present") and cli.get("sha1"):
            served.append((name, cli["sha1"].lower(), cli.get("records") or []))
        elif ctl_file.get("status") == "absent" or (cli is not None and not cli.get("present")):
            served.append((name, None, []))
    return served


def collect_ctls(entries, start, current_ctl, security_mode):
    """``{sha1 or None: ctl}``: the CTLs phones may hold (None: no CTL), from the same archive entries as the
    ITLs (``collect_itls``) and the publisher's current ``show ctl``."""
    used, _skipped = window_entries(entries, start)
    ctls = {}
    for moment, path, entry in used:
        for node, sha1, records in served_ctls(path, entry):
            ctl = ctls.setdefault(sha1, {"sha1": sha1, "nodes": [], "records": records, "current": False,
                                         "archive_entries": []})
            if node not in ctl["nodes"]:
                ctl["nodes"].append(node)
            ref = {"path": path, "time": _iso(moment)}
            if ref not in ctl["archive_entries"]:
                ctl["archive_entries"].append(ref)
    if current_ctl and current_ctl.get("present") and current_ctl.get("sha1"):
        sha1 = current_ctl["sha1"].lower()
        ctls.setdefault(sha1, {"sha1": sha1, "nodes": [], "records": current_ctl.get("records") or [],
                               "current": True, "archive_entries": []})["current"] = True
    elif security_mode != "mixed" or not ctls:
        ctls.setdefault(None, {"sha1": None, "nodes": [], "records": [], "current": True, "archive_entries": []})
    return ctls


# -- the files the change makes the cluster serve ---------------------------------------------------------
def files_served_next(change, version, records, publisher, tftp_nodes, security_mode, node_state):
    """``(files, tvs_removed, notes)``: ``files`` = ``[{file, nodes, signer, check}]`` (``check``: ``sast`` for a
    trust list, ``config`` for a signed configuration file; ``signer`` None: unknown; ``served_now``: the file
    does not change, only the TVS certificates that can vouch for it do); ``tvs_removed``: SHA-1s
    of TVS certificates no server presents after the change. ``node_state``: ``node_signers``."""
    action = change["action"]
    notes, tvs_removed = [], set()
    ctl_unit = ctl_signer_unit(version)
    itl_unit = itl_signer_unit(version)

    def publisher_signer(unit, source):
        record = current_certificate(records, unit, publisher)
        return _signer(record, unit, source) if record else None

    if action in ("mixed_mode", "non_secure_mode", "ctl_update"):
        signer = publisher_signer(ctl_unit, "the publisher's %s certificate (show itl now)" % ctl_unit)
        if signer is None:
            raise ValueError("the publisher's current ITL shows no %s certificate, which signs the CTL on release "
                             "%s" % (ctl_unit, version))
        what = {"mixed_mode": "the mixed-mode CTL", "non_secure_mode": "the non-secure CTL (its records carry no "
                "certificate; phones take it to learn the mode)", "ctl_update": "the updated CTL"}[action]
        notes.append("%s is signed on release %s by the publisher's %s certificate %s (%s) and copied to every node"
                     % (what, version, ctl_unit, signer["common_name"], (signer["sha1"] or "")[:12]))
        return [{"file": CTL_FILE, "nodes": list(tftp_nodes), "signer": signer, "check": "sast"}], tvs_removed, notes

    node, unit = change.get("node") or publisher, change["unit"]
    if unit == "ITLRecovery" and node != publisher:
        raise ValueError("only the publisher's ITLRecovery certificate is used cluster-wide; %s is not the publisher "
                         "(%s)" % (node, publisher))
    old = current_certificate(records, unit, node)
    source = "%s's new %s certificate (made by the regeneration: no phone holds it)" % (node, unit)
    files = []
    if unit == "TVS":
        if old is None:
            notes.append("the publisher's ITL shows no TVS certificate of %s: which TVS certificate it presents now "
                         "is unknown, and is counted as gone" % node)
        else:
            tvs_removed.add(cert_key(old))
        notes.append("regenerating TVS on %s changes the certificate its TVS presents: phones whose ITL holds no "
                     "other TVS certificate the cluster presents can no longer ask TVS about a signer they do not "
                     "hold - the ITL and configuration files every TFTP node serves now are checked again" % node)
        # Who signs does not change: what every TFTP node serves now is what phones must still take.
        for tftp in tftp_nodes:
            state = node_state.get(tftp) or {}
            files.append({"file": ITL_FILE, "nodes": [tftp], "signer": state.get("itl_signer"), "check": "sast",
                          "served_now": True})
            files.append({"file": CONFIG_FILE, "nodes": [tftp], "signer": state.get("callmanager"),
                          "check": "config", "served_now": True})
        return files, tvs_removed, notes

    if unit == "CallManager":
        new = _signer(old, "CallManager", source, new=True)
        notes.append("the configuration files %s serves are signed by its new CallManager certificate: phones take "
                     "them only through TVS" % node)
        files.append({"file": CONFIG_FILE, "nodes": [node], "signer": new, "check": "config"})
        if itl_unit == "CallManager":
            notes.append("on release %s each TFTP node signs its ITL with its own CallManager certificate: %s's next "
                         "ITL is signed by the new one" % (version, node))
            files.append({"file": ITL_FILE, "nodes": [node], "signer": new, "check": "sast"})
        if security_mode == "mixed" and node == publisher and ctl_unit == "CallManager":
            notes.append("the cluster is in mixed mode: the CTL then needs `utils ctl update CTLFile`, signed by the "
                         "new certificate")
            files.append({"file": CTL_FILE, "nodes": list(tftp_nodes), "signer": new, "check": "sast"})
        return files, tvs_removed, notes

    # ITLRecovery
    new = _signer(old, "ITLRecovery", source, new=True)
    notes.append("the phones' ITLs keep the old ITLRecovery certificate until they take a new ITL: back up the new "
                 "ITLRecovery.p12 (a localkey reset would sign with the new key)")
    if itl_unit == "ITLRecovery":
        notes.append("on release %s the ITL of every TFTP node is signed by ITLRecovery: the next one by the new key"
                     % version)
        files.append({"file": ITL_FILE, "nodes": list(tftp_nodes), "signer": new, "check": "sast"})
    if security_mode == "mixed" and ctl_unit == "ITLRecovery":
        notes.append("the cluster is in mixed mode: the CTL then needs `utils ctl update CTLFile`, signed by the new "
                     "key")
        files.append({"file": CTL_FILE, "nodes": list(tftp_nodes), "signer": new, "check": "sast"})
    return files, tvs_removed, notes


# -- the phone's rule ---------------------------------------------------------------------------------
def _holds(records, signer, functions):
    for record in records:
        if functions == "sast":
            if record not in sast_records(records):
                continue
        elif record.get("function") not in CONFIG_FUNCTIONS:
            continue
        key = cert_key(record)
        if signer.get("sha1") and key:
            if key == signer["sha1"]:
                return True
        elif signer.get("serial") and record.get("serial") == signer.get("serial") and \
                cn(record.get("subject")) == signer.get("common_name"):
            return True
    return False


def decide(itl_records, ctl_records, signer, check, tvs_after):
    """``(accepted, how)`` for a phone holding an ITL and a CTL (``ctl_records`` [] for none)."""
    if signer.get("sha1") or signer.get("serial"):
        for records, label in ((ctl_records, "ctl"), (itl_records, "itl")):
            if _holds(records, signer, check):
                return True, label
    if tvs_keys(itl_records) & tvs_after:
        return True, "tvs"
    return False, None


def _how(how):
    return {"ctl": "the signer is a record of its CTL", "itl": "the signer is a record of its ITL",
            "tvs": "TVS vouches (its ITL holds a TVS certificate the cluster still presents)"}.get(how, how)


def _served_text(served):
    signer = served["signer"]
    if signer is None:
        who = "a signer no archive entry shows"
    else:
        who = "%s certificate %s%s" % (signer.get("unit") or "the", signer.get("common_name") or "",
                                       " (new: made by the change)" if signer.get("new") else
                                       " (%s)" % (signer.get("sha1") or "")[:12])
    already = " - served already" if served.get("served_now") else ""
    return "%s from %s, signed by %s%s" % (served["file"], ", ".join(served["nodes"]), who, already)


def preview(change, version, entries, current, now, publisher, tftp_nodes, days=30, since=None, phones=None):
    """The ``change_preview`` of the module's RETURN. ``current``: ``{"itl": parsed show itl, "ctl": parsed show
    ctl or None, "security_mode": "mixed"|"non_secure"|None}`` of the publisher."""
    if change.get("action") not in ACTIONS:
        raise ValueError("change.action must be one of %s" % ", ".join(ACTIONS))
    if change["action"] == "certificate_regeneration" and change.get("unit") not in UNITS:
        raise ValueError("change.unit must be one of %s for a certificate regeneration" % ", ".join(UNITS))
    start, end = window_bounds(now, days=days, since=since)
    itls, used, _skipped = collect_itls(entries, start)
    parsed = current["itl"]
    if parsed.get("present") and parsed.get("sha1"):
        sha1 = parsed["sha1"].lower()
        itls.setdefault(sha1, {"sha1": sha1, "nodes": [], "first_seen": None, "last_seen": None,
                               "archive_entries": [], "records": parsed.get("records") or [],
                               "channel": "show itl", "current": True})["current"] = True
    records = parsed.get("records") or []
    mode = current.get("security_mode")
    ctls = collect_ctls(entries, start, current.get("ctl"), mode)
    if (change["action"], mode) in (("mixed_mode", "mixed"), ("non_secure_mode", "non_secure")):
        # CUCM answers that the cluster is in that mode already and serves nothing new.
        files, tvs_removed, reasons = [], set(), ["the cluster is %s already: the mode change serves nothing new"
                                                  % mode.replace("_", "-")]
    else:
        files, tvs_removed, reasons = files_served_next(change, version, records, publisher, tftp_nodes, mode,
                                                        node_signers(entries, parsed, publisher))
    tvs_before = tvs_keys(records)
    tvs_after = tvs_before - tvs_removed
    reasons.insert(0, "window %s .. %s: %d archive entr%s, %d ITL(s) and %d CTL state(s) phones may hold" % (
        _iso(start), _iso(end), len(used), "y" if len(used) == 1 else "ies", len(itls), len(ctls)))

    results, stopping, already = [], [], []
    for sha1 in sorted(itls, key=lambda s: (itls[s]["first_seen"] is None, itls[s]["first_seen"] or end, s)):
        itl = itls[sha1]
        verdicts = []
        for served in files:
            if served["signer"] is None:
                verdicts.append({"file": served["file"], "nodes": served["nodes"], "accepted": None,
                                 "how": "not checked: who signs it is unknown (no archive entry holds the ITL "
                                        "of %s)" % ", ".join(served["nodes"])})
                continue
            worst, before = None, True
            for ctl_sha1 in sorted(ctls, key=lambda s: s or ""):
                held_ctl = ctls[ctl_sha1]["records"]
                accepted, how = decide(itl["records"], held_ctl, served["signer"], served["check"], tvs_after)
                if worst is None or (worst[0] and not accepted):
                    worst = (accepted, how, ctl_sha1)
                if not accepted and served.get("served_now"):
                    # A file served already: refused with today's TVS too, the change is not what strands them.
                    before = before and decide(itl["records"], held_ctl, served["signer"], served["check"],
                                               tvs_before)[0]
            verdicts.append({"file": served["file"], "nodes": served["nodes"], "accepted": worst[0],
                             "how": _how(worst[1]) if worst[0] else "refused: the signer %s is in none of its lists "
                             "and TVS cannot vouch" % (served["signer"]["common_name"] or served["signer"]["unit"]),
                             "with_ctl": worst[2], "refused_already": not worst[0] and not before})
        stops = any(v["accepted"] is False and not v["refused_already"] for v in verdicts)
        if stops:
            stopping.append(sha1)
        elif any(v["accepted"] is False for v in verdicts):
            already.append(sha1)
        results.append({"sha1": sha1, "nodes": itl["nodes"], "first_seen": _iso(itl["first_seen"]),
                        "last_seen": _iso(itl["last_seen"]), "current": itl["current"],
                        "archive_entries": itl["archive_entries"], "files": verdicts, "stops_trusting": stops})
        for verdict in verdicts:
            if verdict["accepted"] is False:
                reasons.append("phones holding ITL %s (served by %s, %s .. %s) %s %s from %s: %s" % (
                    sha1[:12], ", ".join(itl["nodes"]) or "the publisher now", _iso(itl["first_seen"]) or "now",
                    _iso(itl["last_seen"]) or "now", "refuse already (not because of the change)"
                    if verdict["refused_already"] else "would refuse", verdict["file"], ", ".join(verdict["nodes"]),
                    verdict["how"]))

    phones_stop, phones_unknown = sort_phones(phones, stopping, itls)
    if phones_unknown:
        reasons.append("%d phone(s) report an ITL the archive does not hold (%s): not judged"
                       % (len(phones_unknown), ", ".join(phones_unknown[:20])))
    if not stopping:
        reasons.append("every ITL phones may hold takes what the cluster serves after the change")
    elif phones is None:
        reasons.append("no phone ITL hashes were given: every phone holding one of these %d ITL(s) would stop "
                       "trusting the cluster" % len(stopping))
    return {
        "change": dict((k, change.get(k)) for k in ("action", "node", "unit")),
        "release": version,
        "security_mode": mode,
        "unchanged": not files,
        "safe": not stopping,
        "serves_next": [{"file": f["file"], "nodes": f["nodes"], "signer": f["signer"], "text": _served_text(f)}
                        for f in files],
        "tvs_presented_after": sorted(tvs_after),
        "itls": results,
        "ctls_considered": [{"sha1": c["sha1"], "nodes": c["nodes"], "current": c["current"],
                             "archive_entries": c["archive_entries"]} for c in ctls.values()],
        "stops_trusting_itls": stopping,
        "refusing_already_itls": already,
        "phones_stop_trusting": phones_stop,
        "phones_unknown_itl": phones_unknown,
        "reasons": reasons,
    }
