#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: itl_reset
short_description: Bulk ITL reset on a CUCM cluster (utils itl reset localkey / remotekey)
version_added: 0.1.0
author: cucm.trust maintainers (@cucm-trust)
description:
  - Runs C(utils itl reset localkey) or C(utils itl reset remotekey <host> <user> <path>) on the publisher. CUCM
    re-signs the publisher's ITL with the other System Administrator Security Token key the phones still trust,
    copies this reset ITL to every active TFTP node and restarts Cisco Tftp on each.
  - This is the recovery when phones show C(Trust List Update Failed) and no longer accept configuration changes.
  - Before typing anything, checks with C(show network cluster) that the node is the publisher; on a subscriber it
    fails naming the publisher.
  - Reads the active TFTP server list CUCM prints and each node's transfer and Tftp restart lines, and fails,
    listing which nodes got the reset ITL and which did not, when one is missing or CUCM prints an error line.
  - Then reads C(show itl) on the publisher and fails unless the ITL verifies and is signed by the expected key.
    C(localkey) signs with the other SAST key of the release - ITLRecovery before CUCM 12.0, CallManager from 12.0.
    C(remotekey) signs with the fetched ITLRecovery key on every release (the key the phones still trust).
  - Returns the follow-up as C(next_steps). Before 12.0, or with C(remotekey) - reset all phones; the next Cisco Tftp
    restart returns the nodes to normally signed ITLs, which the reset ITL vouches for. From 12.0 with C(localkey) -
    reset all phones, THEN restart Cisco Tftp on every TFTP node, then reset all phones again.
options:
  key_source:
    description:
      - C(local) signs with the ITLRecovery key on the publisher's disk (C(utils itl reset localkey)).
      - C(remote) first fetches C(ITLRecovery.p12) from an SFTP server and replaces the publisher's local key with it
        (C(utils itl reset remotekey)). This is how a publisher rebuilt without a backup regains the phones' trust;
        the cluster must use the same cluster security password the p12 was protected with.
    type: str
    choices: [local, remote]
    default: local
  ccm_admin_password:
    description: Password of the CCM Administrator (application administrator) that CUCM asks for.
    type: str
    required: true
  sftp_host:
    description: SFTP server holding C(ITLRecovery.p12). Required with O(key_source=remote).
    type: str
  sftp_user:
    description: SFTP user. Required with O(key_source=remote).
    type: str
  sftp_password:
    description: SFTP password, asked first by C(remotekey). Required with O(key_source=remote).
    type: str
  p12_path:
    description: Path of C(ITLRecovery.p12) on the SFTP server. Required with O(key_source=remote).
    type: str
  typed_answers:
    description:
      - Send the answers one character at a time, O(char_delay) seconds apart, for nodes that drop characters typed
        in one burst (a wrong password then looks like a refused one).
    type: bool
    default: false
  char_delay:
    description: Seconds between characters with O(typed_answers=true).
    type: float
    default: 0.3
extends_documentation_fragment:
  - cucm.trust.attributes
  - cucm.trust.attributes.STATE_MODULE
  - cucm.trust.cucm
  - cucm.trust.cucm.DIALOG
attributes:
  check_mode:
    support: full
    details:
      - Lists the TFTP nodes it would touch (from the database; C(unknown) when it cannot be read) and the key it
        would sign with, and types nothing. Reports C(changed=true) - the reset would run.
  diff_mode:
    support: none
  idempotent:
    support: N/A
    details:
      - This is an action - it re-signs and redistributes the ITL and restarts Cisco Tftp every time it runs, so it
        always reports C(changed=true).
notes:
  - Runs on the publisher only. Target the publisher in the play (for example with C(cucm.trust.cluster_info) and a
    condition), not every node.
  - The reset restarts Cisco Tftp on every TFTP node one after the other and can take several minutes on big
    clusters. Set C(ansible_command_timeout) for this task accordingly, for example C(600).
  - Known caveats - CSCun18578 (the reset fails in some scenarios) and CSCun19112 (C(remotekey) fails with SFTP
    "bad authentication type"); a 1024-bit ITLRecovery certificate with 2048-bit server certificates can make the
    command fail.
