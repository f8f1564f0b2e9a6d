#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: itl_recovery_backup
short_description: Back up ITLRecovery.p12 from the CUCM publisher and prove the backup would work
version_added: 0.1.0
author: cucm.trust maintainers (@cucm-trust)
description:
  - Runs C(file get tftp ITLRecovery.p12) on the publisher, which pushes the ITLRecovery key pair to
    your SFTP server, into a directory of its own, C(<sftp_directory>/<cluster>/<UTC timestamp>/), so
    no backup is ever overwritten.
  - Then checks from the controller, over its own host-key-checked SFTP connection, what really landed
    there - the file has the size CUCM announced; it opens as PKCS#12 with the cluster security
    password; its certificate is the C(ITLRECOVERY_<publisher>) certificate whose SHA-1 is in the
    publisher's ITL; how many days it has left.
  - A small metadata file written beside each backup lets the module recognise its own directories.
    With I(keep), older backups of the same cluster are removed - only after the new one is verified,
    never the newest verified one, never anything the module did not write.
  - The ITLRecovery key is the only way to regain the phones' trust without touching every phone, and
    CUCM raises an alert every day until it is exported. A backup that did not land, landed truncated
    or cannot be opened is reported as a failure, never as a success.
options:
  sftp_host:
    description:
      - SFTP server that receives the backup. CUCM connects to it (as an SFTP client) and so does the
        controller, to verify the backup; both must reach it under this name or address.
    type: str
    required: true
  sftp_port:
    description: SSH port of the SFTP server.
    type: int
    default: 22
  sftp_user:
    description: SFTP account.
    type: str
    required: true
  sftp_password:
    description: Password of the SFTP account.
    type: str
    required: true
  sftp_directory:
    description: Directory on the SFTP server under which C(<cluster>/<timestamp>/) directories are created.
    type: str
    required: true
  sftp_host_key_fingerprint:
    description:
      - Fingerprint(s) of the SFTP server's host key(s), C(SHA256:...) or the MD5 form CUCM prints
        (C(2c:8f:9b:...)). The controller checks the server against them before anything is typed on CUCM,
        and CUCM's host-key question is answered C(yes) only for a key verified this way.
      - A server offers one key per type (RSA, ECDSA, ED25519) and CUCM's SSH client may negotiate another type
        than the controller (older CUCM prefers RSA). The controller asks the server for every type and verifies
        each against these fingerprints and C(~/.ssh/known_hosts); give the fingerprints of all of them (for
        example from C(ssh-keyscan)), or at least of the type CUCM uses, or CUCM's question is refused.
      - Required unless I(sftp_host_key_policy=accept_new) or the keys are in the controller's
        C(~/.ssh/known_hosts).
    type: list
    elements: str
    default: []
  sftp_host_key_policy:
    description:
      - C(strict) accepts only a known key (I(sftp_host_key_fingerprint) or C(~/.ssh/known_hosts)).
      - C(accept_new) accepts a server key never seen before and reports its fingerprint; CUCM must then
        be shown the very key the controller saw, or the backup is refused.
    type: str
    choices: [strict, accept_new]
    default: strict
  cluster:
    description: Name of the cluster in the backup path. Defaults to the publisher's host name.
    type: str
  cluster_security_password:
    description:
      - The cluster security password, which protects C(ITLRecovery.p12). Without it the PKCS#12 check is
        reported as skipped and the backup as not verified.
    type: str
  keep:
    description: Keep this many verified backups of the cluster; older ones are removed. Unset keeps all.
    type: int
  warn_days:
    description: Warn when the ITLRecovery certificate expires in fewer days than this.
    type: int
    default: 180
  on_subscriber:
    description:
      - What to do on a node that is not the publisher. C(fail) names the publisher and fails.
      - C(skip) returns C(skipped=true) and C(is_publisher=false) without touching anything, so one task can run on
        every node of every cluster (the C(cucm.trust.itl_recovery_backup) role does).
    type: str
    choices: [fail, skip]
    default: fail
extends_documentation_fragment:
  - cucm.trust.attributes
  - cucm.trust.cucm
  - cucm.trust.cucm.DIALOG
  - cucm.trust.cucm.CONFIRM
attributes:
  check_mode:
    support: full
    details:
      - Connects to the SFTP server, checks its host key and that the directory is writable (by creating
        and removing an empty probe directory), reports the path it would write; types nothing on CUCM.
  diff_mode:
    support: none
  idempotent:
    support: none
    details:
      - Each run writes a new, separate backup (C(changed) is true); C(same_as_previous) tells whether the
        key changed since the last verified backup.
  platform:
    support: full
    platforms: cucm
