# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one mechanism that answers the questions CUCM CLI commands ask.

Private to cucm.trust: used by plugins/cliconf/cucm.py only (and its tests).

Pure logic, no I/O: the cliconf plugin feeds it what the device prints and does what it says
(answer a question, turn a page, keep reading, stop). ``Dialog.result`` is what the cliconf
``dialog`` RPC returns to modules (read by plugins/module_utils/cucm.py). Rules:

* the questions of a command are an ordered script: an answer is typed only at the question the
  script is at. A question may be optional (``required`` false: e.g. the SFTP host-key question,
  asked only for a new server); a required question CUCM skips, or a question asked again after
  its answer (a refused password...), ends the dialog without typing anything - so a secret can
  never be typed at an unexpected ``Password:``;
* a confirmation (a question with ``known`` sentences) is answered only when every sentence CUCM
  printed before it since the last answer is known, or accepted by the task (``accept``:
  case-insensitive words of the warning); an unknown warning ends the dialog quoting it;
* a question-like last line (``?``, ``:``, ``(y/n)``...) that stays for ``question_idle``
  seconds - silent, or redrawn - and is no known progress line ends the dialog quoting it, as
  does any other line CUCM stops at for twice that long while the script still expects a
  question; a question followed by a line break counts the same;
* a pager prompt is reported (``PAGE``): the caller turns the page for read commands whose whole
  output is needed, or quits and fails for the others; pager prompts never reach the transcript;
* a question may carry a *guard*: a value printed before it (e.g. the SFTP host-key
  fingerprint) must be one of the allowed values, else the dialog ends without answering;
* secret answers never appear in the transcript, even if a device echoed them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

from ansible.module_utils.common.text.converters import to_bytes, to_text

from ansible_collections.cucm.trust.plugins.terminal.cucm import ERROR_RES

# What an unexpected question looks like once the device has gone quiet after printing it.
QUESTION_LIKE_RE = re.compile(rb"(?:[?:]|\((?:y/n|yes/no)\)|\[(?:y/n|yes/no)\])\s*$", re.I)
# Pagers: the `file view` pager (cucm-cli-behaviour.md) and the classic `Press <enter> ...` one
# (GUESSED for long `show` output); the page-erase CUCM may draw after a key is pressed.
PAGER_RE = re.compile(
    rb"(?:options: q=quit, n=next.*?\(lines \d+ ?- ?\d+ of \d+\) ?:"
    rb"|Press <enter> for (?:one|1) line, <space> for one page,? (?:or|and) <q> to quit\.?"
    rb"|--More--)[ \t]*(?:\r[ \t]*\r)?",
    re.I)
MAX_PAGES = 1000  # bound on the pages one read may turn
MASK = "********"


class DialogFailed(Exception):
    """The dialog cannot go on safely. ``transcript`` is the masked output received so far."""

    def __init__(self, message, transcript="", reason="failed"):
        super(DialogFailed, self).__init__(message)
        self.transcript = transcript
        self.reason = reason

    def failure(self, host=None):
        """The ``failure`` entry of the dialog result."""
        return {"reason": self.reason, "message": to_text(self), "host": host}


class Guard(object):
    """Allow answering only when ``pattern``'s ``value`` group, printed before the question, is allowed."""

    def __init__(self, pattern, allowed, description):
        self.regex = re.compile(to_bytes(pattern), re.M)
        self.allowed = [to_text(v).strip().lower() for v in allowed]
        self.description = description

    def check(self, text):
        match = self.regex.search(text)
        if not match:
            return False, None
        value = to_text(match.group("value")).strip()
        return value.lower() in self.allowed, value


class Question(object):
    def __init__(self, name, pattern, answer, secret=False, typed=False, char_delay=0.3,
                 max_times=1, guard=None, required=True, known=None):
        self.name = name
        self.required = bool(required)
        # A confirmation: the sentences CUCM may print before it (None: not a confirmation).
        self.known = None if known is None else [re.compile(to_text(p), re.I) for p in known]
        # Questions wait at the end of the output: anchor the pattern there.
        self.regex = re.compile(rb"(?:" + to_bytes(pattern) + rb")\s*$")
        self.answer = to_bytes(answer if answer is not None else "")
        self.secret = bool(secret)
        self.typed = bool(typed)
        self.char_delay = float(char_delay)
        self.max_times = int(max_times)
        self.guard = guard
        self.times = 0

    @classmethod
    def from_spec(cls, spec):
        guard = None
        if spec.get("guard"):
            g = spec["guard"]
            guard = Guard(g["pattern"], g.get("allowed") or [], g.get("description", "value"))
        return cls(
            name=spec["name"],
            pattern=spec["pattern"],
            answer=spec.get("answer"),
            secret=spec.get("secret", False),
            typed=spec.get("typed", False),
            char_delay=spec.get("char_delay", 0.3),
            max_times=spec.get("max_times", 1),
            guard=guard,
            required=spec.get("required", True),
            known=spec.get("known"),
        )


