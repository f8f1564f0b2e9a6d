# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = """
author: cucm.trust maintainers (@cucm-trust)
name: cucm
short_description: Terminal plugin for the Cisco Unified Communications Manager admin CLI
description:
  - Recognises the C(admin:) prompt of the CUCM platform CLI and its error markers, and turns
    automatic pagination off when the shell opens.
  - The prompt is matched only at the start of a line and the end of the buffer, never with a
    generic C(word:) pattern, because every question the CLI asks also ends in a colon.
version_added: 0.1.0
"""

import re

from ansible.errors import AnsibleConnectionFailure
from ansible.module_utils.common.text.converters import to_text
from ansible_collections.ansible.netcommon.plugins.plugin_utils.terminal_base import TerminalBase


# The prompt is `admin:` whatever the login name. It may be redrawn (`admin:\r\n\radmin:`) and
# lines may carry a stray lone CR, hence the optional `\r` after the line break.
PROMPT_RE = re.compile(rb"(?:^|[\r\n])\r*admin: ?$")

# Lines that mean the command failed. `Executed command unsuccessfully` is printed with and
# without a final period. Output such as `Error parsing the CTL File.` is NOT here: `show ctl`
# prints it when no CTL exists, which is a state to report, not a failure.
ERROR_RES = [
    re.compile(rb"Executed command unsuccessfully"),
    re.compile(rb"(?:^|[\r\n])\r*Invalid command", re.I),
    re.compile(rb"(?:^|[\r\n])\r*-bash: "),
]


# A stale prompt can make the first try answer nothing; a real answer ends the tries at once.
PAGINATION_ATTEMPTS = 3


class TerminalModule(TerminalBase):
    terminal_stdout_re = [PROMPT_RE]

    terminal_stderr_re = ERROR_RES

    # Some nodes draw the first prompt only after a newline is sent: answer the welcome line
    # with an empty line. On nodes that draw it anyway this only adds a redrawn prompt, which
    # the cliconf plugin drains before the first command.
    terminal_initial_prompt = [rb"Welcome to the Platform Command Line Interface"]
    terminal_initial_answer = [b""]
    terminal_inital_prompt_newline = True

    def on_open_shell(self):
        # The empty line sent at the welcome line can leave a redrawn prompt in the buffer: the
        # command then "answers" at once with nothing, and its real answer is still on its way.
        # Read it by sending an empty line (not the command again, whose second answer would be
        # taken for the output of the first real command); only a bare prompt is left over, which
        # the cliconf plugin drains before the first command.
        answers = []
        command = b"set cli pagination off"
        for _attempt in range(PAGINATION_ATTEMPTS):
            try:
                response = self._exec_cli_command(command)
            except AnsibleConnectionFailure as exc:
                raise AnsibleConnectionFailure("unable to turn CLI pagination off: %s" % exc)
            answers.append(response)
            if "pagination is turned off" in to_text(response, errors="surrogate_then_replace").lower():
                return
            if response.strip():
                break  # a real answer that is not the confirmation: do not insist
            command = b""
        raise AnsibleConnectionFailure(
            "unable to turn CLI pagination off; 'set cli pagination off' answered: %s"
            % " / then: ".join(repr(answer) for answer in answers)
        )