notes:
  - Give the task an C(ansible_command_timeout) that covers the transfer (60 s is plenty on a LAN).
  - The module runs on the controller, which needs C(paramiko) and C(cryptography).
  - CUCM remembers the SFTP server's key once accepted; a changed key makes CUCM (and this module) refuse
    the transfer. Fix the server or update I(sftp_host_key_fingerprint) and the CUCM side knowingly.
seealso:
  - module: cucm.trust.itl_reset
  - module: cucm.trust.itl_info
"""

EXAMPLES = r"""
- name: Nightly ITLRecovery backup, keep the last 14
  cucm.trust.itl_recovery_backup:
    sftp_host: backup.example.com
    sftp_user: cucmbackup
    sftp_password: "{{ vault_sftp_password }}"
    sftp_directory: /srv/cucm/itlrecovery
    sftp_host_key_fingerprint: SHA256:qx0RpHJ+6DkT0nmMU3pQEP9eH7y0vO1m8GxlCYGJYzU
    cluster: dc1
    cluster_security_password: "{{ vault_cluster_security_password }}"
    keep: 14
  register: backup
  when: inventory_hostname in groups['publishers']

- name: Stop the job when the backup is not proven
  ansible.builtin.assert:
    that: backup.verified
"""

RETURN = r"""
is_publisher:
  description: Whether the node is the publisher. With O(on_subscriber=skip) a subscriber returns C(false) and nothing else.
  returned: always
  type: bool
path:
  description: Path of the backup on the SFTP server (would-be path in check mode).
  returned: always
  type: str
  sample: /srv/cucm/itlrecovery/dc1/20261122T020000Z/ITLRecovery.p12
size:
  description: Size in bytes of the file on the SFTP server.
  returned: when a backup was written
  type: int
sha256:
  description: SHA-256 of the file on the SFTP server.
  returned: when a backup was written
  type: str
certificate:
  description: The certificate in the PKCS#12 - C(subject), C(common_name), C(serial), C(sha1), C(not_after), C(days_left).
  returned: when the PKCS#12 could be opened
  type: dict
matches_itl:
  description: The certificate's SHA-1 equals the ITLRECOVERY record of the publisher's ITL (null when not checked).
  returned: when a backup was written
  type: bool
same_as_previous:
  description: The key is the one of the previous verified backup (null when there is none).
  returned: when a backup was written
  type: bool