class Dialog(object):
    """State of one command's dialog. ``feed`` returns what to do next.

    ``progress``: patterns of lines the command prints while it works, which may end in a colon
    and be followed by a long silence (node lists, transfers). ``accept``: warnings the task
    accepts before a confirmation (case-insensitive parts of the sentence).
    """

    WAIT = "wait"
    ANSWER = "answer"
    PAGE = "page"
    DONE = "done"

    def __init__(self, command, questions, prompt_re, progress=(), accept=(), question_idle=3.0, now=None):
        self.command = to_bytes(command)
        self.questions = list(questions)
        self.prompt_re = prompt_re
        self.progress = [re.compile(to_bytes(p), re.I) for p in progress]
        self.accept = [to_text(a).strip().lower() for a in accept if to_text(a).strip()]
        self.question_idle = float(question_idle)
        self.buffer = b""
        self.step_start = 0  # questions are looked for only in what arrived since the last answer
        self.cursor = 0  # index of the next question of the script
        self.answered = []
        self.pages = 0
        self.last_data = self._now(now)
        self.tail = b""
        self.tail_since = self.last_data
        self.drawn = {}  # question-like lines since the last answer -> when first seen

    @staticmethod
    def _now(now):
        return time.time() if now is None else now

    def feed(self, data, now=None):
        now = self._now(now)
        self.buffer += data
        self.last_data = now
        if self._at_prompt():
            return self.DONE, None
        pending = self.buffer[self.step_start:]
        tail = _last_text_line(pending)
        if tail != self.tail:
            # A question CUCM redraws keeps the time it was first drawn (since the last answer).
            self.tail = tail
            self.tail_since = self.drawn.setdefault(tail, now) if QUESTION_LIKE_RE.search(tail) else now
        if PAGER_RE.search(_last_line(pending)) or PAGER_RE.search(tail):
            self.pages += 1
            self.step_start = len(self.buffer)
            if self.pages > MAX_PAGES:
                raise DialogFailed("more than %d pages of output" % MAX_PAGES, self.transcript(), reason="pager")
            return self.PAGE, None
        question = self._asked(tail)
        if question is None:
            return self.WAIT, None
        self._check_script(question, tail)
        if question.guard is not None:
            ok, value = question.guard.check(pending)
            if not ok:
                raise DialogFailed(
                    "refusing to answer %r: %s %s is not one of the expected values (%s)"
                    % (question.name, question.guard.description, value or "(not shown)",
                       ", ".join(question.guard.allowed) or "none given"),
                    self.transcript(), reason="guard",
                )
        if question.known is not None:
            self._check_warnings(question, pending)
        question.times += 1
        self.cursor = self.questions.index(question) + 1
        self.step_start = len(self.buffer)
        self.drawn = {}
        self.answered.append(question.name)
        return self.ANSWER, question

    def _asked(self, tail):
        """The question the last line asks: the first at or after the script's cursor, else an
        earlier one (asked again or out of order); None when no question matches."""
        matching = [q for q in self.questions if q.regex.search(tail)]
        ahead = [q for q in matching if self.questions.index(q) >= self.cursor]
        return (ahead or matching or [None])[0]

    def _check_script(self, question, tail):
        index = self.questions.index(question)
        if question.times >= question.max_times:
            raise DialogFailed(
                "the CLI asked %r again after it was answered (the answer was probably refused): %r"
                % (question.name, to_text(tail)), self.transcript(), reason="asked_again")
        skipped = [q.name for q in self.questions[self.cursor:index] if q.required]
        if index < self.cursor - 1 or skipped:
            later = skipped or [q.name for q in self.questions[index + 1:self.cursor]]
            raise DialogFailed(
                "the CLI asked %r (%r) out of the order this task knows (%s %s); nothing was typed"
                % (question.name, to_text(tail), "before" if skipped else "after",
                   ", ".join(repr(name) for name in later)),
                self.transcript(), reason="out_of_order")

    def _check_warnings(self, question, pending):
        """Every sentence printed before a confirmation must be known or accepted."""
        text = to_text(pending, errors="surrogate_then_replace")
        match = None
        for match in re.finditer(to_text(question.regex.pattern), text):
            pass
        before = text[:match.start()] if match else text
        if not self.step_start:
            # Everything up to the command's echo belongs to the session, not to this command.
            echo = before.find(to_text(self.command))
            before = before[echo + len(self.command):] if echo >= 0 else before
        lines = before.replace("\r", "\n").split("\n")
        if self.step_start:
            lines = lines[1:]  # the rest of the previous question's line: the echo of its answer
        unknown = _unknown_sentences(lines, question.known, self.accept, self.prompt_re)
        if unknown:
            raise DialogFailed(
                "CUCM printed a warning this task does not know before asking %r, so it did not confirm: %s. If it "
                "is expected, list it in accept_warnings" % (question.name, " / ".join(repr(s) for s in unknown)),
                self.transcript(), reason="unknown_warning")

    def check_idle(self, now=None):
        """Fail if CUCM waits for something this task does not answer (see the module docstring)."""
        now = self._now(now)
        if not self.tail or self._at_prompt():
            return
        if any(p.search(self.tail) for p in self.progress):
            return
        waited = max(now - self.last_data, now - self.tail_since)
        if QUESTION_LIKE_RE.search(self.tail) and waited >= self.question_idle:
            raise DialogFailed(
                "the CLI asked a question this task does not answer: %r" % to_text(self.tail),
                self.transcript(), reason="unexpected_question",
            )
        expected = [q.name for q in self.questions[self.cursor:] if q.required]
        if expected and now - self.last_data >= 2 * self.question_idle:
            raise DialogFailed(
                "the CLI stopped at %r, which is not the question this task expects next (%r): it may wait "
                "for an answer this task does not give" % (to_text(self.tail), expected[0]),
                self.transcript(), reason="unexpected_question",
            )

    def _at_prompt(self):
        # Only a prompt drawn after the command was echoed counts as "finished".
        after_echo = self.buffer
        index = after_echo.find(self.command)
        if index >= 0:
            after_echo = after_echo[index + len(self.command):]
        else:
            # No echo yet: a prompt redrawn before it belongs to the previous command.
            after_echo = _without_leading_prompts(after_echo, self.prompt_re)
        return bool(self.prompt_re.search(after_echo))

    def result(self, failure=None):
        """The reply of the cliconf ``dialog`` RPC: ``output`` (the masked transcript),
        ``answered``, ``errors`` (lines that mean the command failed) and ``failure`` (None, or
        ``DialogFailed.failure()``). module_utils/cucm.py documents how modules read it."""
        output = self.transcript()
        return {"output": output, "answered": list(self.answered), "errors": error_lines(output),
                "failure": failure}

    def transcript(self):
        """The output as text: echo and final prompt removed, CRLF folded, secrets masked."""
        text = to_text(PAGER_RE.sub(b"", self.buffer), errors="surrogate_then_replace")
        for question in self.questions:
            if question.secret and question.answer:
                text = text.replace(to_text(question.answer), MASK)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        command = to_text(self.command).strip()
        # Everything up to the command's echo belongs to the session, not to this command.
        for index, line in enumerate(lines):
            if line.strip().endswith(command):
                lines = lines[index + 1:]
                break
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and (not lines[-1].strip() or re.match(r"^\s*admin:\s*$", lines[-1])):
            lines.pop()
        return "\n".join(lines)


