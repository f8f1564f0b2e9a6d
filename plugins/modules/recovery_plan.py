#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: recovery_plan
short_description: Which key the phones still trust, and whether an ITL reset with it recovers them
version_added: 0.1.0
author: cucm.trust maintainers (@cucm-trust)
description:
  - Answers the first question of a trust-loss incident before anything is typed - which ITL signers do the phones
    still trust, does C(utils itl reset localkey) recover them, and if not, which backed-up C(ITLRecovery.p12) would
    (C(utils itl reset remotekey)); otherwise which phones need their trust list deleted by hand.
  - Runs on the publisher and reads its current C(show itl) (the CLI). From the controller it reads the nightly
    trust audit archive (role C(cucm.trust.trust_audit), C(<archive_dir>/<cluster>/<stamp>/audit.json)) and the
    ITLRecovery backup reports (role C(cucm.trust.itl_recovery_backup)) - network_cli modules run on the
    controller, so these are controller paths.
  - Reads only; changes nothing on the cluster or the controller. Every conclusion comes with its reasons, each
    naming the archive entry (path and time) it rests on.
  - B(The ITLs phones may hold.) A phone keeps the last ITL it accepted. Every distinct ITL (by SHA-1) that any TFTP
    node served in an archive entry of the window, plus the ITL the publisher serves now, is one a phone may hold.
    The window is O(since) to now, or the last O(days) days. The newest archive entry before the window counts
    too - the audit takes snapshots, so what it saw may have been served until the next audit, inside the window.
    Older entries are left out (and listed).
  - B(The rule a phone applies) (Cisco's Security By Default article - "how the phone verifies the ITL", "TVS").
    A phone holding ITL X accepts a new ITL signed by certificate S when S is a System Administrator Security
    Token (SAST) record of X, or when the Trust Verification Service can vouch for S - which it can only when a TVS
    certificate in X is still the one a TVS server of the cluster presents. The TVS certificates the cluster
    presents now are taken from the TVS records of the publisher's current ITL (every TVS node is listed there).
    A record is matched by its certificate SHA-1 (or the certificate hash of a hash-only record).
  - B(localkey.) C(utils itl reset localkey) re-signs the publisher's ITL with the other SAST key of the release -
    before CUCM 12.0 the ITLRecovery certificate on the publisher, from 12.0 the publisher's CallManager
    certificate (the ITL itself is signed by each TFTP node's CallManager certificate before 12.0 and by
    ITLRecovery from 12.0). Both are read from the publisher's current ITL. localkey recovers the phones only when
    every ITL they may hold accepts that certificate.
  - B(remotekey.) C(utils itl reset remotekey) replaces the publisher's ITLRecovery key with the one in the
    backed-up C(ITLRecovery.p12) and signs the reset ITL with it. Cisco documents this for releases before 12.0;
    for 12.0 and later no Cisco text says which key signs a remotekey reset ITL - the plan assumes the fetched
    ITLRecovery key, as for earlier releases (the result says so in C(remotekey_signer_rule)). Only verified
    backups count (the backup job opened the p12 and checked its certificate); of these the newest whose
    certificate every ITL in the window accepts is chosen, with its path and certificate.
  - B(none.) When neither covers every ITL, the plan lists the ITLs no key covers (SHA-1, which nodes served them
    and when) and, when the phones' ITL hashes are given (O(phone_itl_hashes)), the phones that hold them - they
    need their trust list deleted on the phone. Without hashes it says every phone that holds one of these ITLs.
options:
  archive_dir:
    description:
      - The trust audit's archive directory on the controller (C(trust_audit_archive_dir)).
      - Without it only the ITL (and CTL) the publisher serves now is known - phones holding older ones are not
        seen, and the reasons say so.
    type: path
  cluster:
    description:
      - Name of the cluster's sub-directory in the archive, and of its backups in the backup reports - the
        inventory group name the roles use (C({{ group_names | cucm.trust.cluster_name(inventory_hostname) }})).
    type: str
    required: true
  days:
    description: ITLs served in the last this many days count as ones phones may hold. Ignored with O(since).
    type: int
    default: 30
  since:
    description: ISO 8601 date or date-time (UTC); ITLs served since then count. Overrides O(days).
    type: str
  backup_report_dir:
    description:
      - Directory on the controller with the JSON reports of the ITLRecovery backup job
        (C(itl_recovery_backup_report_path)); every C(*.json) file with a C(clusters) list is read.
    type: path
  backups:
    description:
      - Backups given directly, in the backup report's form - C(path), C(verified), C(certificate) (C(sha1),
        C(common_name), C(serial), C(not_after)), optionally C(cluster) and C(created). Added to those of
        O(backup_report_dir).
    type: list
    elements: dict
  phone_itl_hashes:
    description:
      - The ITL SHA-1 phones report (Settings > Security > Trust List, or the DeviceTLInfo alarm), as C(name) and
        C(itl_sha1); the phones holding an ITL no key covers (or, with O(change), that would stop trusting the
        cluster) are then named.
    type: list
    elements: dict
  clock:
    description:
      - Whose clock the window is measured on. C(cluster) - the cluster's, as phones live by it - each archive
        entry's time is the HTTP C(Date) its TFTP nodes sent with the trust files (recorded by the audit), and now
        is the C(Date) the publisher's TFTP HTTP service answers with (O(tftp_host), O(tftp_http_port)); where
        either is missing the controller's clock is used and the reasons say so. C(controller) - the time the
        audit ran and the controller's clock now.
    type: str
    choices: [cluster, controller]
    default: cluster
  tftp_host:
    description:
      - Address of the publisher's TFTP HTTP service, asked for the cluster's clock. Default - the inventory
        variable C(cucm_tftp_host), else C(ansible_host) (filled by the action plugin).
    type: str
  tftp_http_port:
    description: TFTP HTTP port of the publisher. Default - the inventory variable C(cucm_tftp_http_port), else 6970.
    type: int
  change:
    description:
      - Also preview a risky change before it is made (RV(change_preview)) - which phones would stop trusting what
        the cluster serves next. The same ITLs (archive window and now) are judged, together with every CTL phones
        may hold (served in the window, the current one, or none).
      - C(mixed_mode), C(non_secure_mode) (C(utils ctl set-cluster ...)) and C(ctl_update) (C(utils ctl update
        CTLFile)) - the new CTL, signed by the publisher's CallManager certificate before 12.0 and by ITLRecovery
        from 12.0.
      - C(certificate_regeneration) of O(change.unit) on O(change.node) (C(set cert regen)) - the new certificate
        is one no phone holds, so whatever it signs next is taken only through TVS; CallManager signs the node's
        configuration files (and, before 12.0, its ITL; the CTL in mixed mode when it is the publisher's);
        ITLRecovery signs every ITL from 12.0 (and the CTL in mixed mode); a new TVS certificate is one no
        phone's ITL holds, so TVS can no longer vouch for such phones - what every TFTP node serves now is
        checked again against the TVS certificates left.
      - TVS is assumed to vouch for every current certificate of the cluster. Cisco's articles say so for a
        regenerated CallManager certificate and for the new signer of an updated CTL; for ITLRecovery it is an
        assumption. The phone's TVS servers are taken to be any TVS node (the phone's CallManager group is not
        read).
    type: dict
    suboptions:
      action:
        description: The change.
        type: str
        required: true
        choices: [mixed_mode, non_secure_mode, ctl_update, certificate_regeneration]
      node:
        description: With C(certificate_regeneration), the node (host name as C(show network cluster) lists it);
          default the publisher.
        type: str
      unit:
        description: With C(certificate_regeneration), the certificate.
        type: str
        choices: [CallManager, TVS, ITLRecovery]
