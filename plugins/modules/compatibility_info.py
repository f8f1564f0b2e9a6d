#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: compatibility_info
short_description: Check read-only whether the collection understands everything a CUCM node prints
version_added: 0.1.0
author: cucm.trust maintainers (@cucm-trust)
description:
  - Types on the node every read command the other modules of the collection use, exactly as they type them, and
    parses each output with the collection's parser. Nothing else is typed and nothing is changed.
  - The commands, in order - C(show version active), C(show network cluster), C(utils service list), C(show itl),
    C(show ctl), and three C(run sql) queries - the C(ClusterSecurityMode) enterprise parameter, the activated
    services of every node, and the certificates with their trust roles.
  - For each command it returns the status - C(understood) (parsed, no line left over), C(partly) (parsed, with
    lines the parser skipped, in C(unparsed)), C(not_understood) (the parser stopped; C(error) quotes the line) or
    C(failed) (CUCM printed an error line, or the command did not come back to the prompt; C(error) says which) -
    with the parse or the error, and what CUCM printed.
  - An output that is not understood, or a command that fails, does not fail the task and does not stop the other
    commands - that is what the check is for. The task fails only when the connection cannot be used; the commands
    read until then are still returned.
  - The C(playbooks/compatibility_check.yml) playbook (role C(cucm.trust.compatibility_check)) runs it on every node
    with the C(cucm.trust.cucm) cliconf option C(transcript_dir) set and writes a bundle to send to the maintainers.
options: {}
extends_documentation_fragment:
  - cucm.trust.attributes
  - cucm.trust.attributes.INFO_MODULE
  - cucm.trust.cucm
seealso:
  - module: cucm.trust.trust_info
  - module: cucm.trust.cluster_info
"""

EXAMPLES = r"""
- name: Check that the collection understands what every node prints
  cucm.trust.compatibility_info:
  register: compatibility

- name: Show what was not understood
  ansible.builtin.debug:
    msg: "{{ item.command }}: {{ item.status }} - {{ item.error.message | default(item.unparsed | join(' / ')) }}"
  loop: "{{ compatibility.commands | rejectattr('status', 'eq', 'understood') }}"
  loop_control:
    label: "{{ item.name }}"

- name: Record every command's output too (cliconf transcript, secrets masked)
  cucm.trust.compatibility_info:
  vars:
    ansible_cucm_transcript_dir: "/tmp/cucm-transcripts/{{ inventory_hostname }}"
"""

RETURN = r"""
commands:
  description: One entry per command, in the order they were typed.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Short name of the command (C(show_itl), C(sql_cluster_security_mode) ...).
      type: str
      sample: show_itl
    command:
      description: The command as typed.
      type: str
      sample: show itl
    status:
      description: C(understood), C(partly), C(not_understood) or C(failed).
      type: str
      sample: understood
    parsed:
      description:
        - What the parser returned (the same data the other modules read), when the status is C(understood) or
          C(partly). A dict, or a list of rows for C(run sql).
      returned: when parsed
      type: raw
    unparsed:
      description: Lines the parser read past without understanding them (C(partly)); empty otherwise.
      type: list
      elements: raw
    error:
      description:
        - Why the output was not understood or the command failed. C(message) in plain words.
        - For C(not_understood) - C(reason), C(line) (the line the parser stopped at, as printed) and C(line_number)
          (counted from the first line after the command's echo); C(reason) is C(parser_bug) and C(line) null when the
          parser broke on the output with an unexpected error.
        - For C(failed) - C(kind) is C(error_line) (CUCM printed an error, listed in C(lines)) or C(dialog_stopped)
          (C(reason) C(timeout), C(closed), C(unexpected_question) ..., C(connection) when the connection could not
          be used, C(not_run) for the commands not typed after that).
      returned: when the status is not_understood or failed
      type: dict
      sample:
        message: "unexpected line in show itl output at line 9: 'Parse ITL File v2'"
        reason: unexpected line in show itl output
        line: Parse ITL File v2
        line_number: 9
    output:
      description: What CUCM printed, the command's echo and the prompt removed (nothing is typed that needs masking).
      type: str
understood:
  description: Number of outputs understood.
  returned: always
  type: int
  sample: 8
total:
  description: Number of commands typed (or attempted).
  returned: always
  type: int
  sample: 8
statuses:
  description: Number of commands per status.
  returned: always
  type: dict
  sample: {understood: 7, partly: 0, not_understood: 1, failed: 0}
summary:
  description: C(N of M outputs understood).
  returned: always
  type: str
  sample: 8 of 8 outputs understood
hostname:
  description: The node's host name from C(show network cluster), null when that output was not understood.
  returned: always
  type: str
  sample: cucm-pub
role:
  description: C(publisher) or C(subscriber) from C(show network cluster), null when not understood.
  returned: always
  type: str
  sample: publisher
release:
  description: The active version from C(show version active), null when not understood.
  returned: always
  type: str
  sample: 14.0.1.13900-155
"""

from ansible_collections.cucm.trust.plugins.module_utils._compatibility import check_node
from ansible_collections.cucm.trust.plugins.module_utils.cucm import run_module


def check(module):
    return dict(check_node(module), changed=False)


def main():
    run_module({}, check)


if __name__ == "__main__":
    main()
