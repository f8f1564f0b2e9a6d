# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How cucm.trust modules reach the CUCM CLI and report what went wrong.

Every failure message names the command and what the CLI said; the action plugin adds the
inventory host name in front.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.connection import Connection, ConnectionError

from ansible_collections.cucm.trust.plugins.module_utils.parsers import ParserError

_NOISE_RE = re.compile(r"(?:^|\n)\s*admin:\s*$")


class CliError(Exception):
    """A CLI command failed. ``output`` is what the CLI printed (secrets masked)."""

    def __init__(self, command, message, output="", reason="failed"):
        super(CliError, self).__init__(message)
        self.command = command
        self.message = message
        self.output = output
        self.reason = reason

    def __str__(self):
        return "'%s' failed: %s" % (self.command, self.message)


def get_connection(module):
    if not hasattr(module, "_cucm_connection"):
        module._cucm_connection = Connection(module._socket_path)
    return module._cucm_connection


def clean_cli_message(text):
    """Make a network_cli error readable: bytes reprs, CRLF and trailing prompts removed."""
    text = to_text(text, errors="surrogate_then_replace")
    match = re.match(r"^b(['\"])(.*)\1$", text, re.S)
    if match:
        text = match.group(2).encode("latin-1", "backslashreplace").decode("unicode_escape", "replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _NOISE_RE.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line.strip()).strip()


def device_info(module):
    """network_os_version / network_os_hostname / network_os_role of the node (cached per session)."""
    try:
        return get_connection(module).get_device_info()
    except ConnectionError as exc:
        raise CliError("show version active", clean_cli_message(exc))


def run_command(module, command):
    """Run one CLI command and return its output as text; raise CliError on failure."""
    try:
        out = get_connection(module).get(command=command)
    except ConnectionError as exc:
        raise CliError(command, clean_cli_message(exc))
    return to_text(out, errors="surrogate_then_replace")


def run_dialog(module, command, questions, timeout=None):
    """Run a command whose questions are answered by the cliconf dialog mechanism.

    ``questions`` follow the cliconf plugin's ``dialog`` RPC. Returns its result dict; raises
    CliError whose ``reason`` says why the dialog stopped (``unexpected_question``,
    ``asked_again``, ``guard``, ``timeout``, ``closed``) and whose ``output`` is the masked
    transcript so far.
    """
    try:
        return get_connection(module).dialog(command=command, questions=questions, timeout=timeout)
    except ConnectionError as exc:
        text = to_text(exc, errors="surrogate_then_replace")
        try:
            payload = json.loads(text[text.index("{"):])
        except ValueError:
            raise CliError(command, clean_cli_message(text))
        raise CliError(command, payload.get("message", text), payload.get("output", ""),
                       payload.get("reason", "failed"))


def parse_output(parser, text, command):
    """Parse CLI output; a ParserError becomes a CliError quoting the offending line."""
    try:
        return parser(text)
    except ParserError as exc:
        raise CliError(command, "cannot read the output: %s" % exc, text, reason="parse")