seealso:
  - module: cucm.trust.itl_info
  - module: cucm.trust.service
"""

EXAMPLES = r"""
- name: Reset the ITL of the cluster with the publisher's own ITLRecovery key
  cucm.trust.itl_reset:
    ccm_admin_password: "{{ ccm_admin_password }}"
  vars:
    ansible_command_timeout: 600
  register: reset
  when: inventory_hostname == groups['publishers'][0]

- name: Rebuilt publisher - take the ITLRecovery key from the backup on an SFTP server
  cucm.trust.itl_reset:
    key_source: remote
    sftp_host: backup.example.com
    sftp_user: backup
    sftp_password: "{{ sftp_password }}"
    p12_path: /backups/cucm/ITLRecovery.p12
    ccm_admin_password: "{{ ccm_admin_password }}"
    typed_answers: true
  vars:
    ansible_command_timeout: 600

- name: Tell the operator what to do next
  ansible.builtin.debug:
    msg: "{{ reset.next_steps | map(attribute='action') | list }}"
"""

RETURN = r"""
command:
  description: The command typed (or that would be typed in check mode).
  returned: always
  type: str
  sample: utils itl reset localkey
commands:
  description: Commands that changed state (or would, in check mode).
  returned: always
  type: list
  elements: str
release:
  description: Active CUCM version of the publisher.
  returned: always
  type: str
  sample: 12.5.1.14900-63
reset_signer_unit:
  description:
    - The key the reset ITL is (or would be) signed with. C(localkey) - C(ITLRecovery) before 12.0, C(CallManager)
      from 12.0. C(remotekey) - C(ITLRecovery).
  returned: always
  type: str
  sample: CallManager
tftp_nodes:
  description:
    - Active TFTP nodes. After a run - as CUCM listed them. In check mode - from the database, or the string C(unknown)
      when the database cannot be read.
  returned: always
  type: raw
  sample: [cucm-pub, cucm-sub1]
nodes:
  description: Per TFTP node - whether it got the reset ITL and whether its Cisco Tftp restarted.
  returned: success and on a failed delivery
  type: list
  elements: dict
  contains:
    name:
      description: Host name as CUCM printed it.
      type: str
    transferred:
      description: The reset ITL reached the node (the publisher counts once its Tftp restarted).
      type: bool
    tftp_restarted:
      description: CUCM printed C(Cisco Tftp service restarted on host <name>).
      type: bool
  sample:
    - {name: cucm-pub, transferred: true, tftp_restarted: true}
    - {name: cucm-sub1, transferred: true, tftp_restarted: true}
signer_after:
  description: Signer of the publisher's ITL after the reset, from C(show itl).
  returned: success
  type: dict
  contains:
    unit:
      description: C(ITLRecovery) or C(CallManager).
      type: str
    common_name:
      description: CN of the signing certificate.
      type: str
  sample: {unit: CallManager, common_name: cucm-pub}
verified:
  description: C(show itl) says the ITL verified and its signer is RV(reset_signer_unit).
  returned: success
  type: bool
next_steps:
  description:
    - What to do next, in order - the order Cisco's ITL recovery procedure gives (Security Guide for Cisco Unified
      Communications Manager, and the Cisco article Security By Default and ITL Operation and Troubleshooting).
  returned: always
  type: list
  elements: dict
  contains:
    step:
      description: 1-based order.
      type: int
    action:
      description: C(reset_phones) or C(restart_service).
      type: str
    service:
      description: Service to restart (null for C(reset_phones)).
      type: str
    nodes:
      description: Nodes to restart it on.
      type: list
      elements: str
    reason:
      description: Why.
      type: str
