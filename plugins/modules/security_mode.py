#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: security_mode
short_description: Put a CUCM cluster in mixed mode (tokenless CTL) or back to non-secure mode
version_added: 0.1.0
author: cucm.trust maintainers (@cucm-trust)
description:
  - Reads the C(ClusterSecurityMode) enterprise parameter and, when it differs from O(state), runs
    C(utils ctl set-cluster mixed-mode) or C(utils ctl set-cluster non-secure-mode) on the publisher, answering
    C(Do you want to continue? (y/n)) with C(y).
  - Reads C(ClusterSecurityMode) again afterwards and fails if it did not change.
  - Returns the service restarts CUCM asks for (C(Please Restart the TFTP and Cisco CallManager services on all nodes
    in the cluster that run these services), later releases also Cisco CTIManager), each with the nodes that have
    the service activated according to the database. Restart them one node at a time, then reset all phones.
  - Refuses on a subscriber. Reports CUCM's refusal for lack of export-controlled licensing (11.5(1)SU3 and later)
    as a failure, and its auto-registration warning as a warning.
options:
  state:
    description: C(mixed) (encrypted signalling and media possible, CTL file on every node) or C(non_secure).
    type: str
    choices: [mixed, non_secure]
    required: true
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
      - Reads the mode and reports whether it would change and the restarts CUCM is expected to ask for; types no
        state-changing command.
  diff_mode:
    support: full
  idempotent:
    support: full
notes:
  - Runs on the publisher only. Preconditions (Cisco's article CUCM Mixed Mode with Tokenless CTL) - every node
    reachable (CUCM copies the CTL to every node over SFTP), database replication healthy, devices that support
    Security By Default (Jabber, many TelePresence units and 7940/7960 phones do not).
  - The command usually returns within a minute; set C(ansible_command_timeout) to C(300) for this task on slow
    clusters.
seealso:
  - module: cucm.trust.ctl_info
  - module: cucm.trust.ctl_update
  - module: cucm.trust.service
"""

EXAMPLES = r"""
- name: Put the cluster in mixed mode
  cucm.trust.security_mode:
    state: mixed
  vars:
    ansible_command_timeout: 300
  register: mode

- name: Restart what CUCM asked for, one node at a time
  ansible.builtin.debug:
    msg: "restart {{ item.service }} on {{ item.nodes | join(', ') }}"
  loop: "{{ mode.required_restarts }}"
"""

RETURN = r"""
security_mode:
  description: C(ClusterSecurityMode) after the task (C(mixed) or C(non_secure)); in check mode, the mode it would set.
  returned: always
  type: str
  sample: mixed
security_mode_before:
  description: C(ClusterSecurityMode) before the task.
  returned: always
  type: str
  sample: non_secure
command:
  description: The command typed (or that would be typed in check mode); null when nothing had to change.
  returned: always
  type: str
  sample: utils ctl set-cluster mixed-mode
commands:
  description: Commands that changed state (or would, in check mode).
  returned: always
  type: list
  elements: str
required_restarts:
  description:
    - Services to restart and the nodes that have them activated. After a run - from CUCM's reminder. In check
      mode - predicted from the release. Empty when nothing changed.
  returned: always
  type: list
  elements: dict
  contains:
    service:
      description: Service name as C(utils service) spells it.
      type: str
    nodes:
      description: Nodes with the service activated (null when the database could not be read).
      type: list
      elements: str
  sample:
    - {service: Cisco Tftp, nodes: [cucm-pub, cucm-sub1]}
    - {service: Cisco CallManager, nodes: [cucm-pub, cucm-sub1]}
reset_phones:
  description: CUCM reminded to reset all phones so they get the updated CTL.
  returned: when the command ran
  type: bool
auto_registration_warning:
  description: CUCM warned that auto-registration is enabled on at least one CallManager node.
  returned: when the command ran
  type: bool
stdout_lines:
  description: What CUCM printed for the command (empty when nothing ran).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.cucm.trust.plugins.module_utils import questions
from ansible_collections.cucm.trust.plugins.module_utils._ctl_commands import (
    MODE_COMMANDS,
    outcome_problem,
    predicted_restarts,
    required_restarts,
)
from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import (
    read_activated_nodes,
    read_security_mode,
    release,
    require_publisher,
)
from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError, change, run_module
from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_utils_ctl

ARGUMENT_SPEC = dict(
    state=dict(type="str", choices=["mixed", "non_secure"], required=True),
    accept_warnings=dict(type="list", elements="str", default=[]),
)


def set_security_mode(module):
    state = module.params["state"]
    require_publisher(module, "changing the cluster security mode")
    before = read_security_mode(module)
    result = dict(changed=before != state, security_mode=before, security_mode_before=before,
                  command=None, commands=[], required_restarts=[], stdout_lines=[])
    if module._diff:
        result["diff"] = {"before": {"security_mode": before}, "after": {"security_mode": state}}
    if before == state:
        return result

    command = MODE_COMMANDS[state]
    activated = read_activated_nodes(module)
    result.update(command=command, commands=[command], security_mode=state)
    if module.check_mode:
        result["required_restarts"] = required_restarts(predicted_restarts(release(module)), activated)
        return result

    mode_change = change(module, command, [questions.continue_yes()], parse_utils_ctl)
    parsed, output = mode_change.parsed, mode_change.output
    result.update(stdout=output, stdout_lines=output.splitlines(), reset_phones=parsed["reset_phones"],
                  auto_registration_warning=parsed["auto_registration_warning"])
    reason, problem = outcome_problem(parsed, mode_change.errors)
    if problem:
        raise CucmError("'%s' failed: %s" % (command, problem), command, reason=reason, output=output,
                        changed=reason != "licence")
    if parsed["auto_registration_warning"]:
        module.warn("CUCM warned: 'Auto-registration is enabled on at least one CM node.' Check that "
                    "auto-registration is still wanted now that the cluster is in mixed mode")

    after = read_security_mode(module)
    result["security_mode"] = after
    if after != state:
        raise CucmError("'%s' ran, but ClusterSecurityMode still says %s" % (command, after), command,
                        reason="verify", output=output, changed=True)

    services = parsed["restart_services"]
    if not services:
        services = predicted_restarts(release(module))
        module.warn("CUCM printed no restart reminder; listing the restarts a security mode change "
                    "needs: %s" % ", ".join(services))
    result["required_restarts"] = required_restarts(services, activated)
    return result


def main():
    run_module(ARGUMENT_SPEC, set_security_mode)


if __name__ == "__main__":
    main()
