#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ctl_update
short_description: Rebuild and re-sign the CTL file of a mixed-mode CUCM cluster (utils ctl update CTLFile)
version_added: 0.1.0
author: cucm.trust maintainers (@cucm-trust)
description:
  - Runs C(utils ctl update CTLFile) on the publisher, answering C(Do you want to continue? (y/n)) with C(y). CUCM
    rebuilds the CTL from the current certificates, signs it tokenless (the publisher's CallManager certificate
    before 12.0, its ITLRecovery certificate from 12.0) and copies it to every node.
  - Needed after regenerating a CallManager certificate (or, 12.0+, the publisher's ITLRecovery certificate), and to
    move a CTL signed by hardware USB eTokens to tokenless - the eToken records then disappear; they are reported.
  - With O(when=if_stale) it first compares the CTL's records with the cluster's current certificates from the
    database (the query of the Security By Default article) - the serial number of each server's CallManager
    certificate (CN = host name) and, from 12.0, of the publisher's ITLRecovery certificate - and updates only when
    they differ.
  - Reads C(show ctl) before and after and reports signer and checksum of both; fails if the new CTL does not verify
    or, with O(when=if_stale), still differs from the database.
  - Refuses on a subscriber and when the cluster is not in mixed mode (there is no CTL to update).
options:
  when:
    description:
      - C(always) updates every time (for example to move from eTokens to tokenless).
      - C(if_stale) updates only when the CTL's certificates differ from the cluster's current ones.
    type: str
    choices: [always, if_stale]
    default: if_stale
extends_documentation_fragment:
  - cucm.trust.attributes
  - cucm.trust.attributes.STATE_MODULE
  - cucm.trust.cucm
  - cucm.trust.cucm.DIALOG
  - cucm.trust.cucm.CONFIRM
attributes:
  check_mode:
    support: full
    details:
      - Reads the CTL (and, with O(when=if_stale), the database) and reports whether it would update, what differs
        and which eToken records would go; types no state-changing command.
  diff_mode:
    support: partial
    details:
      - Shows signer and checksum before and after; in check mode the new checksum is not known yet.
  idempotent:
    support: full
    details:
      - With O(when=if_stale). O(when=always) updates on every run.
notes:
  - Phones validate the new signer through TVS, so the Trust Verification Service must be healthy; reset phones
    after restarting the services CUCM asks for (C(required_restarts)).
  - The update copies the CTL to every node and usually takes well under a minute; set
    C(ansible_command_timeout) to C(300) for this task on big clusters.
seealso:
  - module: cucm.trust.ctl_info
  - module: cucm.trust.security_mode
"""

EXAMPLES = r"""
- name: Update the CTL after a CallManager certificate was regenerated
  cucm.trust.ctl_update:
    when: if_stale
  register: ctl

- name: Move a hardware eToken CTL to tokenless
  cucm.trust.ctl_update:
    when: always
  vars:
    ansible_command_timeout: 300
  register: migrated

- name: Show the eToken records that went away
  ansible.builtin.debug:
    msg: "{{ migrated.etokens_removed | map(attribute='common_name') | list }}"
"""

RETURN = r"""
differences:
  description:
    - How the CTL differed from the current certificates before the update (O(when=if_stale) only; null with
      O(when=always)).
  returned: always
  type: list
  elements: dict
  contains:
    server:
      description: CN of the certificate (the server's host name, or C(ITLRECOVERY_<publisher>)).
      type: str
    unit:
      description: C(CallManager) or C(ITLRecovery).
      type: str
    ctl_serial:
      description: Serial number in the CTL as C(show ctl) prints it (null when the CTL lacks the record).
      type: str
    current_serials:
      description: Serial numbers in the database, hex without colons.
      type: list
      elements: str
    problem:
      description: C(serial_differs), C(missing_from_ctl) or C(not_in_database).
      type: str
  sample:
    - server: cucm-pub
      unit: CallManager
      ctl_serial: 70:CA:F6:4E:09:07:51:B9:DF:22:F4:9F:75:4F:C5:BB
      current_serials: [6B1D357B6841740B078FEE4A1813D5D6]
      problem: serial_differs
before:
  description: The CTL before the task, from C(show ctl).
  returned: always
  type: dict
  contains:
    signer:
      description: Signing record (C(unit), C(common_name), C(serial)).
      type: dict
    md5:
      description: MD5 checksum as printed.
      type: str
    sha1:
      description: SHA-1 checksum as printed.
      type: str
    etokens:
      description: Common names of the hardware eToken records.
      type: list
      elements: str
after:
  description: The CTL after the update, same keys as RV(before).
  returned: when the update ran
  type: dict
etokens_removed:
  description: Hardware eToken records the update removed (in check mode, those it would remove).
  returned: always
  type: list
  elements: dict
  contains:
    common_name:
      description: CN of the eToken (C(SAST-ADN...)).
      type: str
    serial:
      description: Serial number as C(show ctl) prints it.
      type: str
required_restarts:
  description: Services CUCM asked to restart, each with the nodes that have it activated (null when unknown).
  returned: when the update ran
  type: list
  elements: dict
commands:
  description: Commands that changed state (or would, in check mode).
  returned: always
  type: list
  elements: str
stdout_lines:
  description: What CUCM printed for the update (empty when it did not run).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.cucm.trust.plugins.module_utils import questions
from ansible_collections.cucm.trust.plugins.module_utils._ctl_commands import (
    UPDATE_COMMAND,
    outcome_problem,
    predicted_restarts,
    required_restarts,
)
from ansible_collections.cucm.trust.plugins.module_utils._ctl_compare import (
    ctl_differences,
    current_certificates,
    removed_etokens,
)
from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import (
    read_activated_nodes,
    read_security_mode,
    release,
    require_publisher,
)
from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError, change, read, run_module
from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_run_sql, parse_utils_ctl
from ansible_collections.cucm.trust.plugins.module_utils.release import ctl_signer_unit
from ansible_collections.cucm.trust.plugins.module_utils.trust_facts import summarize
from ansible_collections.cucm.trust.plugins.module_utils.trust_state import CERTIFICATE_TRUST_ROLES, read_ctl

ARGUMENT_SPEC = dict(
    when=dict(type="str", choices=["always", "if_stale"], default="if_stale"),
    accept_warnings=dict(type="list", elements="str", default=[]),
)
CTL_SERVICES = ("Cisco CallManager", "Cisco Tftp")


def ctl_view(summary):
    signer = summary.get("signer") or {}
    return {
        "present": summary["present"],
        "signer": {"unit": signer.get("unit"), "common_name": signer.get("common_name"),
                   "serial": signer.get("serial")},
        "md5": summary.get("md5"),
        "sha1": summary.get("sha1"),
        "etokens": [t.get("common_name") for t in summary.get("etokens") or []],
    }


class StaleCheck(object):
    """Compares a CTL with the certificates the database holds (read once)."""

    def __init__(self, module, publisher, version, activated):
        rows = read(module, CERTIFICATE_TRUST_ROLES, parse_run_sql)[0]["rows"]
        self.current = current_certificates(rows, publisher)
        # 12.0+ CTLs carry (and are signed by) the publisher's ITLRecovery certificate.
        self.itlrecovery = ctl_signer_unit(version) == "ITLRecovery"
        self.ctl_nodes = None
        if activated is not None:
            self.ctl_nodes = sorted(set(n for s in CTL_SERVICES for n in activated.get(s, [])))

    def differences(self, parsed_ctl):
        return ctl_differences(parsed_ctl, self.current, self.itlrecovery, self.ctl_nodes)


def update_ctl(module):
    when = module.params["when"]
    publisher = require_publisher(module, "CTL update")
    mode = read_security_mode(module)
    if mode != "mixed":
        raise CucmError("the cluster is not in mixed mode (ClusterSecurityMode says %s): there is no CTL to "
                        "update; use cucm.trust.security_mode first" % mode, reason="not_mixed")
    version = release(module)
    before_ctl = read_ctl(module)[0]
    before = summarize(before_ctl)
    activated = read_activated_nodes(module)
    result = dict(changed=True, before=ctl_view(before), differences=None, commands=[UPDATE_COMMAND],
                  etokens_removed=removed_etokens(before, {}), stdout_lines=[])

    stale = None
    if when == "if_stale":
        stale = StaleCheck(module, publisher, version, activated)
        result["differences"] = stale.differences(before_ctl)
        if not result["differences"]:
            result.update(changed=False, commands=[], etokens_removed=[])
            return result
    if module._diff:
        result["diff"] = {"before": result["before"], "after": {}}
    if module.check_mode:
        return result

    update = change(module, UPDATE_COMMAND, [questions.continue_yes()], parse_utils_ctl)
    output = update.output
    result.update(stdout=output, stdout_lines=output.splitlines())
    reason, problem = outcome_problem(update.parsed, update.errors)
    if problem:
        raise CucmError("'%s' failed: %s" % (UPDATE_COMMAND, problem), UPDATE_COMMAND, reason=reason, output=output,
                        changed=True)

    after_ctl, after_text = read_ctl(module)
    after = summarize(after_ctl)
    restarts = update.parsed["restart_services"] or predicted_restarts(version)
    result.update(after=ctl_view(after), etokens_removed=removed_etokens(before, after),
                  required_restarts=required_restarts(restarts, activated))
    if module._diff:
        result["diff"]["after"] = result["after"]
    problem = None
    if not after["present"] or after["verified"] is not True:
        problem = "show ctl does not show a verified CTL afterwards (%s)" % (
            "; ".join(after["errors"]) or "no verification line")
    elif stale is not None and stale.differences(after_ctl):
        problem = "the CTL still differs from the database: %s" % ", ".join(
            "%s %s (%s)" % (d["server"], d["unit"], d["problem"]) for d in stale.differences(after_ctl))
    if problem:
        details = dict((k, v) for k, v in result.items() if k not in ("stdout", "stdout_lines", "command"))
        raise CucmError("'%s' ran, but %s" % (UPDATE_COMMAND, problem), UPDATE_COMMAND, reason="verify", output=output,
                        show_ctl_lines=after_text.splitlines(), **details)
    if after.get("sha1") and after.get("sha1") == before.get("sha1"):
        module.warn("the CTL checksum did not change: CUCM may not have rewritten the file")
    return result


def main():
    run_module(ARGUMENT_SPEC, update_ctl)


if __name__ == "__main__":
    main()
