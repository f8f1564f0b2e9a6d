# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which key the phones still trust, and whether an ITL reset with it recovers them.

Private to cucm.trust: used by plugins/modules/recovery_plan.py only (and its tests); not an API.

Pure functions on what the nightly trust audit archived (``<archive>/<cluster>/<stamp>/audit.json``,
each node's binary ITL as ``trust_file.parse_trust_file`` reads it, or its parsed ``show itl``), the
publisher's current ``show itl`` (parsed) and the ITLRecovery backups' metadata. The rules are the
phone's (cucm-trust-primer.md sections 2-4) and are written out in the module's DOCUMENTATION.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import os
import re

from ansible_collections.cucm.trust.plugins.module_utils.release import reset_itl_signer_unit

SAST = "System Administrator Security Token"
TVS = "TVS"
NODE_FUNCTIONS = ("CCM+TFTP", "TFTP", "CCM")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_STAMP = re.compile(r"^\d{8}T\d{6}Z$")


def parse_time(text):
    """ISO 8601 date or date-time (UTC, ``Z`` or no zone), or an archive stamp -> naive UTC datetime."""
    if isinstance(text, datetime.datetime):
        return text.replace(tzinfo=None)
    text = (text or "").strip()
    if _STAMP.match(text):
        return datetime.datetime.strptime(text, "%Y%m%dT%H%M%SZ")
    for size, pattern in ((19, "%Y-%m-%dT%H:%M:%S"), (16, "%Y-%m-%dT%H:%M"), (10, "%Y-%m-%d")):
        try:
            return datetime.datetime.strptime(text.replace(" ", "T")[:size], pattern)
        except ValueError:
            continue
    raise ValueError("not an ISO 8601 date or date-time: %r" % text)


def _iso(moment):
    return moment.strftime(TIME_FORMAT) if moment else None


def cn(subject):
    for part in (subject or "").replace(",", ";").split(";"):
        key, _sep, value = part.strip().partition("=")
        if key.strip().upper() == "CN":
            return value.strip()
    return subject


def cert_key(record):
    """The certificate's SHA-1 (full record) or the record's certificate hash (hash-only record)."""
    value = (record or {}).get("certificate_sha1") or (record or {}).get("cert_hash")
    return value.lower().replace(":", "") if value else None


def _certificate(record, source=None):
    certificate = {"sha1": cert_key(record), "common_name": cn(record.get("subject")),
                   "subject": record.get("subject"), "serial": record.get("serial"),
                   "function": record.get("function")}
    if source:
        certificate["source"] = source
    return certificate


# -- the archive ------------------------------------------------------------------------------
def read_archive(archive_dir, cluster):
    """``[(path, audit.json dict)]`` of the cluster's archive entries, oldest first; unreadable ones skipped
    with a note: ``(entries, notes)``."""
    root = os.path.join(archive_dir, cluster)
    entries, notes = [], []
    if not os.path.isdir(root):
        return entries, ["no archive directory %s" % root]
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name, "audit.json")
        if not os.path.isfile(path):
            continue
        try:
            with open(path) as handle:
                entries.append((path, json.load(handle)))
        except (IOError, OSError, ValueError) as exc:
            notes.append("archive entry %s could not be read (%s); it was left out" % (path, exc))
    return entries, notes


def entry_time(path, entry):
    """When the audit ran: its ``time``, else its directory's stamp."""
    try:
        return parse_time(entry.get("time"))
    except ValueError:
        return parse_time(os.path.basename(os.path.dirname(path)))


def cluster_time(entry):
    """The cluster's clock when the audit read the entry: the earliest HTTP ``Date`` its TFTP nodes sent with
    the trust files (``server_time``), or None."""
    times = []
    for node in entry.get("nodes") or []:
        for served in ((node.get("files") or {}).values()):
            try:
                times.append(parse_time(served.get("server_time")))
            except (AttributeError, ValueError):
                continue
    return _iso(min(times)) if times else None


