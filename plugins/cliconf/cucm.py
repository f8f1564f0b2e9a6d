# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = """
author: cucm.trust maintainers (@cucm-trust)
name: cucm
short_description: Cliconf plugin for the Cisco Unified Communications Manager admin CLI
description:
  - Runs commands on the CUCM platform CLI over C(ansible.netcommon.network_cli) and answers the
    questions some commands ask through one dialog mechanism (RPC C(dialog)).
  - At the start of each task it discards output left over from an earlier command (for example
    after a command timeout) and makes sure the CLI is back at the C(admin:) prompt; a session that
    stays busy or waits at a question is dropped and reopened rather than answered blindly.
  - Answers flagged as secret are sent without being logged, recorded in the connection history or
    shown in any output, including at C(-vvvv). Note that C(persistent_log_messages) logs raw
    traffic; secrets are not echoed by CUCM, but keep that option off in production.
version_added: 0.1.0
options:
  transcript_dir:
    description:
      - Write what every command printed to C(<transcript_dir>/<host>.jsonl) (C(<host>_<port>.jsonl) when the SSH
        port is not 22), one JSON object per command -
        C(time), C(host), C(command), C(output) (what CUCM printed, the command's echo and the prompt removed),
        C(answered) (the questions answered, by name), C(errors) and C(failure).
      - Answers marked secret (passwords) are masked as C(********) before anything is written, like everywhere
        else; the commands themselves are written as typed.
      - Meant for trying the collection on a new cluster and sending us what it printed (see the
        C(playbooks/compatibility_check.yml) playbook); off when unset.
    type: path
    env:
      - name: CUCM_TRUST_TRANSCRIPT_DIR
    vars:
      - name: ansible_cucm_transcript_dir
"""

import datetime
import json
import os
import re
import time

from ansible.errors import AnsibleConnectionFailure
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible_collections.ansible.netcommon.plugins.module_utils.network.common.utils import to_list
from ansible_collections.ansible.netcommon.plugins.plugin_utils.cliconf_base import CliconfBase
from ansible_collections.cucm.trust.plugins.module_utils.parsers import (
    ParserError,
    parse_show_network_cluster,
    parse_show_version_active,
)
from ansible_collections.cucm.trust.plugins.plugin_utils._dialog import (
    Dialog,
    DialogFailed,
    Question,
)
from ansible_collections.cucm.trust.plugins.plugin_utils._shell_channel import (
    ChannelClosed,
    ShellChannel,
)
from ansible_collections.cucm.trust.plugins.terminal.cucm import PROMPT_RE

from ansible.module_utils.six.moves.collections_abc import Mapping

ANSI_RE = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
RESYNC_TIMEOUT = 10.0
# Silence after a question-like line before a command counts as stuck at a question: short
# while a dialog expects questions, longer for a command that asks none.
DIALOG_QUESTION_IDLE = 3.0
PLAIN_QUESTION_IDLE = 10.0
READ_SLICE = 0.2


class Cliconf(CliconfBase):
    __rpc__ = CliconfBase.__rpc__ + ["dialog", "run_commands", "get_device_info"]

    def __init__(self, *args, **kwargs):
        super(Cliconf, self).__init__(*args, **kwargs)
        self._device_info = {}
        # command -> dialog result, for outputs that cannot change during a play (``reuse``)
        self._reusable = {}

    # -- plain commands -------------------------------------------------------------------
    def get(self, command=None, prompt=None, answer=None, sendonly=False, newline=True,
            output=None, check_all=False):
        if not command:
            raise ValueError("must provide value of command to execute")
        if output:
            raise ValueError("'output' value %s is not supported for get" % output)
        if prompt is not None or answer is not None or sendonly or not newline:
            # cli_command with its own prompt/answer: network_cli's send handles that contract.
            return self.send_command(command=command, prompt=prompt, answer=answer,
                                     sendonly=sendonly, newline=newline, check_all=check_all)
        # Plain commands go through the same loop as dialogs: the prompt only counts once the
        # command's own echo has been seen, so a late redrawn prompt cannot end it early.
        result = self.dialog(command)
        if result["failure"]:
            raise AnsibleConnectionFailure("%s\n%s" % (result["failure"]["message"], result["output"]))
        if result["errors"]:
            raise AnsibleConnectionFailure(result["output"])
        return result["output"]

    def run_commands(self, commands=None, check_rc=True):
        if commands is None:
            raise ValueError("'commands' value is required")
        responses = []
        for cmd in to_list(commands):
            if not isinstance(cmd, Mapping):
                cmd = {"command": cmd}
            if cmd.pop("output", None):
                raise ValueError("'output' is not supported by the cucm cliconf plugin")
            try:
                out = self.get(**cmd)
            except AnsibleConnectionFailure as exc:
                if check_rc:
                    raise
                out = getattr(exc, "err", to_text(exc))
            responses.append(out)
        return responses

    def get_config(self, source="running", flags=None, format=None):
        raise ValueError("CUCM has no configuration to read over its CLI; use the *_info modules")

    def edit_config(self, candidate=None, commit=True, replace=None, comment=None):
        raise ValueError("CUCM has no configuration mode; use the cucm.trust modules")

    # -- device facts ---------------------------------------------------------------------
    def get_device_info(self):
        if not self._device_info:
            info = {"network_os": "cucm.trust.cucm"}
            try:
                version = parse_show_version_active(self._reused_output("show version active"))
                info["network_os_version"] = version["version"]
                cluster = parse_show_network_cluster(self._reused_output("show network cluster"))
            except ParserError as exc:
                raise AnsibleConnectionFailure("cannot identify the CUCM node: %s" % exc)
            for node in cluster["nodes"]:
                if node["local"]:
                    info["network_os_hostname"] = node["hostname"]
                    info["network_os_role"] = node["role"]
            self._device_info = info
        return self._device_info

    def _reused_output(self, command):
        """Output of a command whose answer cannot change during a play, typed once per session."""
        result = self.dialog(command, [], reuse=True)
        if result["failure"] or result["errors"]:
            raise AnsibleConnectionFailure("'%s' failed: %s\n%s" % (
                command, (result["failure"] or {}).get("message", "CUCM printed an error"), result["output"]))
        return result["output"]

    def get_capabilities(self):
        result = super(Cliconf, self).get_capabilities()
        result["rpc"] = sorted(set(result["rpc"]) | set(["dialog", "run_commands"]))
        result["device_operations"] = {
            "supports_diff_replace": False,
            "supports_commit": False,
            "supports_rollback": False,
            "supports_defaults": False,
            "supports_onbox_diff": False,
            "supports_commit_comment": False,
            "supports_multiline_delimiter": False,
            "supports_diff_match": False,
            "supports_diff_ignore_lines": False,
            "supports_generate_diff": False,
            "supports_replace": False,
        }
        return json.dumps(result)

    # -- per-task resynchronisation ---------------------------------------------------------
    def set_cli_prompt_context(self):
        """Called once at the start of every task: make sure the next command starts clean.

        Output still arriving from an earlier command (typically one that outlived its command
        timeout) would otherwise be taken as the answer to the next command.
        """
        if not self._connection.connected:
            return
        channel = ShellChannel(self._connection)
        try:
            stale = channel.drain()
            if stale:
                self._connection.queue_message(
                    "vvvv", "discarded %d bytes of stale CLI output before this task" % len(stale)
                )
            tail = _last_line(stale).strip()
            if tail and not PROMPT_RE.search(tail) and re.search(rb"[?:]\s*$", tail):
                # The CLI waits at a question left over from an earlier task: never answer it.
                raise ChannelClosed("the CLI was waiting at a question: %r" % to_text(tail))
            channel.send(b"\r")
            if not self._wait_for_prompt(channel, RESYNC_TIMEOUT):
                raise ChannelClosed("no prompt within %ss" % RESYNC_TIMEOUT)
        except ChannelClosed as exc:
            self._connection.queue_message(
                "warning", "CLI session out of step (%s); opening a new session" % exc
            )
            channel.abandon()
            self._connection._connect()

    def _wait_for_prompt(self, channel, timeout):
        buffer = b""
        deadline = time.time() + timeout
        while time.time() < deadline:
            buffer += channel.read(READ_SLICE)
            if PROMPT_RE.search(buffer):
                # The redrawn prompt may be followed by another one; take both.
                buffer += channel.drain(quiet=0.1, limit=1.0)
                return True
        return False

    # -- the dialog mechanism ---------------------------------------------------------------
    def dialog(self, command, questions=None, timeout=None, question_idle=None, reuse=False, progress=None,
               accept_warnings=None, pages=True):
        """Run ``command`` and answer the questions it asks. Every module command goes through here.

        :param command: the CLI command
        :param questions: the command's questions in the order CUCM asks them (an ordered script;
            ``module_utils/questions.py`` builds them), each a dict: ``name``, ``pattern`` (regex
            matched at the end of the output), ``answer``, optional ``secret`` (never logged or
            shown), ``typed`` (send one character at a time, ``char_delay`` seconds apart),
            ``required`` (default true; false for a question CUCM may skip), ``known`` (makes it a
            confirmation: regexes of the sentences CUCM may print before it), ``max_times``
            (default 1) and ``guard`` (``{pattern, allowed, description}``: a ``(?P<value>...)``
            printed before the question must be one of ``allowed``, e.g. an SFTP host-key
            fingerprint). None or [] for a command that asks nothing: any question stops it.
        :param timeout: seconds to reach the prompt again (default: the command timeout)
        :param question_idle: seconds a question-like line may stay (silent or redrawn) before it
            counts as an unexpected question (default: 3 when questions are expected, 10 for a
            command that asks nothing, whose output may pause after a line ending in a colon)
        :param reuse: return this session's earlier successful result of the same command instead
            of typing it again, for outputs that cannot change during a play (release, cluster
            membership)
        :param progress: regexes of lines the command prints while it works (may end in a colon and
            be followed by a long silence: node lists, transfers)
        :param accept_warnings: warnings the task accepts before a confirmation (parts of the
            sentence, case-insensitive)
        :param pages: at a pager prompt, turn the page (the whole output is needed); false quits
            the pager and fails (``failure.reason`` ``pager``)
        :returns: ``Dialog.result()``: ``output`` (masked transcript), ``answered`` (question names
            in order), ``errors`` (error lines CUCM printed) and ``failure`` (None, or ``{reason,
            message, host}`` when the dialog had to stop: ``unexpected_question``,
            ``out_of_order``, ``asked_again``, ``unknown_warning``, ``guard``, ``pager``,
            ``timeout``, ``closed``). What CUCM does never raises; only a connection that cannot
            be opened does. plugins/module_utils/cucm.py reads this.
        """
        if reuse and command in self._reusable:
            return self._reusable[command]
        if question_idle is None:
            question_idle = DIALOG_QUESTION_IDLE if questions else PLAIN_QUESTION_IDLE
        dialog = Dialog(command, [Question.from_spec(q) for q in questions or []], PROMPT_RE,
                        progress=progress or (), accept=accept_warnings or (), question_idle=question_idle)
        result = self._recorded(command, self._converse(dialog, timeout, pages))
        if reuse and not (result["failure"] or result["errors"]):
            self._reusable[command] = result
        return result

    def _converse(self, dialog, timeout, pages=True):
        """Send the dialog's command, answer its questions, return ``Dialog.result()`` once the
        prompt follows the command's echo."""
        command = to_text(dialog.command)
        if not self._connection.connected:
            self._connection._connect()
        self._connection.update_cli_prompt_context()
        if timeout is None:
            timeout = self._connection.get_option("persistent_command_timeout")
        channel = ShellChannel(self._connection)
        self.history.append(("*****", "*****"))
        deadline = time.time() + float(timeout)
        try:
            # Anything already waiting (a prompt redrawn after the previous command) is not ours.
            channel.drain(quiet=0.01, limit=1.0)
            channel.send(to_bytes(command) + b"\r")
            while True:
                data = channel.read(READ_SLICE)
                if data:
                    action, question = dialog.feed(ANSI_RE.sub(b"", data))
                    if action == Dialog.DONE:
                        break
                    if action == Dialog.ANSWER:
                        self._answer(channel, question)
                    elif action == Dialog.PAGE:
                        self._page(channel, dialog, pages)
                dialog.check_idle()
                if time.time() > deadline:
                    raise DialogFailed(
                        "no prompt within %s seconds (ansible_command_timeout); last output: %r"
                        % (timeout, _tail_text(dialog.transcript())),
                        dialog.transcript(), reason="timeout",
                    )
        except DialogFailed as exc:
            # CUCM is left waiting or busy: drop the session so it abandons the command.
            channel.abandon()
            return dialog.result(exc.failure(self._host()))
        except ChannelClosed as exc:
            channel.abandon()
            failure = DialogFailed("%s while running %r" % (exc, command), reason="closed")
            return dialog.result(failure.failure(self._host()))
        return dialog.result()

    @staticmethod
    def _page(channel, dialog, pages):
        """Turn the page of a read whose whole output is needed; otherwise quit the pager and fail."""
        if pages:
            channel.send(b" ")
            return
        channel.send(b"q")
        raise DialogFailed(
            "CUCM showed its pager (automatic pagination is on in this session despite 'set cli pagination off');"
            " the pager was quit, so the command may not have finished", dialog.transcript(), reason="pager")

    def _recorded(self, command, result):
        """``result``, written to the transcript directory first when one is set (masked already)."""
        directory = self._transcript_dir()
        if directory:
            host = self._host() or "node"
            port = self._connection.get_option("port")
            name = host if port in (None, 22) else "%s_%s" % (host, port)
            record = dict(result, time=datetime.datetime.now(datetime.timezone.utc).isoformat(), host=host,
                          command=to_text(command))
            os.makedirs(directory, mode=0o700, exist_ok=True)
            path = os.path.join(directory, "%s.jsonl" % re.sub(r"[^A-Za-z0-9_.-]", "_", name))
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(descriptor, "a") as handle:
                handle.write(json.dumps(record, sort_keys=True) + "\n")
        return result

    def _transcript_dir(self):
        try:
            return self.get_option("transcript_dir")
        except KeyError:  # options never set: not loaded through network_cli (unit tests)
            return None

    def _host(self):
        return self._connection.get_option("host")

    @staticmethod
    def _answer(channel, question):
        if question.typed:
            channel.type_slowly(question.answer, question.char_delay)
            channel.send(b"\r")
        else:
            channel.send(question.answer + b"\r")


def _last_line(data):
    return re.split(rb"[\r\n]", data)[-1]


def _tail_text(text, lines=3):
    return "\n".join(text.splitlines()[-lines:])