signer_after_next_tftp_restart:
  description: Who signs the ITL once Cisco Tftp restarts again (the release's normal signer).
  returned: always
  type: str
  sample: ITLRecovery
stdout_lines:
  description: What CUCM printed for the reset (the passwords never appear).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.cucm.trust.plugins.module_utils import questions
from ansible_collections.cucm.trust.plugins.module_utils._itl_reset import (
    TFTP_SERVICE,
    delivery_problem,
    expected_signer,
    next_steps,
    node_results,
    reset_command,
    reset_questions,
    signer_problem,
)
from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import (
    read_activated_nodes,
    release,
    require_publisher,
)
from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError, change, run_module
from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_itl_reset
from ansible_collections.cucm.trust.plugins.module_utils.release import itl_signer_unit
from ansible_collections.cucm.trust.plugins.module_utils.trust_facts import summarize
from ansible_collections.cucm.trust.plugins.module_utils.trust_state import read_itl

ARGUMENT_SPEC = dict(
    key_source=dict(type="str", choices=["local", "remote"], default="local"),
    ccm_admin_password=dict(type="str", required=True, no_log=True),
    sftp_host=dict(type="str"),
    sftp_user=dict(type="str"),
    sftp_password=dict(type="str", no_log=True),
    p12_path=dict(type="str"),
    typed_answers=dict(type="bool", default=False),
    char_delay=dict(type="float", default=0.3),
)
REQUIRED_IF = [("key_source", "remote", ("sftp_host", "sftp_user", "sftp_password", "p12_path"))]


def reset_itl(module):
    params = module.params
    publisher = require_publisher(module, "ITL reset")
    version = release(module)
    command = reset_command(params["key_source"], params["sftp_host"], params["sftp_user"], params["p12_path"])
    result = dict(changed=True, command=command, commands=[command], release=version,
                  reset_signer_unit=expected_signer(version, params["key_source"]),
                  signer_after_next_tftp_restart=itl_signer_unit(version))

    if module.check_mode:
        activated = read_activated_nodes(module)
        tftp_nodes = activated.get(TFTP_SERVICE, []) if activated is not None else "unknown"
        result.update(tftp_nodes=tftp_nodes, stdout_lines=[],
                      next_steps=next_steps(version, tftp_nodes if activated is not None else [],
                                            params["key_source"]))
        return result

    reset = change(module, command, reset_questions(
        params["key_source"], params["ccm_admin_password"], params["sftp_password"],
        params["typed_answers"], params["char_delay"]), parse_itl_reset, progress=questions.ITL_RESET_PROGRESS)
    parsed = reset.parsed
    result.update(stdout=reset.output, stdout_lines=reset.output.splitlines(), tftp_nodes=parsed["tftp_servers"])
    if parsed["publisher_refused"]:
        raise CucmError("'%s' failed: CUCM answered that %s is not the publisher (%s)"
                        % (command, publisher["hostname"], " / ".join(parsed["errors"])), command,
                        reason="subscriber", output=reset.output, changed=False)

    nodes = node_results(parsed, publisher["hostname"])
    problem = delivery_problem(nodes, reset.errors)
    if problem:
        # A refused password or SFTP fetch stops CUCM before any node is touched.
        touched = any(n["transferred"] or n["tftp_restarted"] for n in nodes)
        raise CucmError("'%s': %s" % (command, problem), command, reason="incomplete", output=reset.output,
                        changed=touched, nodes=nodes, tftp_nodes=parsed["tftp_servers"])
    result.update(nodes=nodes, next_steps=next_steps(version, parsed["tftp_servers"], params["key_source"]))

    itl, itl_text = read_itl(module)
    summary = summarize(itl)
    signer = summary.get("signer") or {}
    result["signer_after"] = {"unit": signer.get("unit"), "common_name": signer.get("common_name")}
    problem = signer_problem(summary, version, params["key_source"])
    if problem:
        details = dict((k, v) for k, v in result.items() if k not in ("stdout", "stdout_lines", "command"))
        raise CucmError("'%s' reached every TFTP node, but %s" % (command, problem), command, reason="verify",
                        output=reset.output, show_itl_lines=itl_text.splitlines(), **details)
    if result["reset_signer_unit"] is None:
        module.warn("unknown release %r: the signer of the reset ITL could not be checked" % version)
    result["verified"] = True
    return result


def main():
    run_module(ARGUMENT_SPEC, reset_itl, required_if=REQUIRED_IF)


if __name__ == "__main__":
    main()