extends_documentation_fragment:
  - cucm.trust.attributes
  - cucm.trust.attributes.INFO_MODULE
  - cucm.trust.cucm
notes:
  - Runs on the publisher only; on a subscriber it fails naming the publisher.
  - The plan is as good as the archive - a phone that took an ITL the audit never saw (between two audits, or before
    the first) is outside it. Run the trust audit nightly and keep more entries than the window.
seealso:
  - module: cucm.trust.itl_reset
  - module: cucm.trust.security_mode
  - module: cucm.trust.ctl_update
  - module: cucm.trust.trust_file_info
"""

EXAMPLES = r"""
- name: Which key do the phones still trust?
  cucm.trust.recovery_plan:
    archive_dir: /var/lib/cucm-trust-audit
    cluster: "{{ group_names | cucm.trust.cluster_name(inventory_hostname) }}"
    backup_report_dir: /var/lib/cucm-backup-reports
    days: 30
  register: plan

- name: Reset the ITL with the key the plan names
  cucm.trust.itl_reset:
    key_source: "{{ plan.key_source }}"
    sftp_host: "{{ backup_sftp_host if plan.key_source == 'remote' else omit }}"
    sftp_user: "{{ backup_sftp_user if plan.key_source == 'remote' else omit }}"
    sftp_password: "{{ backup_sftp_password if plan.key_source == 'remote' else omit }}"
    p12_path: "{{ plan.backup.path if plan.key_source == 'remote' else omit }}"
    ccm_admin_password: "{{ ccm_admin_password }}"
  when: plan.recommendation != 'none'

- name: Before mixed mode - would any phone stop trusting the new CTL?
  cucm.trust.recovery_plan:
    archive_dir: /var/lib/cucm-trust-audit
    cluster: "{{ group_names | cucm.trust.cluster_name(inventory_hostname) }}"
    change:
      action: mixed_mode
  register: preview