def error_lines(text):
    """The lines of ``text`` that mean the command failed (the terminal plugin's error markers)."""
    return [line for line in text.splitlines() if any(regex.search(to_bytes(line)) for regex in ERROR_RES)]


def _last_line(data):
    return re.split(rb"[\r\n]", data)[-1]


def _last_text_line(data):
    """The last line with text, stripped: a question followed by a line break still counts."""
    lines = [line.strip() for line in re.split(rb"[\r\n]", data) if line.strip()]
    return lines[-1] if lines else b""


def _unknown_sentences(lines, known, accept, prompt_re, max_wrapped=3):
    """The lines among ``lines`` that say something neither ``known`` nor ``accept`` covers.

    A line may hold several sentences (each must be covered) or be part of a sentence CUCM
    wrapped over up to ``max_wrapped`` lines (joined with spaces before matching).
    """

    def covered(sentence):
        return any(p.search(sentence) for p in known) or any(a in sentence.lower() for a in accept)

    lines = [line.strip() for line in lines if line.strip() and not prompt_re.search(to_bytes(line.strip()))]
    unknown = []
    index = 0
    while index < len(lines):
        for span in range(1, max_wrapped + 1):
            chunk = " ".join(lines[index:index + span])
            if all(covered(part) for part in re.split(r"(?<=[.!?])\s+", chunk) if part):
                index += span
                break
        else:
            unknown.append(lines[index])
            index += 1
    return unknown


def _without_leading_prompts(data, prompt_re):
    """``data`` without the line breaks and bare prompts it starts with."""
    rest = data.lstrip(b"\r\n")
    while rest:
        line = re.match(rb"[^\r\n]*", rest).group(0)
        if not prompt_re.search(line):
            break
        rest = rest[len(line):].lstrip(b"\r\n")
    return rest
