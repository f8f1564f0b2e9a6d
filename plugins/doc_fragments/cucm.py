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
  - The questions the command asks are answered through the C(cucm.trust.cucm) cliconf dialog mechanism. Each
    expected question is answered once. A question the task does not expect fails the task quoting it, without
    answering; a question asked again (for example after a wrong password) fails the task too. Secret answers
    never appear in the output, the logs or the connection history, even at C(-vvvv).
  - On failure the result says in plain words why the dialog stopped (C(failure_reason) is one of
    C(unexpected_question), C(asked_again), C(guard), C(timeout), C(closed)) and C(stdout_lines) holds what CUCM
    printed until then, secrets masked.
"""