- name: Before regenerating TVS on a subscriber
  cucm.trust.recovery_plan:
    archive_dir: /var/lib/cucm-trust-audit
    cluster: "{{ group_names | cucm.trust.cluster_name(inventory_hostname) }}"
    change:
      action: certificate_regeneration
      node: cucm-sub1
      unit: TVS
  register: preview
  failed_when: not preview.change_preview.safe
"""

RETURN = r"""
recommendation:
  description: C(localkey), C(remotekey) or C(none) (no key the phones trust is left).
  returned: success
  type: str
key_source:
  description: What to give M(cucm.trust.itl_reset) as O(cucm.trust.itl_reset#module:key_source) - C(local), C(remote), or null.
  returned: success
  type: str
backup:
  description: The backup to use with C(remotekey) - C(path), C(verified), C(created), C(certificate); else null.
  returned: success
  type: dict
signer:
  description: The certificate the recommended reset ITL is signed with (C(sha1), C(common_name), C(serial), C(unit)).
  returned: success
  type: dict
release:
  description: The publisher's active release, which decides the localkey signer.
  returned: success
  type: str
remotekey_signer_rule:
  description: Which key the plan assumes signs a remotekey reset ITL on this release, and whether it is assumed.
  returned: success
  type: str
trusted_signers:
  description: The SAST certificates of the ITLs phones may hold (C(sha1), C(common_name), C(serial), C(itls)).
  returned: success
  type: list
  elements: dict
itls_considered:
  description:
    - Every ITL phones may hold - C(sha1), C(nodes) (that served it), C(first_seen), C(last_seen), C(archive_entries)
      (C(path), C(time)), C(current) (served by the publisher now), C(covered), C(sast), C(tvs).
  returned: success
  type: list
  elements: dict
candidates:
  description: Every key evaluated - C(key_source), C(signer), C(backup), C(covers) and C(misses) (ITL SHA-1s).
  returned: success
  type: list
  elements: dict
stranded_itls:
  description: With C(none), the ITLs no key covers (as in C(itls_considered)).
  returned: success
  type: list
  elements: dict
phones_needing_manual_deletion:
  description: Phones (from O(phone_itl_hashes)) holding a stranded ITL; null when no hashes were given.
  returned: success
  type: list
  elements: str
phones_unknown_itl:
  description: Phones reporting an ITL the archive does not hold; null when no hashes were given.
  returned: success
  type: list
  elements: str
window:
  description: C(start), C(end), C(days), C(since), C(archive_entries) used and C(left_out).
  returned: success
  type: dict
reasons:
  description: Why, in sentences, each naming the archive entries (path and time) it rests on.
  returned: success
  type: list
  elements: str
change_preview:
  description:
    - With O(change), which phones would stop trusting what the cluster serves after it.
    - C(safe) - no ITL phones may hold would refuse anything the cluster serves next (phones that refuse what it
      serves already are listed in C(refusing_already_itls) and do not make it unsafe).
    - C(unchanged) - the change serves nothing new (the cluster is in that security mode already);
      C(security_mode) - the mode now.
    - C(serves_next) - each file (C(file), C(nodes), C(signer) with C(sha1), C(common_name), C(unit) and C(new)
      true for a certificate the change makes).
    - C(tvs_presented_after) - SHA-1s of the TVS certificates the cluster presents after the change.
    - C(itls) - every ITL phones may hold (C(sha1), C(nodes), C(first_seen), C(last_seen), C(archive_entries)),
      with C(files) (for each file served next - C(accepted) true/false/null for not checked, C(how), C(with_ctl)
      the CTL of the worst case) and C(stops_trusting).
    - C(ctls_considered), C(stops_trusting_itls), C(phones_stop_trusting) and C(phones_unknown_itl) (null without
      O(phone_itl_hashes)), C(reasons).
  returned: when O(change) is given
  type: dict
"""

import datetime
import glob
import json
import os

from ansible_collections.cucm.trust.plugins.module_utils._change_preview import ACTIONS, UNITS, preview
from ansible_collections.cucm.trust.plugins.module_utils._recovery_plan import (
    build_plan,
    on_cluster_clock,
    read_archive,
)
from ansible_collections.cucm.trust.plugins.module_utils._tftp_http import base_url, fetch
from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import read_cluster, require_publisher
from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError, run_module
from ansible_collections.cucm.trust.plugins.module_utils.trust_state import ctl_facts, itl_facts

CLOCK_TIMEOUT = 10  # seconds for the one HTTP request that reads the cluster's clock

ARGUMENT_SPEC = dict(
    archive_dir=dict(type="path"),
    cluster=dict(type="str", required=True),
    days=dict(type="int", default=30),
    since=dict(type="str"),
    backup_report_dir=dict(type="path"),
    backups=dict(type="list", elements="dict"),
    phone_itl_hashes=dict(type="list", elements="dict"),
    clock=dict(type="str", choices=["cluster", "controller"], default="cluster"),
    tftp_host=dict(type="str"),
    tftp_http_port=dict(type="int"),
    change=dict(type="dict", options=dict(
        action=dict(type="str", required=True, choices=list(ACTIONS)),
        node=dict(type="str"),
        unit=dict(type="str", choices=list(UNITS)),
    ), required_if=[("action", "certificate_regeneration", ["unit"])]),
)


def read_backups(directory, notes):
    """The cluster entries of every backup report in ``directory``."""
    found = []
    for path in sorted(glob.glob(os.path.join(directory, "*.json"))):
        try:
            with open(path) as handle:
                report = json.load(handle)
        except (IOError, OSError, ValueError) as exc:
            notes.append("backup report %s could not be read (%s)" % (path, exc))
            continue
        if isinstance(report, dict) and isinstance(report.get("clusters"), list):
            found.extend(c for c in report["clusters"] if isinstance(c, dict))
    return found


def clock_now(module, notes):
    """Now, on the cluster's clock (the publisher's TFTP HTTP ``Date``) or the controller's."""
    controller = datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    params = module.params
    if params["clock"] == "controller":
        notes.append("the window is measured on the controller's clock")
        return controller
    host = params["tftp_host"]
    if host:
        url = "%s/ITLFile.tlv" % base_url(host, params["tftp_http_port"])
        status, _code, _data, error, when = fetch(url, CLOCK_TIMEOUT)
        if when:
            notes.append("the window is measured on the cluster's clock: now is %s (HTTP Date of %s), the "
                         "controller says %s" % (when, url, controller))
            return when
        why = error or "its answer (%s) had no Date header" % status
    else:
        why = "tftp_host is not set"
    notes.append("the cluster's clock could not be read (%s): the window is measured on the controller's clock"
                 % why)
    return controller


