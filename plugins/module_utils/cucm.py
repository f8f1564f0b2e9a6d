# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The runtime every cucm.trust module runs on.

* ``run_module`` is every module's ``main()``: it builds the AnsibleModule, calls the module's
  work function and turns a ``CucmError`` into ``fail_json``.
* ``read`` runs a read command and parses it; ``change`` runs a command whose questions are
  answered by the cliconf dialog and parses what CUCM printed. ``send`` is what both use.
* ``CucmError`` is the one failure type of the collection's modules.

The contract with ``plugins/cliconf/cucm.py`` (its ``dialog`` RPC): every command goes through
it and it returns a dict

``output``    what CUCM printed, echo and prompt removed, secrets masked;
``answered``  the names of the questions answered, in order;
``errors``    the lines of ``output`` that mean the command failed (``Executed command
              unsuccessfully``...);
``failure``   None, or ``{"reason", "message", "host"}`` when the dialog had to stop: a
              question nobody answers (``unexpected_question``), questions out of the script's
              order (``out_of_order``), a question asked again (``asked_again``), an unknown
              warning before a confirmation (``unknown_warning``), a refused value (``guard``),
              a pager in a change (``pager``), no prompt in time (``timeout``), the session
              closed (``closed``).

It raises only when the connection itself cannot be used (the module then receives a
ConnectionError with a plain message).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from collections import namedtuple

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.connection import Connection, ConnectionError

from ansible_collections.cucm.trust.plugins.module_utils.parsers import ParserError

# Why a dialog stopped (``failure.reason`` from the cliconf plugin), for the operator.
DIALOG_REASONS = {
    "unexpected_question": "CUCM asked a question this task does not answer, so nothing was typed",
    "out_of_order": "CUCM asked its questions in an order this task does not know, so nothing more was typed",
    "unknown_warning": "CUCM printed a warning this task does not know before asking to confirm, so it did not "
                       "confirm",
    "pager": "CUCM paged the output although the session turned pagination off",
    "asked_again": "CUCM asked the same question again after it was answered, so the answer was "
                   "refused (a wrong password?)",
    "guard": "the task refused to answer because a value CUCM showed was not an expected one",
    "timeout": "CUCM did not come back to the prompt within ansible_command_timeout; raise it for "
               "this task (the command may still be running on the node)",
    "closed": "the SSH session closed while the command was running: CUCM may have finished it or "
              "stopped part-way, so read the state (itl_info, ctl_info, cluster_info) before running it again",
}

_PROMPT_LINE = re.compile(r"(?:^|\n)\s*admin:\s*$")
_FAILURE_TRAILER = re.compile(r"^Executed command unsuccessfully\.?$", re.I)

Change = namedtuple("Change", "parsed output errors")


class CucmError(Exception):
    """A task that cannot go on: a command failed, CUCM said no, or a check found the result wrong.

    ``message``  what went wrong, in plain words (the task's ``msg``; the action plugin puts the
                 inventory host name in front);
    ``command``  the CLI command concerned, None when the module refused before typing one;
    ``reason``   a keyword returned as ``failure_reason`` (``subscriber``, ``verify``,
                 ``timeout``, ``parse``...);
    ``output``   what the CLI printed for the command (already masked), returned as ``stdout``;
    ``host``     the node, when the connection named it;
    ``details``  extra keys for the failed result (e.g. the per-node outcome of an ITL reset).
    """

    def __init__(self, message, command=None, reason="failed", output="", host=None, **details):
        super(CucmError, self).__init__(message)
        self.message = message
        self.command = command
        self.reason = reason
        self.output = output or ""
        self.host = host
        self.details = details

    def __str__(self):
        return self.message

    def fail(self, module):
        """``fail_json`` with the message, ``failure_reason``, ``command``, the CLI output and the details."""
        result = dict(self.details)
        result["failure_reason"] = self.reason
        if self.command is not None:
            result["command"] = self.command
        if self.output:
            result["stdout"] = self.output
            result["stdout_lines"] = self.output.splitlines()
        module.fail_json(msg=self.message, **result)


def command_failed(command, detail, reason="failed", output="", host=None):
    """The CucmError of a command that failed: ``'<command>' failed: <why>. <detail>``."""
    if reason in DIALOG_REASONS:
        detail = "%s. %s" % (DIALOG_REASONS[reason], detail)
    return CucmError("'%s' failed: %s" % (command, detail), command, reason, output, host)


def run_module(argument_spec, work, **module_options):
    """Every module's ``main()``: ``work(module)`` returns the result dict."""
    module_options.setdefault("supports_check_mode", True)
    module = AnsibleModule(argument_spec=argument_spec, **module_options)
    try:
        result = work(module)
    except CucmError as exc:
        exc.fail(module)
        return
    module.exit_json(**result)


