# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Turning raw CLI text into numbered lines, without the prompt and the command echo.

``output_lines`` / ``command_and_output`` serve every parser. The inventory parsers (``show
network cluster``, ``utils service list``, ``show version active``, ``run sql``) read
``unpaged_lines`` instead: the same lines with the pager's residue taken out, and an error when
the pager cut the output. ``FAILURE_TRAILER`` is CUCM's "the command failed" line.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .errors import ParserError

# CUCM ends lines in CRLF and sometimes emits a lone CR (prompt redraws): all three end a line.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PROMPT = re.compile(r"^admin:(?P<command>.*)$")
# A command line without its prompt: web copies of transcripts split `admin:` from the command.
_BARE_COMMAND = re.compile(r"^(?:show|utils|run|file|set)\s+\S")


# Pager prompts, matched at the start of a line. The `file view` pager is documented
# (cucm-cli-behaviour.md, "Session": `options: q=quit, n=next, p=prev, b=begin, e=end (lines 1221 -
# 1223 of 1223) :`); the `Press <enter> ...` and `--More--` forms are GUESSED, the ones the
# connection's dialog also recognises. Once a key is pressed the pager may erase its line with CR,
# spaces, CR: split at the CRs, that leaves the prompt and a line of spaces (a blank line).
_PAGER = re.compile(
    r"^\s*(?:options: q=quit, n=next[^()]*\(lines (?P<first>\d+) ?- ?(?P<last>\d+) of (?P<total>\d+)\) ?:"
    r"|Press <enter> for (?:one|1) line, <space> for one page,? (?:or|and) <q> to quit\.?"
    r"|--More--)",
    re.I,
)
# CUCM's failure trailer (cucm-cli-behaviour.md, "Errors and success markers"), with or without
# the final period; matched on the stripped line.
FAILURE_TRAILER = re.compile(r"^Executed command unsuccessfully\.?$")


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


def unpaged_lines(text, what):
    """``output_lines(text)`` without the pager's residue; ParserError when the pager cut it.

    A pager prompt is dropped; text after it on the same line (a pager that neither erased its
    line nor ended it) is kept as a line of its own, under the prompt's line number. The
    output is refused (``what`` names the command in the message) when:

    * the last prompt is followed by nothing: the pager was quit, the rest never came (a
      counted prompt on the last page, ``(lines 21 - 40 of 40)``, needs nothing after it);
    * counted prompts do not page forward from line 1 without a gap: the pager went back
      (``p``, ``b``) or jumped (``e``), so lines are repeated or missing. A prompt drawn again
      for the same lines, with nothing in between, counts once.
    """
    lines = []
    pending = None  # (number, line) of the last prompt while nothing has followed it
    expected = 1  # first line the next counted prompt must show
    shown = None  # (first, last) of the last counted prompt
    for number, line in output_lines(text):
        match = _PAGER.match(line)
        if match:
            if match.group("first"):
                first, last, total = (int(match.group(name)) for name in ("first", "last", "total"))
                if (first, last) != shown or pending is None:
                    if first != expected or last < first:
                        raise ParserError(
                            "%s output was paged out of order (the pager shows lines %d - %d where line %d"
                            " was due): lines are repeated or missing" % (what, first, last, expected),
                            line, number)
                    expected, shown = last + 1, (first, last)
                pending = (number, line) if last < total else None
            else:
                pending = (number, line)
            line = line[match.end():]
            if not line.strip():
                continue
        if line.strip():
            pending = None
        lines.append((number, line))
    if pending is not None:
        raise ParserError("%s output ends at the pager: the rest of it was never printed" % what,
                          pending[1], pending[0])
    return lines


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
