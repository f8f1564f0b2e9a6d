# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Connection notes shared by every module that talks to a CUCM node.
    DOCUMENTATION = r"""
options: {}
notes:
  - Runs over C(ansible_connection=ansible.netcommon.network_cli) with C(ansible_network_os=cucm.trust.cucm),
    logging in to the CUCM platform (OS) administrator CLI. One SSH session per host is kept open for the
    whole play.
  - The CUCM CLI can take a long time to start (over 60 seconds on slow nodes); set C(ansible_command_timeout)
    and C(ansible_connect_timeout) above that, see the collection README.
  - Host key checking stays on by default; add the nodes' keys to C(~/.ssh/known_hosts) first.
"""

    # Modules whose command asks questions (answered by the cliconf dialog mechanism).
    DIALOG = r"""
options: {}
notes:
  - The questions the command asks are answered through the C(cucm.trust.cucm) cliconf dialog mechanism, as an
    ordered script - an answer is typed only at the question the script is at, each expected question once. A
    question the task does not expect (however it ends - with C(?), C(:), a line break or nothing - once CUCM waits
    at it for a few seconds), questions in another order, or a question asked again (for example after a wrong
    password) fail the task quoting CUCM, without typing anything more. Secret answers never appear in the output,
    the logs or the connection history, even at C(-vvvv).
  - On failure the result says in plain words why the dialog stopped (C(failure_reason) is one of
    C(unexpected_question), C(out_of_order), C(asked_again), C(unknown_warning), C(guard), C(pager), C(timeout),
    C(closed)) and C(stdout_lines) holds what CUCM printed until then, secrets masked.
"""

    # Modules whose command asks CUCM's confirmation after a warning.
    CONFIRM = r"""
options:
  accept_warnings:
    description:
      - Warnings CUCM may print before its confirmation question that this task accepts, each given as part of the
        sentence (case-insensitive), for example C(DNS is not configured).
      - The task confirms only when every sentence CUCM printed before the question is one it knows (the wording of
        Cisco's documentation for this command) or contains one of these; otherwise it fails quoting the warning and
        types nothing. Read the warning first, then list it here if going on is right.
    type: list
    elements: str
    default: []
"""
