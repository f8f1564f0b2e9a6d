# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Turning raw CLI text into numbered lines, without the prompt and the command echo."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# CUCM ends lines in CRLF and sometimes emits a lone CR (prompt redraws): all three end a line.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PROMPT = re.compile(r"^admin:(?P<command>.*)$")
# A command line without its prompt: web copies of transcripts split `admin:` from the command.
_BARE_COMMAND = re.compile(r"^(?:show|utils|run|file|set)\s+\S")


def numbered_lines(text):
    """[(line_number, line)] of ``text``, 1-based, line breaks removed."""
    return list(enumerate(_LINE_BREAK.split(text), 1))


def output_lines(text):
    """Numbered lines of the command's own output.

    Drops, at the start, blank lines, bare ``admin:`` prompts and the command echo
    (``admin:show itl``, or ``show itl`` alone after the prompt was split from it); at the end,
    blank lines and prompts. Nothing in between is touched.
    """
    return command_and_output(text)[1]


def command_and_output(text):
    """``(command, lines)``: the echoed command (stripped, None when not echoed) and
    ``output_lines(text)``."""
    lines = numbered_lines(text)
    command = None
    start = 0
    while start < len(lines):
        line = lines[start][1].strip()
        prompt = _PROMPT.match(line)
        if not line or (prompt and not prompt.group("command").strip()):
            start += 1
            continue
        if prompt:
            command = squeeze(prompt.group("command"))
            start += 1
        elif _BARE_COMMAND.match(line):
            command = squeeze(line)
            start += 1
        break
    end = len(lines)
    while end > start:
        line = lines[end - 1][1].strip()
        if line and not (line.startswith("admin:") and not line[len("admin:"):].strip()):
            break
        end -= 1
    return command, lines[start:end]


def untable(line):
    """A markdown table row (``| 4 | FUNCTION | 2 | CAPF |``) as tab-separated cells.

    Web copies of CUCM transcripts render some dumps as markdown tables; reading them here lets
    the fixtures stay verbatim. Any other line comes back unchanged.
    """
    stripped = line.strip()
    if len(stripped) < 2 or not (stripped.startswith("|") and stripped.endswith("|")):
        return line
    return "\t".join(cell.strip() for cell in stripped[1:-1].split("|"))


def squeeze(line):
    """The line stripped, every run of whitespace made one space (for comparing fixed lines)."""
    return " ".join(line.split())