def plan(module):
    params = module.params
    publisher = require_publisher(module, "the recovery plan")
    facts = itl_facts(module)
    if params["archive_dir"]:
        entries, notes = read_archive(params["archive_dir"], params["cluster"])
    else:
        entries, notes = [], ["no trust audit archive was given (archive_dir): only what the publisher serves now "
                              "is known"]
    backups = []
    if params["backup_report_dir"]:
        backups.extend(read_backups(params["backup_report_dir"], notes))
    backups.extend(params["backups"] or [])
    unique, seen = [], set()
    for backup in backups:
        key = backup.get("path") or id(backup)
        if key not in seen:
            seen.add(key)
            unique.append(backup)
    now = clock_now(module, notes)
    if params["clock"] == "cluster":
        entries, missing = on_cluster_clock(entries)
        if missing:
            plural = "y" if len(missing) == 1 else "ies"
            notes.append("%d archive entr%s recorded no cluster time (no trust file fetched): the controller's "
                         "time of the audit is used for %s" % (len(missing), plural, ", ".join(missing)))
    try:
        result = build_plan(params["cluster"], facts["release"], entries, facts, now,
                            days=params["days"], since=params["since"], backups=unique,
                            phones=params["phone_itl_hashes"], notes=notes)
    except ValueError as exc:
        raise CucmError("cannot build the recovery plan: %s" % exc, reason="options")
    if params["change"]:
        result["change_preview"] = change_preview(module, publisher["hostname"], entries, facts, now)
    result["changed"] = False
    return result


def tftp_nodes(module, entries, publisher):
    """The TFTP nodes of the newest archive entry and the publisher; without an archive, every node of the
    cluster (``show network cluster``, read already)."""
    nodes = [publisher]
    if entries:
        newest = max(entries, key=lambda e: (e[1].get("time") or "", e[0]))[1]
        nodes.extend(n.get("hostname") or n.get("host") for n in newest.get("nodes") or [] if n.get("tftp") is not False)
    else:
        nodes.extend(n.get("hostname") for n in read_cluster(module)["nodes"])
    return sorted(set(n for n in nodes if n), key=lambda n: (n != publisher, n))


def change_preview(module, publisher, entries, facts, now):
    params = module.params
    ctl = ctl_facts(module)
    current = {"itl": facts["itl"], "ctl": ctl["ctl"], "security_mode": ctl["security_mode"]}
    try:
        return preview(params["change"], facts["release"], entries, current, now, publisher,
                       tftp_nodes(module, entries, publisher), days=params["days"], since=params["since"],
                       phones=params["phone_itl_hashes"])
    except ValueError as exc:
        raise CucmError("cannot preview the change: %s" % exc, reason="options")


def main():
    run_module(ARGUMENT_SPEC, plan)


if __name__ == "__main__":
    main()
