# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading the transcript of a command that changes state, sentence by sentence.

Such commands print progress sentences, the questions they ask with the typed answer after
them, a few result sentences, and sometimes debug noise. CUCM wraps long sentences (at the
terminal width; copies on web pages wrap them again at theirs), and the wording of advice and
results varies between releases. So a parser does not read physical lines: ``read_transcript``
first joins wrapped lines back into *sentences*, then hands each sentence to the first ``Rule``
whose key words it holds.

How sentences are formed (``sentences``, ``continues``, ``closes``, ``stands_alone``). Physical
lines are whitespace-squeezed; a blank line always ends a sentence. A line never joins a
neighbour when it is a fixed-shape line: a service state line (``Cisco Tftp[STARTED]``,
``Cisco X[ STOPPED ]  Service Not Activated``), a bracketed list (``['test10pub',
'test10sub']``), a run of punctuation (``=====``, ``.``, ``@@@``), a one-word item after a
``=====`` rule (a node list), a prompt (``admin:...``), the trailer (``Executed command
unsuccessfully``), or a line a parser's *line rule* claims (a question followed by output on
its line, debug noise, node lists). Otherwise a line continues the sentence before it when:

1. it is the ``(y/n):`` / ``[y/n]?`` / ``(yes/no)?`` choice of a question that broke before it,
   or the typed answer (``y``, ``yes``...) of a question (``?`` or ``:``) that ended the line
   before - a typed answer alone never takes the next line; or it is the value (a path, a
   number) of a bare ``label:`` that ends the line before (``Downloading file:`` +
   ``/usr/local/cm/tftp/ITLRecovery.p12``); else
2. the line before is still open - it does not end with ``.``, ``!``, ``?`` or ``:``, holds no
   question mark (a question with its typed answer ends a sentence), no prompt colon
   (``password :``, ``cluster : 1``) and does not end as ``label: value`` (``User ID:
   joemar2``) - and
