#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ctl_file
short_description: Delete a stale CTL file from a CUCM node of a non-secure cluster
version_added: 0.1.0
author: cucm.trust maintainers (@cucm-trust)
description:
  - A C(CTLFile.tlv) left on a node while the cluster is non-secure is stale (the cluster was in mixed mode once).
    Phones that still download it keep trusting signers that may no longer exist.
  - Reads C(show ctl) first and does nothing when there is no CTL file. Otherwise reads C(ClusterSecurityMode) and
    refuses while the cluster is in mixed mode, where the CTL is live.
  - Runs C(file delete tftp CTLFile.tlv), answering C(Enter "y" followed by return to continue:) with C(y) (CUCM
    prints C(Delete the File CTLFile.tlv?) just before it), and checks with C(show ctl) that the file is gone.
  - Runs on any node - each node keeps its own copy; run it on every node of the cluster.
options:
  state:
    description: C(absent) deletes the stale CTL file.
    type: str
    choices: [absent]
    default: absent
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
      - Reads the CTL and the security mode and reports whether it would delete; types no state-changing command.
  diff_mode:
    support: full
  idempotent:
    support: full
notes:
  - The deletion takes seconds; the default C(ansible_command_timeout) is enough.
seealso:
  - module: cucm.trust.ctl_info
  - module: cucm.trust.security_mode
"""

EXAMPLES = r"""
- name: Find stale CTL files
  cucm.trust.ctl_info:
  register: ctl

- name: Delete them
  cucm.trust.ctl_file:
    state: absent
  when: ctl.summary.stale
"""

RETURN = r"""
ctl_before:
  description: The CTL file the task found (C(present), C(md5), C(sha1), C(signer) common name).
  returned: always
  type: dict
  sample: {present: true, md5: 1d97d9089dd558a062cccfcb1dc4c57f, sha1: 3b452f9ec9d6543df80e50f8b850cddc92fcf847,
           signer: cucm-pub}
security_mode:
  description: C(ClusterSecurityMode) (C(mixed) or C(non_secure)); null when no CTL file was found (not read).
  returned: always
  type: str
command:
  description: The command typed (or that would be typed in check mode); null when there was nothing to delete.
  returned: always
  type: str
  sample: file delete tftp CTLFile.tlv
commands:
  description: Commands that changed state (or would, in check mode).
  returned: always
  type: list
  elements: str
stdout_lines:
  description: What CUCM printed for the deletion (empty when nothing ran).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.cucm.trust.plugins.module_utils import questions
from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import read_security_mode
from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError, change, run_module
from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_file_delete
from ansible_collections.cucm.trust.plugins.module_utils.trust_facts import summarize
from ansible_collections.cucm.trust.plugins.module_utils.trust_state import read_ctl

ARGUMENT_SPEC = dict(
    state=dict(type="str", choices=["absent"], default="absent"),
    accept_warnings=dict(type="list", elements="str", default=[]),
)
CTL_FILE = "CTLFile.tlv"
DELETE_COMMAND = "file delete tftp %s" % CTL_FILE


def ctl_state(parsed):
    summary = summarize(parsed)
    return {"present": summary["present"], "md5": summary["md5"], "sha1": summary["sha1"],
            "signer": (summary.get("signer") or {}).get("common_name")}


def remove_ctl_file(module):
    before = ctl_state(read_ctl(module)[0])
    result = dict(changed=False, ctl_before=before, security_mode=None, command=None, commands=[],
                  stdout_lines=[])
    if not before["present"]:
        return result

    mode = read_security_mode(module)
    result["security_mode"] = mode
    if mode == "mixed":
        raise CucmError("the cluster is in mixed mode: %s is the live CTL, not a stale one; refusing to delete "
                        "it (use cucm.trust.security_mode state=non_secure first)" % CTL_FILE, reason="mixed")
    result.update(changed=True, command=DELETE_COMMAND, commands=[DELETE_COMMAND])
    if module._diff:
        result["diff"] = {"before": {CTL_FILE: before}, "after": {CTL_FILE: {"present": False}}}
    if module.check_mode:
        return result

    delete = change(module, DELETE_COMMAND, [questions.delete_confirm()], parse_file_delete)
    result.update(stdout=delete.output, stdout_lines=delete.output.splitlines())
    if delete.errors or not delete.parsed["deleted"]:
        said = ("CUCM printed: %s" % " / ".join(delete.errors) if delete.errors
                else "CUCM did not report the file as deleted")
        raise CucmError("'%s' failed: %s" % (DELETE_COMMAND, said), DELETE_COMMAND, reason="cli_error", output=delete.output,
                        changed=bool(delete.parsed["deleted"]))

    after_ctl, after_text = read_ctl(module)
    if after_ctl["present"]:
        raise CucmError("'%s' reported the file deleted, but show ctl still shows a CTL file (MD5 %s)"
                        % (DELETE_COMMAND, after_ctl["md5"]), DELETE_COMMAND, reason="verify", output=delete.output, changed=True,
                        show_ctl_lines=after_text.splitlines())
    return result


def main():
    run_module(ARGUMENT_SPEC, remove_ctl_file)


if __name__ == "__main__":
    main()