verified:
  description: Every check passed (size, PKCS#12 with the cluster security password, certificate name, ITL match).
  returned: always
  type: bool
checks:
  description: Result of each check - C(passed), C(failed) or C(skipped).
  returned: always
  type: dict
  sample: {"size": "passed", "pkcs12": "passed", "certificate_name": "passed", "itl": "passed"}
removed:
  description: Backup directories removed by retention.
  returned: always
  type: list
  elements: str
sftp_host_key:
  description: The SFTP server's host key the controller negotiated (C(md5), C(sha256), C(type)).
  returned: always
  type: dict
sftp_host_keys:
  description:
    - Every host key the SFTP server offers, one per type, with C(verified) - whether it matches a given
      fingerprint or C(~/.ssh/known_hosts). CUCM's host-key question is answered only for verified keys.
  returned: when the SFTP server was reached
  type: list
  elements: dict
stdout_lines:
  description: What CUCM printed for C(file get tftp ITLRecovery.p12) (the SFTP password never appears).
  returned: when the transfer ran
  type: list
  elements: str
"""

import datetime
import hashlib
import json
import posixpath
import secrets

from ansible_collections.cucm.trust.plugins.module_utils import _backup_layout as layout
from ansible_collections.cucm.trust.plugins.module_utils import questions
from ansible_collections.cucm.trust.plugins.module_utils._p12_check import P12Error, open_p12
from ansible_collections.cucm.trust.plugins.module_utils._sftp_target import SftpTarget, SftpTargetError
from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import local_node, read_cluster, require_publisher
from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError, change, run_module
from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_file_get
from ansible_collections.cucm.trust.plugins.module_utils.trust_facts import summarize
from ansible_collections.cucm.trust.plugins.module_utils.trust_state import read_itl

COMMAND = "file get tftp %s" % layout.P12_NAME

ARGUMENT_SPEC = dict(
    sftp_host=dict(type="str", required=True),
    sftp_port=dict(type="int", default=22),
    sftp_user=dict(type="str", required=True),
    sftp_password=dict(type="str", required=True, no_log=True),
    sftp_directory=dict(type="str", required=True),
    sftp_host_key_fingerprint=dict(type="list", elements="str", default=[], no_log=False),
    sftp_host_key_policy=dict(type="str", choices=["strict", "accept_new"], default="strict"),
    cluster=dict(type="str"),
    cluster_security_password=dict(type="str", no_log=True),
    keep=dict(type="int"),
    warn_days=dict(type="int", default=180),
    on_subscriber=dict(type="str", choices=["fail", "skip"], default="fail"),
    accept_warnings=dict(type="list", elements="str", default=[]),
)


def open_target(params):
    return SftpTarget(params["sftp_host"], params["sftp_port"], params["sftp_user"], params["sftp_password"],
                      expected_fingerprints=params["sftp_host_key_fingerprint"],
                      accept_new=params["sftp_host_key_policy"] == "accept_new")


def our_backups(target, cluster_dir):
    """``[{path, created, verified, sha1}]`` of the directories under ``cluster_dir`` we wrote."""
    found = []
    for name in target.listdir(cluster_dir):
        path = posixpath.join(cluster_dir, name)
        meta_path = posixpath.join(path, layout.METADATA_NAME)
        if target.stat(meta_path) is None:
            continue
        meta = layout.read_metadata(target.read(meta_path, "retention").decode("utf-8", "replace"))
        if meta is None:
            continue
        found.append({"path": path, "created": meta.get("created") or name, "verified": bool(meta.get("verified")),
                      "sha1": (meta.get("certificate") or {}).get("sha1")})
    return found


def itl_recovery_record(module):
    """The ITLRECOVERY record of the publisher's ITL (None when it has none)."""
    return summarize(read_itl(module)[0]).get("itlrecovery")


def check_backup(params, target, directory, parsed, itl_record, publisher):
    """Verify what landed. Returns (facts, checks, problem) - problem None when all passed."""
    path = posixpath.join(directory, layout.P12_NAME)
    checks = {"size": "skipped", "pkcs12": "skipped", "certificate_name": "skipped", "itl": "skipped"}
    facts = {"path": path}
    attrs = target.stat(path)
    if attrs is None:
        checks["size"] = "failed"
        return facts, checks, "size check: %s is not on the SFTP server" % path
    facts["size"] = attrs.st_size
    announced = parsed.get("size_bytes")
    if announced is None or attrs.st_size != announced:
        checks["size"] = "failed"
        return facts, checks, ("size check: %s has %d bytes, CUCM announced %s (a partial upload?)"
                               % (path, attrs.st_size, announced))
    checks["size"] = "passed"
    data = target.read(path, "size check")
    facts["sha256"] = hashlib.sha256(data).hexdigest()
    if not params["cluster_security_password"]:
        return facts, checks, None
    try:
        cert = open_p12(data, params["cluster_security_password"])
    except P12Error as exc:
        checks["pkcs12"] = "failed"
        return facts, checks, "PKCS#12 check: %s" % exc
    checks["pkcs12"] = "passed"
    facts["certificate"] = cert
    expected_cn = (itl_record or {}).get("common_name") or "ITLRECOVERY_%s" % publisher
    if (cert["common_name"] or "").upper() != expected_cn.upper():
        checks["certificate_name"] = "failed"
        return facts, checks, "PKCS#12 check: the certificate is %s, not %s" % (cert["common_name"], expected_cn)
    checks["certificate_name"] = "passed"
    if itl_record and itl_record.get("certificate_sha1"):
        facts["matches_itl"] = cert["sha1"] == itl_record["certificate_sha1"]
        checks["itl"] = "passed" if facts["matches_itl"] else "failed"
        if not facts["matches_itl"]:
            return facts, checks, ("ITL comparison: the backed-up certificate (SHA-1 %s) is not the ITLRECOVERY "
                                   "entry of the publisher's ITL (SHA-1 %s)"
                                   % (cert["sha1"], itl_record["certificate_sha1"]))
    return facts, checks, None


def preflight(module, target, cluster_dir, would_be):
    target.probe_writable(module.params["sftp_directory"], secrets.token_hex(4))
    return dict(changed=True, path=posixpath.join(would_be, layout.P12_NAME), verified=False,
                checks={}, removed=[], sftp_host_key=target.host_key, sftp_host_keys=target.host_keys,
                cluster_directory=cluster_dir,
                msg="check mode: the SFTP target is reachable and writable; a backup would be written")


def transfer(module, target, directory):
    """CUCM pushes the file; its host-key question is answered only for the key the controller saw."""
    params = module.params
    allowed = target.allowed_fingerprints
    pushed = change(module, COMMAND, questions.file_get(
        params["sftp_host"], params["sftp_port"], params["sftp_user"], params["sftp_password"],
        directory + "/", allowed), parse_file_get, progress=questions.FILE_GET_PROGRESS)
    parsed = pushed.parsed
    if parsed["not_found"] or not parsed["transfer_completed"] or pushed.errors:
        raise CucmError("'%s' on CUCM did not complete: %s"
                        % (COMMAND, " / ".join(pushed.errors) or "no 'Transfer completed.'"), COMMAND,
                        reason="transfer", output=pushed.output)
    return parsed, pushed.output


def back_up(module, publisher):
    params = module.params
    cluster = params["cluster"] or publisher
    now = datetime.datetime.now(datetime.timezone.utc)
    cluster_dir = layout.cluster_directory(params["sftp_directory"], cluster)
    directory = layout.backup_directory(params["sftp_directory"], cluster, now)

    try:
        with open_target(params) as target:
            if module.check_mode:
                return preflight(module, target, cluster_dir, directory)
            itl_record = itl_recovery_record(module)
            target.makedirs(cluster_dir, "SFTP pre-flight")
            target.mkdir_new(directory, "SFTP pre-flight")
            result = dict(changed=True, path=posixpath.join(directory, layout.P12_NAME), removed=[],
                          sftp_host_key=target.host_key, sftp_host_keys=target.host_keys, cluster=cluster,
                          publisher=publisher)
            try:
                parsed, output = transfer(module, target, directory)
            except CucmError as exc:
                try:  # mark the failed attempt as ours; a full disk may refuse even that
                    write_metadata(target, directory, cluster, publisher, now, {}, {}, False,
                                   "file get on CUCM: %s" % exc)
                except SftpTargetError:
                    pass
                raise
            result.update(stdout=output, stdout_lines=output.splitlines())
            facts, checks, problem = check_backup(params, target, directory, parsed, itl_record, publisher)
            verified = problem is None and all(v == "passed" for k, v in checks.items() if k != "itl") \
                and checks["itl"] in ("passed", "skipped")
            write_metadata(target, directory, cluster, publisher, now, facts, checks, verified, problem)
            result.update(facts, checks=checks, verified=verified)
            if problem:
                raise CucmError("backup written to %s but not verified - %s" % (directory, problem), COMMAND,
                                reason="verify", output=output, **dict(result, stdout=None, stdout_lines=None))
            backups = our_backups(target, cluster_dir)
            previous = layout.previous_verified(backups, directory)
            result["same_as_previous"] = (previous["sha1"] == facts.get("certificate", {}).get("sha1")
                                          if previous and previous.get("sha1") else None)
            if verified:
                result["removed"] = apply_retention(target, backups, params["keep"], directory)
            return result
    except SftpTargetError as exc:
        raise CucmError(str(exc), reason="sftp")


def write_metadata(target, directory, cluster, publisher, when, facts, checks, verified, problem):
    meta = layout.metadata(cluster, publisher, when.isoformat(), facts.get("size"), facts.get("sha256"),
                           facts.get("certificate"), checks, verified, problem)
    target.write(posixpath.join(directory, layout.METADATA_NAME), json.dumps(meta, indent=2).encode("utf-8"),
                 "metadata")


def apply_retention(target, backups, keep, current):
    removed = []
    for path in layout.plan_retention(backups, keep, current):
        for name in (layout.P12_NAME, layout.METADATA_NAME):
            if target.stat(posixpath.join(path, name)) is not None:
                target.remove(posixpath.join(path, name), "retention")
        if target.listdir(path):
            continue  # somebody else's files are in there: leave the directory
        target.rmdir(path, "retention")
        removed.append(path)
    return removed


def back_up_and_warn(module):
    """The backup on the publisher, plus the warnings an operator must see even when it succeeded."""
    params = module.params
    if params["on_subscriber"] == "skip":
        node = local_node(read_cluster(module))
        if node["role"] != "publisher":
            return dict(changed=False, skipped=True, is_publisher=False,
                        msg="%s is a subscriber: the publisher backs up the cluster" % node["hostname"])
    publisher = require_publisher(module, "the ITLRecovery backup")["hostname"]
    if params["sftp_host_key_policy"] == "strict" and not params["sftp_host_key_fingerprint"]:
        # Warned before the work, so a failed run shows it too.
        module.warn("no sftp_host_key_fingerprint given: the SFTP server's key must be in ~/.ssh/known_hosts")
    try:
        result = back_up(module, publisher)
    except CucmError as exc:
        exc.details["is_publisher"] = True
        raise
    result["is_publisher"] = True
    if not result.get("verified") and not module.check_mode:
        module.warn("backup written but not verified: %s" % ", ".join(
            "%s %s" % (k, v) for k, v in sorted(result.get("checks", {}).items()) if v != "passed"))
    cert = result.get("certificate") or {}
    if cert.get("days_left") is not None and cert["days_left"] < params["warn_days"]:
        module.warn("the ITLRecovery certificate expires in %d days (%s)" % (cert["days_left"], cert["not_after"]))
    return result


def main():
    run_module(ARGUMENT_SPEC, back_up_and_warn)


if __name__ == "__main__":
    main()