def on_cluster_clock(entries):
    """``(entries, missing)``: the entries with ``time`` taken from the cluster's clock where they recorded it
    (the controller's time kept as ``controller_time``); ``missing``: paths of those that did not."""
    moved, missing = [], []
    for path, entry in entries:
        when = cluster_time(entry)
        if when is None:
            missing.append(path)
            moved.append((path, entry))
        else:
            moved.append((path, dict(entry, time=when, controller_time=entry.get("time"))))
    return moved, missing


def served_itls(path, entry):
    """``[(node, itl sha1, records, channel)]``: the ITL each TFTP node of the entry served."""
    served = []
    for node in entry.get("nodes") or []:
        if node.get("tftp") is False:
            continue
        name = node.get("hostname") or node.get("host")
        itl_file = (node.get("files") or {}).get("itl") or {}
        parsed = itl_file.get("parsed")
        if parsed and parsed.get("records") is not None:
            served.append((name, (itl_file.get("sha1") or parsed.get("sha1")).lower(), parsed["records"], "binary"))
            continue
        cli = (node.get("cli") or {}).get("itl")
        if cli and cli.get("present") and cli.get("sha1"):
            served.append((name, cli["sha1"].lower(), cli.get("records") or [], "show itl"))
    return served


def window_bounds(now, days=None, since=None):
    """``(start, end)`` of the window: ``since`` when given, else ``days`` before ``now``."""
    end = parse_time(now)
    start = parse_time(since) if since else end - datetime.timedelta(days=days if days is not None else 30)
    return start, end


def window_entries(entries, start):
    """``(used, skipped)``, each ``[(time, path, entry)]`` oldest first: the entries at or after ``start`` and the
    newest one before it; the older ones."""
    timed = sorted(((entry_time(path, entry), path, entry) for path, entry in entries), key=lambda e: (e[0], e[1]))
    before = [e for e in timed if e[0] < start]
    return ([before[-1]] if before else []) + [e for e in timed if e[0] >= start], before[:-1]


def collect_itls(entries, start):
    """The ITLs phones may hold: ``{sha1: itl}`` from the entries at or after ``start``, and from the newest
    entry before it (what it saw may have been served until the next audit, inside the window).

    ``entries``: ``[(path, audit.json)]``. Returns ``(itls, used, skipped)``; ``used`` and ``skipped`` are
    ``[{path, time}]``."""
    used, skipped = window_entries(entries, start)
    itls = {}
    for moment, path, entry in used:
        for node, sha1, records, channel in served_itls(path, entry):
            itl = itls.setdefault(sha1, {"sha1": sha1, "nodes": [], "first_seen": moment, "last_seen": moment,
                                         "archive_entries": [], "records": records, "channel": channel,
                                         "current": False})
            if node not in itl["nodes"]:
                itl["nodes"].append(node)
            itl["first_seen"] = min(itl["first_seen"], moment)
            itl["last_seen"] = max(itl["last_seen"], moment)
            ref = {"path": path, "time": _iso(moment)}
            if ref not in itl["archive_entries"]:
                itl["archive_entries"].append(ref)
    return (itls, [{"path": p, "time": _iso(m)} for m, p, _e in used],
            [{"path": p, "time": _iso(m)} for m, p, _e in skipped])


# -- the phone's rules --------------------------------------------------------------------------
def sast_records(records):
    return [r for r in records if r.get("function") == SAST and cert_key(r)]


def tvs_keys(records):
    return set(cert_key(r) for r in records if r.get("function") == TVS and cert_key(r))


def _same_certificate(record, signer):
    key = cert_key(record)
    if key and signer.get("sha1"):
        return key == signer["sha1"]
    return bool(record.get("serial")) and record.get("serial") == signer.get("serial") and \
        cn(record.get("subject")) == signer.get("common_name")