3. the line reads as the rest of a clause: it starts with a lower-case letter, a digit, ``(``,
   a quote or ``...`` (``established.``, ``the cluster that run these services``,
   ``(172.18.172.254)' can't be established.``, ``...done.``); or the line before ends with
   ``,`` or with a word no sentence ends with (``CONTINUING_WORDS``: articles and determiners,
   prepositions, conjunctions, auxiliaries, quantifiers, ``same``, ``Cisco``, ``host``,
   ``node``, ``server``: ``...TFTP
   and Cisco`` + ``CallManager services ...``, ``...on host`` + ``CUCM-SUB1``, ``...on at least
   one`` + ``CM node. Do you ...``, ``...execute the same`` + ``Command Again``); or it is one
   bare word (``Again``); or the sentence so far is one bare word (``Successfully`` +
   ``Regenerated Certificate for CallManager.``).

A sentence is the joined lines, one space between them. It may hold more than one grammatical
sentence when CUCM printed them on one line (``... as soon as possible. Failure to do so
...``); rules read it whole, and a parser whose message may be cut after its first full stop
(at one width the line breaks right there) also reads the pieces.

How sentences are matched. Each ``Rule`` has a regular expression searched in the sentence
(case-insensitive unless the rule says otherwise), written around the meaning's key words
with the variations of wording the releases and copies show (articles, plural/singular,
capitalisation, trailing periods, ``Non Secure``/``Non-Secure``). The first rule that matches
takes the sentence. A rule is *strict* by default: a sentence that holds its key words but
also a negation or failure word (``not``, ``no``, ``never``, ``failed``, ``unable``,
``error``, ``could not``, ``n't``... outside the captured host/unit names) is not what the rule
means (``CTL file not updated``, ``Cisco Tftp service could not be restarted on host X``):
the rule does not apply and the sentence is reported in ``errors``. Rules whose own wording
holds such a word (questions with ``(yes/no)``, the restart banner's ``has not restarted``,
``Sub-directories were not traversed``, the refusals themselves) are ``strict=False``.

*Line rules* (``line=True``) are tried first, on physical lines: fixed shapes that must never
be joined to a neighbour (a secret question with output after it on the same line, debug
noise, node lists). A line rule may span ``max_lines`` consecutive lines (a node list between
``=====`` rules). A handler may return text CUCM printed after a question on the same line: it
is read as a physical line of its own.

A sentence no rule takes is returned as printed (joined, whitespace squeezed), sorted into
``errors`` (``is_error``) and ``other``: CUCM's wording varies between releases, so an unknown
sentence is never a reason to fail; only empty output raises ParserError. Each parser is a
``TranscriptReader``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .errors import ParserError
from .lines import command_and_output, squeeze

# Words of a line that says the command did not do its job. The seeds show few failures, so
# this is deliberately broad: such a line ends up in ``errors`` for the module to quote.
_ERROR = re.compile(
    r"\b(?:error|errors|fail|failed|fails|failure|unable|cannot|can't|could not|couldn't|invalid"
    r"|unsuccessful|unsuccessfully|denied|refused|not found|no such|unknown|not activated"
    r"|not a publisher|incomplete|aborted)\b",
    re.IGNORECASE,
)
# Words that turn a sentence into its opposite: a strict rule never reads a sentence holding
# one of them (nor an _ERROR word) as the event it describes.
_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nothing|neither|nor|without|unable|cannot|fail|fails|failed|failure"
    r"|error|errors|unsuccessful|unsuccessfully|denied|refused|invalid|incomplete|partially|aborted"
    r"|skipped)\b|n't\b",
    re.IGNORECASE,
)
# Named groups that hold names (hosts, units, paths) rather than words: a host called
# ``no-tftp`` does not negate the sentence it is named in.
_NAME_GROUPS = ("name", "names", "host", "address", "unit", "blocking", "requested", "path",
                "fingerprint", "key_type", "count", "n", "found", "deleted", "minutes")
_MASK = re.compile(r"^\**$")

# -- how physical lines become sentences ------------------------------------------------------
# Lines that are never part of a sentence: state lines, bracketed lists, runs of punctuation,
# prompts and the CLI's trailers.
_STANDS_ALONE = re.compile(
    r"^(?:\S.*?\s*\[\s*[A-Z][A-Z ]*?\s*\](?:\s.*)?"  # Cisco Tftp[STARTED], ...[ STOPPED ]  note
    r"|\[.*\]"  # ['test10pub', 'test10sub']
    r"|[^\w\s]+"  # =====, -----, ., @@@@
    r"|admin:.*"
    r"|Executed command (?:un)?successfully\.?"
    r"|Command successful\.?)$"
)
_RULE_LINE = re.compile(r"^(?:={3,}|-{3,})$")
_ENDS = re.compile(r"[.!?:]$")
# A prompt's colon (``password :``, ``cluster : 1``), or ``label: value`` at the end of a line.
_PROMPT_COLON = re.compile(r"\s:")
_LABEL_VALUE = re.compile(r":\s*(?P<value>\S+)$")
# The answer choices of a question wrapped right after its question mark.
_CHOICES = re.compile(r"^[(\[](?:y/n|yes/no|yes\|no)[)\]]", re.IGNORECASE)
# A typed answer alone on its line: it belongs to the question before it, never to what follows.
_ANSWER = re.compile(r"^(?:y|n|yes|no)$", re.IGNORECASE)
_OPENS_CLAUSE = re.compile(r"^(?:[a-z0-9('\"]|\.\.\.)")
# ``Downloading file:`` + ``/usr/local/...``: a label (not a prompt: no space or ``]`` before its
# colon) whose value, a path or a number, went to the next line.
_BARE_LABEL = re.compile(r"[^\s\]]:$")
_VALUE = re.compile(r"^[/\d]\S*$")
_ONE_WORD = re.compile(r"^[A-Za-z]+[.!]?$")
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z'-]*)$")
# Words no sentence ends with: a line ending with one goes on on the next line.
CONTINUING_WORDS = frozenset("""
a an the this these that those any all each every some its their your our
to of in on at for from with by into onto about after before over under between via per as than
and or but nor if while when whether because unless until where which who whose
is are was were be been being has have had will would can could shall should may might must
do does did not getting
another other one both either least more same
cisco host node server
""".split())


def stands_alone(line):
    """True for a line that is never part of a sentence (see the module docstring)."""
    return bool(_STANDS_ALONE.match(line))


def closes(line):
    """True when no line can continue the sentence ``line`` ends: a final ``.``/``!``/``?``/
    ``:``, a question (``?``) with its typed answer, a prompt colon, or ``label: value``."""
    if _ENDS.search(line) or "?" in line or _PROMPT_COLON.search(line) or stands_alone(line):
        return True
    label = _LABEL_VALUE.search(line)
    return bool(label) and label.group("value").lower() not in CONTINUING_WORDS


def continues(previous, line, sentence=None):
    """True when ``line`` goes on with the sentence whose last physical line is ``previous``
    (``sentence``: that sentence so far, default ``previous``)."""
    if stands_alone(line) or stands_alone(previous):
        return False
    if _CHOICES.match(line):
        return previous.endswith("?") or not closes(previous)
    if _ANSWER.match(line):
        return previous.endswith(("?", ":"))
    if _ANSWER.match(previous):
        return False
    if _BARE_LABEL.search(previous) and "?" not in previous and _VALUE.match(line):
        return True
    if closes(previous):
        return False
    if _OPENS_CLAUSE.match(line) or previous.endswith(",") or _ONE_WORD.match(line):
        return True
    if " " not in (sentence or previous):
        return True  # one word is no sentence yet: "Successfully" + "Regenerated Certificate ..."
    last = _LAST_WORD.search(previous)
    return bool(last) and last.group(1).lower() in CONTINUING_WORDS


def negated(text, match=None):
    """True when ``text`` holds a negation or failure word outside the names ``match`` captured."""
    if match is not None:
        spans = sorted(match.span(group) for group in _NAME_GROUPS
                       if group in match.re.groupindex and match.group(group) is not None)
        for start, end in reversed(spans):
            text = text[:start] + " " + text[end:]
    return bool(_NEGATION.search(text))


class Rule(object):
    """A sentence (or, with ``line=True``, a physical line) the parser knows.

    ``pattern`` is searched in the sentence, whitespace squeezed; anchor it (``^``/``$``) where
    the position of the key words matters. ``flags`` default to case-insensitive.
    ``handler(match)`` records what the sentence says; it may return text to read as a line of
    its own (what CUCM printed on the same line after a question). ``strict`` (default for
    sentence rules, not for line rules): the rule does not apply to a sentence that also holds
    a negation or failure word (``negated``), which is reported in ``errors`` instead.
    ``line``: match physical lines before sentences are formed, over up to ``max_lines``
    consecutive non-blank lines joined with spaces (the pattern must then be anchored so that
    it cannot swallow the next line); ``first`` (a pattern) must then match the first of those
    lines.
    """

    def __init__(self, pattern, handler=None, flags=re.IGNORECASE, strict=None, line=False, max_lines=1,
                 first=None):
        self.regex = re.compile(pattern, flags)
        self.handler = handler
        self.strict = (not line) if strict is None else strict
        self.line = line
        self.max_lines = max_lines if line else 1
        self.first = re.compile(first, flags) if first else None

    def match_lines(self, lines, start):
        """``(line count, match)`` of this line rule at ``lines[start]``, or ``(0, None)``."""
        if self.first is not None and not self.first.search(lines[start]):
            return 0, None
        for count in range(1, self.max_lines + 1):
            if start + count > len(lines) or not lines[start + count - 1]:
                break
            match = self.regex.search(" ".join(lines[start:start + count]))
            if match:
                return count, match
        return 0, None


def answered_question(prompt):
    """Pattern of a question whose typed answer the CLI echoes after it (``...[y/n]? y``)."""
    return r"^" + prompt + r"\s*(?P<answer>.*)$"


def secret_question(prompt):
    """Pattern of a question whose answer is not echoed: what follows it on the line (``rest``)
    is output printed afterwards (seed 001: ``Enter Sftp password :Processing token ...``).
    Use it in a line rule, so that the output after it is read as a line of its own."""
    return r"^" + prompt + r"\s*(?P<rest>.*)$"


def after_secret(match):
    """Handler for ``secret_question`` rules: read what follows, unless it is a masked answer."""
    rest = match.group("rest").strip()
    return None if _MASK.match(rest) else rest


def sentences(lines, line_rules=()):
    """Yield ``(rule, match, text)`` for each line-rule hit and ``(None, None, sentence)`` for
    each sentence formed from the other lines, in order (see the module docstring).

    ``lines``: physical lines, whitespace squeezed, blank ones as ``""``. A line rule handler is
    called as its line is reached (the caller needs its result in order), so this is driven
    through ``read_transcript``.
    """
    lines = list(lines)
    pending = []
    in_list = False  # after a ===== rule: one-word lines are list items
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line:
            if pending:
                yield None, None, " ".join(pending)
                pending = []
            in_list = False
            index += 1
            continue
        hit = None
        for rule in line_rules:
            count, match = rule.match_lines(lines, index)
            if match:
                hit = rule, count, match
                break
        if hit is not None:
            if pending:
                yield None, None, " ".join(pending)
                pending = []
            rule, count, match = hit
            index += count
            rest = yield rule, match, " ".join(lines[index - count:index])
            if rest:
                lines.insert(index, squeeze(rest))  # strictly shorter than its line: terminates
            continue
        item = in_list and " " not in line
        in_list = bool(_RULE_LINE.match(line)) or item
        if pending and not item and continues(pending[-1], line, " ".join(pending)):
            pending.append(line)
        else:
            if pending:
                yield None, None, " ".join(pending)
            pending = [line]
        if item:
            yield None, None, " ".join(pending)
            pending = []
        index += 1
    if pending:
        yield None, None, " ".join(pending)


def read_transcript(text, rules, what, refused=None):
    """Run ``rules`` over the output of ``text``; ``(echoed command or None, unknown sentences)``.

    ``what`` names the command in the ParserError raised when there is no output at all.
    Sentences a strict rule recognised but that hold a negation go to ``refused`` (a list) when
    given, else among the unknown ones.
    """
    command, numbered = command_and_output(text)
    lines = [squeeze(line) for _number, line in numbered]
    if not any(lines):
        raise ParserError("no %s output" % what)
    line_rules = [rule for rule in rules if rule.line]
    sentence_rules = [rule for rule in rules if not rule.line]
    refused = [] if refused is None else refused
    unknown = []

    def read_sentence(sentence):
        for rule in sentence_rules:
            match = rule.regex.search(sentence)
            if not match:
                continue
            if rule.strict and negated(sentence, match):
                refused.append(sentence)
                return
            rest = rule.handler(match) if rule.handler else None
            if rest:
                read_sentence(squeeze(rest))
            return
        unknown.append(sentence)

    reading = sentences(lines, line_rules)
    rest = None
    while True:
        try:
            rule, match, sentence = reading.send(rest)
        except StopIteration:
            break
        rest = None
        if rule is None:
            read_sentence(sentence)
        elif rule.strict and negated(sentence, match):
            refused.append(sentence)
        elif rule.handler:
            rest = rule.handler(match)
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
    the echoed command or None; ``unknown_errors``: the unknown sentences that read like
    failures). Sentences its rules recognise as errors go to ``self.errors`` (with the
    sentences a strict rule refused because of a negation, in order), sentences it sets aside
    to ``self.other``; the result's ``errors`` and ``other`` add the unknown sentences after
    them.
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
        command, unknown = read_transcript(text, reader.rules, cls.WHAT, refused=reader.errors)
        unknown_errors, unknown_other = sort_unknown(unknown)
        result = reader.facts(command, unknown_errors)
        result["errors"] = reader.errors + unknown_errors
        result["other"] = reader.other + unknown_other
        return result