def connection(module):
    """The network_cli connection of the task (one per module run)."""
    if not hasattr(module, "_cucm_connection"):
        module._cucm_connection = Connection(module._socket_path)
    return module._cucm_connection


def device_info(module):
    """``network_os_version`` / ``network_os_hostname`` / ``network_os_role`` of the node; the
    cliconf plugin reads them once per session."""
    try:
        return connection(module).get_device_info()
    except ConnectionError as exc:
        raise command_failed("show version active", clean_cli_message(exc), reason="connection")


def send(module, command, questions=(), timeout=None, reuse=False, progress=(), pages=True):
    """Run ``command`` through the cliconf ``dialog`` RPC; its reply dict (see above).

    ``questions`` are ``module_utils.questions`` specs, in the order CUCM asks them; with none,
    any question fails the command. ``reuse`` takes this session's earlier output of the same
    command instead of typing it again (only for outputs that cannot change during a play).
    ``progress``: lines the command prints while it works (``questions.*_PROGRESS``). ``pages``:
    turn the pages of a pager (reads); a change quits it and fails. Warnings the task accepts
    before a confirmation come from its ``accept_warnings`` option. A stopped dialog raises
    CucmError with its reason and the transcript so far.
    """
    accept = module.params.get("accept_warnings") or []
    try:
        reply = connection(module).dialog(command=command, questions=list(questions), timeout=timeout,
                                          reuse=reuse, progress=list(progress), accept_warnings=accept,
                                          pages=pages)
    except ConnectionError as exc:
        raise command_failed(command, clean_cli_message(exc), reason="connection")
    failure = reply.get("failure")
    if failure:
        raise command_failed(command, failure["message"], failure["reason"], reply["output"], failure.get("host"))
    return reply


def parse(parser, text, command):
    """``parser(text)``; a ParserError becomes a CucmError quoting the line it could not read."""
    try:
        return parser(text)
    except ParserError as exc:
        raise command_failed(command, "cannot read the output: %s" % exc, reason="parse", output=text)


def read(module, command, parser, reuse=False):
    """Run a read command and parse it: ``(parsed, output)``.

    A read that CUCM reports as failed (an error line) raises CucmError with what it printed.
    Lines a tolerant parser could not place (its ``unparsed`` list) become a warning.
    """
    reply = send(module, command, reuse=reuse)
    if reply["errors"]:
        raise command_failed(command, clean_cli_message(reply["output"]), output=reply["output"])
    parsed = parse(parser, reply["output"], command)
    unparsed = parsed.get("unparsed") if isinstance(parsed, dict) else None
    if unparsed:
        # Lines a tolerant parser set aside: never data, but the operator (and we) should see them.
        module.warn("'%s': %d line(s) of the output were not understood and were ignored: %s"
                    % (command, len(unparsed), " / ".join(repr(line) for line in unparsed[:5])))
    return parsed, reply["output"]


def change(module, command, questions, parser, timeout=None, progress=()):
    """Run a state-changing command, answering ``questions``: a ``Change``.

    ``parsed`` is ``parser(output)``; ``errors`` holds every error line once: the cause CUCM
    printed before a failure trailer, the parser's (it reads failure sentences) and the ones the
    connection flagged, in that order. The
    caller decides what they mean: only it knows which effect to verify. A pager is quit, not
    paged through: its key could be taken for an answer.
    """
    reply = send(module, command, questions, timeout, progress=progress, pages=False)
    parsed = parse(parser, reply["output"], command)
    errors = unique_lines(causes(reply["output"]) + list(parsed.get("errors") or []) + list(reply["errors"]))
    return Change(parsed, reply["output"], errors)


def causes(output):
    """The line CUCM printed just before each ``Executed command unsuccessfully``: the reason it
    gives (an SFTP error, a refused password), which the trailer alone does not say."""
    lines = [line.strip() for line in output.splitlines()]
    found = []
    for index, line in enumerate(lines):
        if _FAILURE_TRAILER.match(line):
            before = [earlier for earlier in lines[:index] if earlier and not _FAILURE_TRAILER.match(earlier)]
            if before:
                found.append(before[-1])
    return found


def unique_lines(lines):
    """Lines without repeats, whitespace squeezed: a parser and the connection may flag the same line."""
    seen = []
    for line in lines:
        line = " ".join(line.split())
        if line and line not in seen:
            seen.append(line)
    return seen


def clean_cli_message(text):
    """A network_cli or CLI message made readable: bytes reprs, CRLF and trailing prompts removed."""
    text = to_text(text, errors="surrogate_then_replace")
    match = re.match(r"^b(['\"])(.*)\1$", text, re.S)
    if match:
        text = match.group(2).encode("latin-1", "backslashreplace").decode("unicode_escape", "replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _PROMPT_LINE.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line.strip()).strip()
