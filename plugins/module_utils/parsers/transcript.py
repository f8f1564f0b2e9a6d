# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading the transcript of a command that changes state.

Such commands print progress sentences, the questions they ask with the typed answer after
them, a few result lines, and sometimes debug noise. CUCM wraps long sentences at the terminal
width (``... on all nodes in`` / ``the cluster that run these services``). A parser describes
the lines it knows as ``Rule`` s; ``read_transcript`` feeds every line of the output to the first
rule that matches it and hands back the lines no rule knows, sorted into ``errors``
(``is_error``) and ``other``: CUCM's wording varies between releases, so an unknown line is never
a reason to fail. Each parser is a ``TranscriptReader``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .errors import ParserError
from .lines import command_and_output, squeeze

# A wrapped sentence spans at most this many printed lines (the longest in the seeds spans 2).
MAX_WRAPPED_LINES = 3

# Words of a line that says the command did not do its job. The seeds show few failures, so
# this is deliberately broad: such a line ends up in ``errors`` for the module to quote.
_ERROR = re.compile(
    r"\b(?:error|errors|fail|failed|fails|failure|unable|cannot|can't|could not|couldn't|invalid"
    r"|unsuccessful|unsuccessfully|denied|refused|not found|no such|unknown|not activated"
    r"|not a publisher)\b",
    re.IGNORECASE,
)
_MASK = re.compile(r"^\**$")


class Rule(object):
    """A line the parser knows: ``pattern`` matched against the whole line, whitespace squeezed.

    ``handler(match)`` records what the line says; it may return text to read as a line of its
    own (what CUCM printed on the same line after a question). ``wraps``: the sentence may be
    wrapped over up to ``max_lines`` lines, joined with spaces before matching; the pattern must
    then match the whole sentence only (anchored, no open ``.*`` tail), so that joining never
    swallows the next line.
    """

    def __init__(self, pattern, handler=None, wraps=False, flags=0, max_lines=MAX_WRAPPED_LINES):
        self.regex = re.compile(pattern, flags)
        self.handler = handler
        self.max_lines = max_lines if wraps else 1

    def match(self, lines, start):
        """``(line count, match)`` of this rule at ``lines[start]``, or ``(0, None)``."""
        for count in range(1, self.max_lines + 1):
            if start + count > len(lines):
                break
            match = self.regex.match(" ".join(lines[start:start + count]))
            if match:
                return count, match
        return 0, None


def answered_question(prompt):
    """Pattern of a question whose typed answer the CLI echoes after it (``...[y/n]? y``)."""
    return r"^" + prompt + r"\s*(?P<answer>.*)$"


def secret_question(prompt):
    """Pattern of a question whose answer is not echoed: what follows it on the line (``rest``)
    is output printed afterwards (seed 001: ``Enter Sftp password :Processing token ...``)."""
    return r"^" + prompt + r"\s*(?P<rest>.*)$"


def after_secret(match):
    """Handler for ``secret_question`` rules: read what follows, unless it is a masked answer."""
    rest = match.group("rest").strip()
    return None if _MASK.match(rest) else rest


def read_transcript(text, rules, what):
    """Run ``rules`` over the output of ``text``; ``(echoed command or None, unknown lines)``.

    ``what`` names the command in the ParserError raised when there is no output at all.
    """
    command, numbered = command_and_output(text)
    lines = [squeeze(line) for _number, line in numbered if line.strip()]
    if not lines:
        raise ParserError("no %s output" % what)
    unknown = []
    index = 0
    while index < len(lines):
        for rule in rules:
            count, match = rule.match(lines, index)
            if match:
                break
        else:
            unknown.append(lines[index])
            index += 1
            continue
        index += count
        rest = rule.handler(match) if rule.handler else None
        if rest:
            lines.insert(index, rest)  # strictly shorter than the line it came from: terminates
    return command, unknown


def is_error(line):
    """True for a line that reads like a failure message."""
    return bool(_ERROR.search(line))


def sort_unknown(lines):
    """``(errors, other)``: the unknown lines that read like failures, and the rest."""
    return [line for line in lines if is_error(line)], [line for line in lines if not is_error(line)]


class TranscriptReader(object):
    """Base of the parsers of state-changing commands: ``parse(text)`` returns their dict.

    A subclass names the command in ``WHAT`` (for the error on empty output), fills
    ``self.rules`` and returns its own keys from ``facts(command, unknown_errors)`` (``command``:
    the echoed command or None; ``unknown_errors``: the unknown lines that read like failures).
    Lines its rules recognise as errors go to ``self.errors``, lines it sets aside to
    ``self.other``; the result's ``errors`` and ``other`` add the unknown lines after them.
    """

    WHAT = "command"

    def __init__(self):
        self.rules = []
        self.errors = []
        self.other = []

    def facts(self, command, unknown_errors):
        raise NotImplementedError

    @classmethod
    def parse(cls, text):
        reader = cls()
        command, unknown = read_transcript(text, reader.rules, cls.WHAT)
        unknown_errors, unknown_other = sort_unknown(unknown)
        result = reader.facts(command, unknown_errors)
        result["errors"] = reader.errors + unknown_errors
        result["other"] = reader.other + unknown_other
        return result
