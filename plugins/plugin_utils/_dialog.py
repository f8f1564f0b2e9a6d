# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one mechanism that answers the questions CUCM CLI commands ask.

Private to cucm.trust: used by plugins/cliconf/cucm.py only (and its tests).

Pure logic, no I/O: the cliconf plugin feeds it what the device prints and does what it says
(answer a question, keep reading, stop). ``Dialog.result`` is what the cliconf ``dialog`` RPC
returns to modules (read by plugins/module_utils/cucm.py). Rules:

* every expected question is answered at most ``max_times`` (default once); a question asked
  again means the previous answer was refused (wrong password...) and ends the dialog;
* a line that looks like a question and is followed by silence, but matches no expected
  question, ends the dialog quoting it: nothing is ever answered blindly;
* a question may carry a *guard*: a value printed before it (e.g. the SFTP host-key
  fingerprint) must be one of the allowed values, else the dialog ends without answering;
* secret answers never appear in the transcript, even if a device echoed them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.common.text.converters import to_bytes, to_text

from ansible_collections.cucm.trust.plugins.terminal.cucm import ERROR_RES

# What an unexpected question looks like once the device has gone quiet after printing it.
QUESTION_LIKE_RE = re.compile(rb"(?:[?:]|\((?:y/n|yes/no)\)|\[(?:y/n|yes/no)\])\s*$", re.I)
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
                 max_times=1, guard=None):
        self.name = name
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
        )


class Dialog(object):
    """State of one command's dialog. ``feed`` returns what to do next."""

    WAIT = "wait"
    ANSWER = "answer"
    DONE = "done"

    def __init__(self, command, questions, prompt_re):
        self.command = to_bytes(command)
        self.questions = list(questions)
        self.prompt_re = prompt_re
        self.buffer = b""
        self.step_start = 0  # questions are looked for only in what arrived since the last answer
        self.answered = []

    def feed(self, data):
        self.buffer += data
        pending = self.buffer[self.step_start:]
        if self._at_prompt():
            return self.DONE, None
        tail = _last_line(pending)
        for question in self.questions:
            if not question.regex.search(tail):
                continue
            question.times += 1
            if question.times > question.max_times:
                raise DialogFailed(
                    "the CLI asked %r again after it was answered (the answer was probably refused): %r"
                    % (question.name, to_text(tail).strip()),
                    self.transcript(), reason="asked_again",
                )
            if question.guard is not None:
                ok, value = question.guard.check(self.buffer[self.step_start:])
                if not ok:
                    raise DialogFailed(
                        "refusing to answer %r: %s %s is not one of the expected values (%s)"
                        % (question.name, question.guard.description, value or "(not shown)",
                           ", ".join(question.guard.allowed) or "none given"),
                        self.transcript(), reason="guard",
                    )
            self.step_start = len(self.buffer)
            self.answered.append(question.name)
            return self.ANSWER, question
        return self.WAIT, None

    def check_idle(self):
        """Called after the device went quiet: fail if it is waiting at a question we do not know."""
        tail = _last_line(self.buffer[self.step_start:]).strip()
        if tail and QUESTION_LIKE_RE.search(tail) and not self._at_prompt():
            raise DialogFailed(
                "the CLI asked a question this task does not answer: %r" % to_text(tail),
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
        text = to_text(self.buffer, errors="surrogate_then_replace")
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


def _without_leading_prompts(data, prompt_re):
    """``data`` without the line breaks and bare prompts it starts with."""
    rest = data.lstrip(b"\r\n")
    while rest:
        line = re.match(rb"[^\r\n]*", rest).group(0)
        if not prompt_re.search(line):
            break
        rest = rest[len(line):].lstrip(b"\r\n")
    return rest
