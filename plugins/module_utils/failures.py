# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How the state-changing modules fail: in plain words, with what CUCM printed.

Two kinds of failure reach ``main()``: a ``CliError`` (a command failed, or the dialog that
answers its questions stopped) and a ``TaskFailed`` (the module refused to act, or checked
the result and found it wrong). Both end in ``fail_json`` with ``msg``, the masked
``stdout_lines`` and any structured details; the action plugin puts the host name in front.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cucm.trust.plugins.module_utils.cucm import CliError

# Why a dialog stopped (CliError.reason from the cliconf ``dialog`` RPC), for the operator.
DIALOG_REASONS = {
    "unexpected_question": "CUCM asked a question this task does not answer, so nothing was typed",
    "asked_again": "CUCM asked the same question again after it was answered, so the answer was "
                   "refused (a wrong password?)",
    "guard": "the task refused to answer because a value CUCM showed was not an expected one",
    "timeout": "CUCM did not come back to the prompt within ansible_command_timeout; raise it for "
               "this task (the command may still be running on the node)",
    "closed": "the SSH session closed while the command was running: CUCM may have finished it or "
              "stopped part-way, so read the state (itl_info, ctl_info, cluster_info) before running it again",
}


class TaskFailed(Exception):
    """The module refused to act or found the result wrong.

    ``reason`` is a short keyword (``subscriber``, ``not_mixed``, ``verify``...) returned as
    ``failure_reason``, ``output`` what the CLI printed for the command concerned (already
    masked), ``details`` extra keys for the failure result (e.g. the per-node outcome of an ITL
    reset).
    """

    def __init__(self, message, reason="failed", output="", **details):
        super(TaskFailed, self).__init__(message)
        self.message = message
        self.reason = reason
        self.output = output
        self.details = details


def unique_lines(lines):
    """Error lines without repeats, whitespace squeezed: the dialog and a parser may both quote
    the same line."""
    seen = []
    for line in lines:
        line = " ".join(line.split())
        if line and line not in seen:
            seen.append(line)
    return seen


def failure_message(exc):
    """The text of ``msg`` for a CliError or TaskFailed."""
    if isinstance(exc, CliError) and exc.reason in DIALOG_REASONS:
        return "'%s' failed: %s. %s" % (exc.command, DIALOG_REASONS[exc.reason], exc.message)
    return str(exc)


def fail(module, exc, **extra):
    """``fail_json`` for a CliError or TaskFailed."""
    result = dict(extra)
    if isinstance(exc, TaskFailed):
        result.update(exc.details)
    result["failure_reason"] = exc.reason
    if exc.output:
        result["stdout"] = exc.output
        result["stdout_lines"] = exc.output.splitlines()
    module.fail_json(msg=failure_message(exc), **result)