def accepts(itl_records, signer, presented_tvs):
    """``(accepted, how)``: does a phone holding an ITL with ``itl_records`` take a file signed by ``signer``?

    ``how``: ``sast`` (the signer is a SAST record of the ITL), ``tvs`` (a TVS certificate of the ITL is one the
    cluster presents now, so TVS can vouch), or None."""
    if any(_same_certificate(r, signer) for r in sast_records(itl_records)):
        return True, "sast"
    if tvs_keys(itl_records) & set(presented_tvs):
        return True, "tvs"
    return False, None


# -- the keys ---------------------------------------------------------------------------------
def localkey_signer(current_summary, version):
    """The certificate ``utils itl reset localkey`` signs with, from the publisher's current ``show itl``
    summary (trust_facts.summarize): its ITLRecovery record (before 12.0) or its CallManager (12.0+)."""
    unit = reset_itl_signer_unit(version)
    if unit == "ITLRecovery":
        record = current_summary.get("itlrecovery")
    elif unit == "CallManager":
        record = next(iter(current_summary.get("callmanager") or []), None)
    else:
        return unit, None
    if not record:
        return unit, None
    signer = {"sha1": (record.get("certificate_sha1") or record.get("cert_hash") or "").lower() or None,
              "common_name": record.get("common_name") or cn(record.get("subject")),
              "subject": record.get("subject"), "serial": record.get("serial"), "unit": unit,
              "source": "the publisher's current ITL (show itl)"}
    return unit, signer


def backup_time(backup):
    for value in (backup.get("created"), backup.get("time")):
        if value:
            try:
                return parse_time(value)
            except ValueError:
                pass
    for part in reversed((backup.get("path") or "").split("/")):
        if _STAMP.match(part):
            return parse_time(part)
    return None


def usable_backups(backups, cluster):
    """``(verified, ignored)`` backups of ``cluster`` (entries without a cluster count as its own), newest first."""
    verified, ignored = [], []
    for backup in backups or []:
        if backup.get("cluster") not in (None, "", cluster):
            continue
        certificate = backup.get("certificate") or {}
        if not backup.get("verified") or not certificate.get("sha1"):
            ignored.append(backup)
            continue
        verified.append(backup)
    verified.sort(key=lambda b: (backup_time(b) or datetime.datetime.min, b.get("path") or ""), reverse=True)
    return verified, ignored


def backup_signer(backup):
    certificate = dict(backup.get("certificate") or {})
    return {"sha1": (certificate.get("sha1") or "").lower().replace(":", ""),
            "common_name": certificate.get("common_name"), "subject": certificate.get("subject"),
            "serial": certificate.get("serial"), "unit": "ITLRecovery",
            "source": "the ITLRecovery.p12 backup %s" % backup.get("path")}


def _evaluate(signer, itls, presented_tvs):
    covered, missed = [], []
    for sha1 in sorted(itls):
        accepted, how = accepts(itls[sha1]["records"], signer, presented_tvs)
        (covered if accepted else missed).append((sha1, how))
    return covered, missed


def _itl_words(itl):
    return "ITL %s (served by %s, %s .. %s; archive entry %s)" % (
        itl["sha1"][:12], ", ".join(itl["nodes"]) or "the publisher now", _iso(itl["first_seen"]) or "now",
        _iso(itl["last_seen"]) or "now", ", ".join("%s (%s)" % (e["path"], e["time"]) for e in itl["archive_entries"])
        or "none: read from show itl now")


