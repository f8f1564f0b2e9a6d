#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: service
short_description: Restart, start or stop a service on a CUCM node and wait until it is there
version_added: 0.1.0
author: cucm.trust maintainers (@cucm-trust)
description:
  - Runs C(utils service restart <name>), C(utils service start <name>) or C(utils service stop <name>) on the node
    the task runs on.
  - Reads C(utils service list) first. Fails on a service the list does not name (suggesting close names) or one
    that is not activated on the node, quoting CUCM's line (C(Cisco DirSync[STOPPED]  Service Not Activated)).
    Does nothing when the service already is started (O(state=started)) or stopped (O(state=stopped)).
  - Some nodes never print C([STARTED]) while restarting, so the module then polls C(utils service list) until the
    service shows the target state, for at most O(wait_timeout) seconds.
  - Restart services that carry phones (Cisco CallManager, Cisco Tftp, Cisco Trust Verification Service) one node at
    a time (a play with C(serial) 1), so some node always answers the phones.
options:
  name:
    description: Service name as C(utils service list) prints it, for example C(Cisco Tftp) or C(Cisco CallManager).
    type: str
    required: true
  state:
    description:
      - C(restarted) always restarts. C(started) and C(stopped) act only when the service is not in that state yet.
    type: str
    choices: [restarted, started, stopped]
    required: true
  wait_timeout:
    description: Seconds to wait, after the command returned, for C(utils service list) to show the target state.
    type: int
    default: 300
  poll_interval:
    description: Seconds between two reads of C(utils service list) while waiting.
    type: int
    default: 5
extends_documentation_fragment:
  - cucm.trust.attributes
  - cucm.trust.attributes.STATE_MODULE
  - cucm.trust.cucm
attributes:
  check_mode:
    support: full
    details:
      - Reads the service list and reports what it would do; types no state-changing command.
  diff_mode:
    support: full
  idempotent:
    support: full
    details:
      - For O(state=started) and O(state=stopped). O(state=restarted) restarts on every run.
notes:
  - C(utils service restart) keeps printing while the service stops and starts; a Cisco CallManager restart can take
    minutes. Set C(ansible_command_timeout) for this task, for example C(300).
  - Any question the command asks fails the task, quoting it; nothing is answered.
seealso:
  - module: cucm.trust.cluster_info
  - module: cucm.trust.security_mode
"""

EXAMPLES = r"""
# In a play with "serial: 1" over the TFTP nodes, so one node restarts at a time.
- name: Restart Cisco Tftp
  cucm.trust.service:
    name: Cisco Tftp
    state: restarted
  vars:
    ansible_command_timeout: 300

- name: Make sure the Trust Verification Service runs
  cucm.trust.service:
    name: Cisco Trust Verification Service
    state: started
"""

RETURN = r"""
name:
  description: The service.
  returned: always
  type: str
  sample: Cisco Tftp
state_before:
  description: State in C(utils service list) before the task (C(STARTED), C(STOPPED), ...).
  returned: always
  type: str
  sample: STARTED
state_after:
  description: State in C(utils service list) at the end; in check mode, the state the task would reach.
  returned: always
  type: str
  sample: STARTED
transitions:
  description: States the command printed for the service, in order, repeats kept.
  returned: always
  type: list
  elements: str
  sample: [STOPPING, STOPPING, STARTING, STARTED]
polls:
  description: How many times C(utils service list) was read while waiting.
  returned: when the command ran
  type: int
command:
  description: The command typed (or that would be typed in check mode); null when nothing had to change.
  returned: always
  type: str
  sample: utils service restart Cisco Tftp
commands:
  description: Commands that changed state (or would, in check mode).
  returned: always
  type: list
  elements: str
stdout_lines:
  description: What CUCM printed for the command (empty when nothing ran).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.cucm.trust.plugins.module_utils._service import (
    TARGET_STATES,
    close_names,
    listed_line,
    needs_action,
    service_command,
    wait_for_state,
)
from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import SERVICE_LIST, read_services
from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError, change, run_module
from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_service_control

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", choices=["restarted", "started", "stopped"], required=True),
    wait_timeout=dict(type="int", default=300),
    poll_interval=dict(type="int", default=5),
)


def check_service(name, services, text):
    """The service's ``{state, activated}``; CucmError unless it is listed and activated."""
    entry = services.get(name)
    if entry is None:
        close = close_names(name, list(services))
        raise CucmError("'%s' is not a service on this node: %s does not list it%s"
                        % (name, SERVICE_LIST, "; close names: %s" % ", ".join(close) if close else ""),
                        SERVICE_LIST, reason="unknown_service", output=text)
    if not entry["activated"]:
        raise CucmError("'%s' is not activated on this node; %s says: %s"
                        % (name, SERVICE_LIST, listed_line(text, name)), SERVICE_LIST, reason="not_activated",
                        output=text)
    return entry


def manage_service(module):
    params = module.params
    name, state = params["name"], params["state"]
    if params["poll_interval"] < 1 or params["wait_timeout"] < 0:
        raise CucmError("poll_interval must be at least 1 and wait_timeout not negative", reason="arguments")
    before = check_service(name, *read_services(module))["state"]
    target = TARGET_STATES[state]
    result = dict(changed=False, name=name, state_before=before, state_after=before, transitions=[],
                  command=None, commands=[], stdout_lines=[])
    if not needs_action(state, before):
        return result

    command = service_command(state, name)
    result.update(changed=True, command=command, commands=[command])
    if module._diff:
        result["diff"] = {"before": {"state": before}, "after": {"state": target}}
    if module.check_mode:
        result["state_after"] = target
        return result

    # No question is expected: the dialog mechanism then fails on any question, quoting it.
    control = change(module, command, [], parse_service_control)
    transitions = control.parsed["transitions"]
    result.update(stdout=control.output, stdout_lines=control.output.splitlines(), transitions=transitions)
    if control.errors:
        raise CucmError("'%s' failed: CUCM printed: %s" % (command, " / ".join(control.errors)), command,
                        reason="cli_error", output=control.output, changed=True, transitions=transitions)

    def current_state():
        entry = read_services(module)[0].get(name)
        return entry["state"] if entry else None

    after, polls, reached = wait_for_state(current_state, target, params["wait_timeout"], params["poll_interval"])
    result.update(state_after=after, polls=polls)
    if not reached:
        raise CucmError("'%s' returned, but %s still shows %s as %s after %s seconds (wanted %s)"
                        % (command, SERVICE_LIST, name, after, params["wait_timeout"], target), command,
                        reason="timeout", output=control.output, changed=True, state_before=before,
                        state_after=after, transitions=transitions, polls=polls)
    return result


def main():
    run_module(ARGUMENT_SPEC, manage_service)


if __name__ == "__main__":
    main()