def build_plan(cluster, version, entries, current, now, days=30, since=None, backups=None, phones=None,
               notes=()):
    """The plan (module RETURN). ``entries``: ``[(path, audit.json)]``; ``current``: the publisher's
    ``show itl`` as ``{"itl": parsed, "summary": trust_facts.summarize(parsed)}``; ``now``: ISO UTC."""
    start, end = window_bounds(now, days=days, since=since)
    itls, used, skipped = collect_itls(entries, start)
    reasons = list(notes)
    parsed = current["itl"]
    current_sha1 = (parsed.get("sha1") or "").lower() or None
    if parsed.get("present") and current_sha1:
        itl = itls.setdefault(current_sha1, {"sha1": current_sha1, "nodes": [], "first_seen": None, "last_seen": None,
                                             "archive_entries": [], "records": parsed.get("records") or [],
                                             "channel": "show itl", "current": True})
        itl["current"] = True
    presented_tvs = sorted(tvs_keys(parsed.get("records") or []))
    reasons.append("window %s .. %s: %d archive entr%s used (%s), %d older one(s) left out" % (
        _iso(start), _iso(end), len(used), "y" if len(used) == 1 else "ies",
        ", ".join("%s (%s)" % (e["path"], e["time"]) for e in used) or "none", len(skipped)))
    if not used:
        reasons.append("the archive holds no entry for the window: only the ITL the publisher serves now is known; "
                       "phones may hold older ITLs the plan cannot see")
    reasons.append("TVS certificates the cluster presents now (the publisher's current ITL): %s" % (
        ", ".join(k[:12] for k in presented_tvs) or "none"))

    trusted = {}
    for sha1, itl in itls.items():
        for record in sast_records(itl["records"]):
            key = cert_key(record)
            signer = trusted.setdefault(key, {"sha1": key, "common_name": cn(record.get("subject")),
                                              "serial": record.get("serial"), "itls": []})
            signer["itls"].append(sha1)

    candidates = []
    unit, local = localkey_signer(current["summary"], version)
    result = {"recommendation": "none", "key_source": None, "backup": None, "signer": None,
              "release": version, "remotekey_signer_rule": "GUESSED for 12.0+ (see the module documentation)"
              if unit == "CallManager" else "the fetched ITLRecovery key (Cisco: utils itl reset remotekey)"}
    if local is None:
        reasons.append("localkey: the publisher's current ITL shows no %s certificate (release %s), so the key "
                       "localkey signs with is unknown" % (unit or "signing", version or "unknown"))
    else:
        covered, missed = _evaluate(local, itls, presented_tvs)
        candidates.append({"key_source": "local", "signer": local, "backup": None,
                           "covers": [s for s, _h in covered], "misses": [s for s, _h in missed]})
        if not missed:
            result.update(recommendation="localkey", key_source="local", signer=local)
            reasons.append("localkey: on release %s the reset ITL is signed by the publisher's %s certificate %s "
                           "(%s); every ITL phones may hold accepts it: %s" % (
                               version, unit, local["common_name"], (local["sha1"] or "")[:12],
                               "; ".join("%s through %s" % (_itl_words(itls[s]), "its SAST record" if h == "sast"
                                                            else "TVS") for s, h in covered)))
        else:
            reasons.append("localkey would strand phones: the reset ITL is signed by the publisher's %s certificate "
                           "%s (%s), which is no SAST record of, and cannot be vouched for by TVS to, phones holding %s"
                           % (unit, local["common_name"], (local["sha1"] or "")[:12],
                              "; ".join(_itl_words(itls[s]) for s, _h in missed)))

    verified, ignored = usable_backups(backups, cluster)
    for backup in ignored:
        reasons.append("backup %s is not verified (or names no certificate): not used" % backup.get("path"))
    if result["recommendation"] == "none":
        for backup in verified:
            signer = backup_signer(backup)
            covered, missed = _evaluate(signer, itls, presented_tvs)
            candidates.append({"key_source": "remote", "signer": signer, "backup": _backup_summary(backup),
                               "covers": [s for s, _h in covered], "misses": [s for s, _h in missed]})
            if not missed:
                result.update(recommendation="remotekey", key_source="remote", signer=signer,
                              backup=_backup_summary(backup))
                reasons.append("remotekey with backup %s: its ITLRecovery certificate %s (%s) signs the reset ITL, "
                               "and every ITL phones may hold accepts it: %s" % (
                                   backup.get("path"), signer["common_name"], signer["sha1"][:12],
                                   "; ".join("%s through %s" % (_itl_words(itls[s]), "its SAST record" if h == "sast"
                                                                else "TVS") for s, h in covered)))
                break
            reasons.append("backup %s (%s, %s) does not cover %s" % (
                backup.get("path"), signer["common_name"], signer["sha1"][:12],
                "; ".join(_itl_words(itls[s]) for s, _h in missed)))
        if not verified:
            reasons.append("no verified ITLRecovery backup of cluster %s was given" % cluster)

    stranded = []
    if result["recommendation"] == "none":
        everyone = set(itls)
        uncovered = everyone - set(s for c in candidates for s in c["covers"])
        if not uncovered and candidates:
            # Each ITL is covered by some key, but no key covers them all: name what the widest key misses.
            best = max(candidates, key=lambda c: len(c["covers"]))
            uncovered = set(best["misses"])
            reasons.append("no single key covers every ITL; the one covering most (%s) still misses %d"
                           % (best["signer"]["common_name"], len(uncovered)))
        stranded = sorted(uncovered)
        reasons.append("no key the phones trust is left for %s: those phones need their trust list deleted by hand "
                       "(Settings > Security > Trust List, or a factory reset)"
                       % "; ".join(_itl_words(itls[s]) for s in stranded))

    phones_needing, phones_unknown = sort_phones(phones, stranded, itls)
    if phones is not None:
        if phones_unknown:
            reasons.append("%d phone(s) report an ITL the archive does not hold (%s): the plan cannot say whether "
                           "they trust the key" % (len(phones_unknown), ", ".join(phones_unknown[:20])))
    elif stranded:
        reasons.append("no phone ITL hashes were given: every phone that holds one of these ITLs needs it")

    result.update({
        "cluster": cluster,
        "trusted_signers": sorted(trusted.values(), key=lambda s: s["common_name"] or ""),
        "itls_considered": [_itl_result(itls[s], stranded) for s in sorted(itls, key=lambda s: (
            itls[s]["first_seen"] is None, itls[s]["first_seen"] or datetime.datetime.min, s))],
        "candidates": candidates,
        "stranded_itls": [_itl_result(itls[s], stranded) for s in stranded],
        "phones_needing_manual_deletion": phones_needing,
        "phones_unknown_itl": phones_unknown,
        "window": {"start": _iso(start), "end": _iso(end), "days": None if since else days, "since": since,
                   "archive_entries": used, "left_out": skipped},
        "reasons": reasons,
    })
    return result


def sort_phones(phones, marked, itls):
    """``(names holding a ``marked`` ITL, names holding an ITL not in ``itls``)``; ``(None, None)`` without
    ``phones`` (``[{name, itl_sha1}]``)."""
    if phones is None:
        return None, None
    holding, unknown = [], []
    for phone in phones:
        held = (phone.get("itl_sha1") or "").lower().replace(":", "")
        if held in marked:
            holding.append(phone.get("name"))
        elif held not in itls:
            unknown.append(phone.get("name"))
    return holding, unknown


def _backup_summary(backup):
    return {"path": backup.get("path"), "verified": bool(backup.get("verified")),
            "created": _iso(backup_time(backup)), "certificate": backup.get("certificate")}


def _itl_result(itl, stranded):
    return {"sha1": itl["sha1"], "nodes": itl["nodes"], "first_seen": _iso(itl["first_seen"]),
            "last_seen": _iso(itl["last_seen"]), "archive_entries": itl["archive_entries"],
            "current": itl["current"], "channel": itl["channel"], "covered": itl["sha1"] not in stranded,
            "sast": [_certificate(r) for r in sast_records(itl["records"])],
            "tvs": [_certificate(r) for r in itl["records"] if r.get("function") == TVS]}
