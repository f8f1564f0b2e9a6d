"""The interactive `admin:` shell of one SSH session, independent of the SSH library.

What a client sees (cucm-cli-behaviour.md, "Session"): the start-up line, a delay, the welcome
block, then `admin:`; typed characters are echoed, Enter is CR or LF (CRLF counts once), output
lines end in CRLF, long output stops at a pager while pagination is on. Commands are handlers
from the registry in `commands/`; they talk to the session through a :class:`CommandContext`.

The transport is anything with ``write(str)``, ``rows`` (PTY height, 0 if none) and
``close(how)``; the SSH glue in server.py feeds received data into ``Shell.input``.
"""

from __future__ import annotations

import asyncio
import collections
import datetime
import logging
from typing import List, Optional

from . import faults as faultkinds
from .commands import REGISTRY

LOG = logging.getLogger("cucm_lab.shell")

STARTING = "Command Line Interface is starting up, please wait ...\n"
# cucm-cli-behaviour.md, "Session"; the hardware lines are the `hardware` text (settings.py).
WELCOME = "\n   Welcome to the Platform Command Line Interface\n\nVMware Installation:\n"
DNS_WARNING = "WARNING: DNS unreachable\n"
PROMPT = "admin:"
FAILED = "Executed command unsuccessfully"

ENTER = "\r\n"
BACKSPACES = ("\x7f", "\x08")
PAGER_KEYS = {"q": "quit", "n": "next", " ": "next", "\r": "next", "\n": "next",
              "p": "prev", "b": "begin", "e": "end"}
MAX_PAGES = 100000  # bound for the pager loop
MAX_REDRAWS = 10000  # bound for a redrawn question
DEFAULT_ROWS = 24


class SessionClosed(Exception):
    """The client went away (EOF, disconnect) or the session timed out idle."""


class SessionDropped(Exception):
    """A fault ends the session abruptly: `how` is "connection" or "channel"."""

    def __init__(self, how: str):
        super().__init__(how)
        self.how = how


class InputStream:
    """Received data, kept in the chunks it arrived in (a burst is one chunk)."""

    def __init__(self):
        self._chunks = collections.deque()
        self._ready = asyncio.Event()
        self.closed = asyncio.Event()

    def feed(self, data: str) -> None:
        if data:
            self._chunks.append(data)
            self._ready.set()

    def feed_eof(self) -> None:
        self.closed.set()
        self._ready.set()

    def unread(self, data: str) -> None:
        """Put back what a reader did not consume (type-ahead for the next reader)."""
        if data:
            self._chunks.appendleft(data)
            self._ready.set()

    async def read(self, timeout: float) -> str:
        """The next chunk; SessionClosed at EOF or after `timeout` seconds without input."""
        if not self._chunks and not self.closed.is_set():
            self._ready.clear()
            try:
                await asyncio.wait_for(self._ready.wait(), timeout)
            except asyncio.TimeoutError:
                raise SessionClosed("idle timeout")
        if self._chunks:
            return self._chunks.popleft()
        raise SessionClosed("end of input")


class Shell:
    def __init__(self, cluster, node, username: str, terminal, *, settings, faults, stats, services=None):
        self.cluster = cluster
        self.node = node
        self.username = username
        self.terminal = terminal
        self.faults = faults
        self.stats = stats
        self.services = services  # lab-wide helpers for commands (server.LabServices), may be None
        self._settings = settings
        self.input = InputStream()
        self.pagination = True  # CUCM starts every session with automatic pagination on
        self.prompt = PROMPT
        self.command_line: Optional[str] = None  # the command running now
        self._exit = False
        self._swallow_lf = False  # the last line ended in CR: a following LF is the same Enter
        self._escape = 0  # inside an ANSI escape sequence (arrow keys): 1 after ESC, 2 in CSI
        self._at_line_start = True
        self._lines_out = 0
        self._garble = None  # (output line number, text) of a garble_output fault
        self._wrote = False  # the running command produced output
        self._drop_after: Optional[int] = None
        self._drop_how = "connection"

    @property
    def settings(self):
        return self._settings.get(self.node.hostname)

    # -- session ---------------------------------------------------------------------------
    async def run(self) -> Optional[str]:
        """Serve the session; return how to close it: None (cleanly), "connection" or "channel"."""
        hostname = self.node.hostname
        self.stats.session(hostname, +1)
        try:
            await self._start()
            while not self._exit:
                await self.execute(await self.read_line())
        except SessionClosed:
            return None
        except SessionDropped as dropped:
            return dropped.how
        finally:
            self.stats.session(hostname, -1)
        return None

    async def _start(self) -> None:
        hostname = self.node.hostname
        slow = self.faults.take("slow_login", hostname)
        wrong = self.faults.take("wrong_prompt", hostname)
        if wrong:
            self.prompt = wrong.params["prompt"]
        self.write(STARTING)
        await self.sleep(self.settings.banner_delay + (slow.params["seconds"] if slow else 0.0))
        settings = self.settings
        self.write(WELCOME + settings.text("hardware") + "\n"
                   + (DNS_WARNING if settings.dns_warning else "") + "\n")
        if self.settings.prompt_after_newline:
            await self._wait_for_enter()
        self.draw_prompt()

    async def _wait_for_enter(self) -> None:
        while True:  # each read is bounded by the idle timeout
            chunk = await self.input.read(self.settings.idle_timeout)
            for index, char in enumerate(chunk):
                if char in "\r\n":
                    self._swallow_lf = char == "\r"
                    self.input.unread(chunk[index + 1:])
                    return

    def draw_prompt(self) -> None:
        if not self.prompt:
            return
        text = self.prompt
        if self.settings.prompt_redraw:
            text = "%s\r\n\r%s" % (self.prompt, self.prompt)
        if self.settings.stray_cr:
            text = "\r" + text
        self.terminal.write(text)

    # -- commands --------------------------------------------------------------------------
    async def execute(self, line: str) -> None:
        words = line.split()
        if not words:
            self.draw_prompt()
            return
        hostname = self.node.hostname
        self.command_line = " ".join(words)
        self.stats.command(hostname, self.command_line)
        found = REGISTRY.resolve(words)
        if found and found[0].test_only and not self.settings.test_commands:
            found = None

        hang = self.faults.take("hang_command", hostname, self.command_line)
        if hang:
            await self._hang(hang)
        drop = self.faults.take("drop_mid_command", hostname, self.command_line)
        if drop:
            self._drop_how = drop.params["close"]
            self._drop_after = int(drop.params["after_lines"])
            if self._drop_after <= 0:
                raise SessionDropped(self._drop_how)

        garble = self.faults.take("garble_output", hostname, self.command_line)
        self._garble = (self._lines_out + int(garble.params["line"]), garble.params["text"]) if garble else None

        self._wrote = False
        try:
            if found is None:
                self.write_lines(self.settings.unknown_command)
            else:
                spec, used = found
                ctx = CommandContext(self, words[used:], _text_after_words(line, used))
                await spec.handler(ctx, ctx.args)
        except (SessionClosed, SessionDropped, asyncio.CancelledError):
            raise
        except Exception:  # a lab bug must show, not kill the session silently
            LOG.exception("command %r failed on %s", self.command_line, hostname)
            self.write("\n%s\n" % FAILED)
        finally:
            self.command_line = None
            self._garble = None
        if drop:  # the output was shorter than the cut: drop before the prompt
            self._drop_after = None
            raise SessionDropped(self._drop_how)
        if self._exit:
            return
        if self._wrote:
            blank = self.settings.blank_line_before_prompt
            self.write(("\n" if blank else "") + ("" if self._at_line_start else "\n"))
        self.draw_prompt()

    async def _hang(self, fault) -> None:
        """Wait like a command that never ends; bounded, and over when the client leaves."""
        seconds = min(float(fault.params["seconds"]), faultkinds.MAX_HANG)
        try:
            await asyncio.wait_for(self.input.closed.wait(), seconds)
        except asyncio.TimeoutError:
            if fault.params["then"] == "close":
                raise SessionDropped("channel")
            return
        raise SessionClosed("client left during a hung command")

    def end_session(self) -> None:
        self._exit = True

    # -- output ----------------------------------------------------------------------------
    def write(self, text: str) -> None:
        """Send output with CRLF line ends (plus the stray-CR setting and the drop fault)."""
        if not text:
            return
        self._wrote = True
        stray = self.settings.stray_cr
        pieces = text.replace("\r\n", "\n").split("\n")
        out: List[str] = []
        for index, piece in enumerate(pieces):
            garble = self._garble
            if garble and self._at_line_start and self._lines_out + 1 == garble[0]:
                piece = garble[1]
            if piece:
                if stray and self._at_line_start and self._lines_out % 3 == 2:
                    out.append("\r")
                out.append(piece)
                self._at_line_start = False
            if index == len(pieces) - 1:
                break
            out.append(ENTER)
            self._at_line_start = True
            self._lines_out += 1
            if self._drop_after is not None:
                self._drop_after -= 1
                if self._drop_after <= 0:
                    self.terminal.write("".join(out))
                    raise SessionDropped(self._drop_how)
        self.terminal.write("".join(out))

    def write_lines(self, lines) -> None:
        self.write("".join("%s\n" % line for line in lines))

    def page_size(self) -> int:
        """Output lines per screen: one row stays for the pager prompt."""
        rows = self.settings.page_lines or self.terminal.rows or DEFAULT_ROWS
        return max(1, rows - 1)

    async def write_paged(self, text: str) -> None:
        """Write `text`; while pagination is on, stop at the pager after every screen."""
        lines = text.replace("\r\n", "\n").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        page = self.page_size()
        total = len(lines)
        if not self.pagination or total <= page:
            self.write(text)
            return
        start = 0
        for unused_page in range(MAX_PAGES):
            end = min(start + page, total)
            self.write("".join("%s\n" % line for line in lines[start:end]))
            if end >= total:
                return
            prompt = self.settings.pager_prompt.format(first=start + 1, last=end, total=total)
            self.terminal.write(prompt)
            key = await self._pager_key()
            self.terminal.write("\r%s\r" % (" " * len(prompt)) if self.settings.pager_erase else "\r\n")
            if key == "quit":
                return
            if key == "prev":
                start = max(0, start - page)
            elif key == "begin":
                start = 0
            elif key == "end":
                start = max(0, total - page)
            else:
                start = end

    async def _pager_key(self) -> str:
        while True:  # each read is bounded by the idle timeout
            chunk = await self.input.read(self.settings.idle_timeout)
            for index, char in enumerate(chunk):
                if self._swallow_lf:
                    self._swallow_lf = False
                    if char == "\n":
                        continue
                key = PAGER_KEYS.get(char)
                if key:
                    self._swallow_lf = char == "\r"
                    self.input.unread(chunk[index + 1:])
                    return key

    # -- input -----------------------------------------------------------------------------
    async def read_line(self, *, echo: bool = True, mask: Optional[str] = None,
                        drop_burst: bool = False, echo_enter: bool = True) -> str:
        """One line as the CLI reads it: echo, backspace, Enter = CR, LF or CRLF.

        `echo=False` shows nothing (secret), or `mask` per character. With `drop_burst`, a
        chunk of several characters keeps only its first one (input modes that lose fast
        typing). `echo_enter=False`: Enter is not echoed either, so what the command prints
        next continues the question's line (seed 001, `Enter Sftp password :Processing ...`).
        """
        buffer: List[str] = []
        while True:  # each read is bounded by the idle timeout
            chunk = await self.input.read(self.settings.idle_timeout)
            if drop_burst and len(chunk) > 1:
                chunk = chunk[0]
            for index, char in enumerate(chunk):
                if self._swallow_lf:
                    self._swallow_lf = False
                    if char == "\n":
                        continue
                if char in "\r\n":
                    self._swallow_lf = char == "\r"
                    if echo_enter:
                        self.terminal.write(ENTER)
                        self._at_line_start = True
                    self.input.unread(chunk[index + 1:])
                    return "".join(buffer)
                if self._skip_escape(char):
                    continue
                if char in BACKSPACES:
                    if buffer:
                        buffer.pop()
                        if echo or mask:
                            self.terminal.write("\b \b")
                    continue
                if char < " ":
                    continue
                buffer.append(char)
                if echo:
                    self.terminal.write(char)
                elif mask:
                    self.terminal.write(mask)

    def _skip_escape(self, char: str) -> bool:
        """True while inside an ANSI escape sequence such as an arrow key (ignored)."""
        if self._escape == 0:
            if char == "\x1b":
                self._escape = 1
                return True
            return False
        if self._escape == 1:
            self._escape = 2 if char in "[O" else 0
            return True
        if "@" <= char <= "~":
            self._escape = 0
        return True

    async def ask(self, question: str, *, secret: bool = False, typed_slowly_required: bool = False,
                  mask: Optional[str] = None, echo_enter: bool = True) -> str:
        """Print `question` and read the answer line.

        `secret`: not echoed (or `mask` per character, as `file get` shows `*****`);
        `echo_enter`: see read_line.
        `typed_slowly_required`: this question loses characters typed in one burst when the
        node's `burst_drop` setting says so; a `drop_burst_input` fault can make any question
        do the same.
        """
        settings = self.settings
        shown = settings.question_rewrites.get(question.strip(), question)
        self.write(shown + ("\n" if settings.question_newline else ""))
        mode = settings.burst_drop
        drop = mode == "always" or (mode == "typed_slowly" and typed_slowly_required)
        if not drop:
            drop = self.faults.take("drop_burst_input", self.node.hostname, self.command_line,
                                    question) is not None
        redraw = None
        if settings.question_redraw_seconds > 0:
            redraw = asyncio.get_running_loop().create_task(
                self._redraw(shown.split("\n")[-1], settings.question_redraw_seconds))
        try:
            answer = await self.read_line(echo=not secret, mask=mask if secret else None, drop_burst=drop,
                                          echo_enter=echo_enter)
            self.stats.answer(self.node.hostname, question, answer)
            return answer
        finally:
            if redraw is not None:
                redraw.cancel()

    async def _redraw(self, text: str, seconds: float) -> None:
        """Draw the question's last line again (CR first) until the answer comes; bounded."""
        for unused_time in range(MAX_REDRAWS):
            await self.sleep(seconds)
            self.terminal.write("\r" + text)

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of lab time: scaled by `time_scale`, cut short when the clock advances."""
        if seconds <= 0:
            return
        clock = self.cluster.clock
        target = clock.now() + datetime.timedelta(seconds=seconds)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds * self.settings.time_scale
        while True:  # bounded by the deadline
            left = deadline - loop.time()
            if left <= 0 or clock.now() >= target:
                return
            await asyncio.sleep(min(left, 0.05))


def _text_after_words(line: str, count: int) -> str:
    """The raw text of `line` after its first `count` words (spacing and quotes kept)."""
    rest = line.strip()
    for unused_word in range(count):
        parts = rest.split(None, 1)
        rest = parts[1] if len(parts) > 1 else ""
    return rest.strip()


_BACKGROUND = set()  # jobs running on after their session went away (strong references)


def _log_job_failure(task: "asyncio.Task") -> None:
    _BACKGROUND.discard(task)
    if not task.cancelled() and task.exception() is not None:
        LOG.error("background job failed", exc_info=task.exception())


class CommandContext:
    """What a command handler gets: the cluster and node, output, questions, time, faults."""

    def __init__(self, shell: Shell, args: List[str], arg_text: str):
        self._shell = shell
        self.args = args
        self.arg_text = arg_text
        self.line = shell.command_line

    cluster = property(lambda self: self._shell.cluster)
    node = property(lambda self: self._shell.node)
    username = property(lambda self: self._shell.username)
    settings = property(lambda self: self._shell.settings)
    faults = property(lambda self: self._shell.faults)
    stats = property(lambda self: self._shell.stats)
    services = property(lambda self: self._shell.services)
    shell = property(lambda self: self._shell)

    def write(self, text: str) -> None:
        self._shell.write(text)

    def write_lines(self, lines) -> None:
        self._shell.write_lines(lines)

    async def write_paged(self, text: str) -> None:
        await self._shell.write_paged(text)

    async def ask(self, question: str, **options) -> str:
        return await self._shell.ask(question, **options)

    async def sleep(self, seconds: float) -> None:
        await self._shell.sleep(seconds)

    def text(self, key: str, **values) -> str:
        """A GUESSED text of settings.GUESSED_TEXTS, as this node is configured."""
        return self._shell.settings.text(key, **values)

    def fail(self, *lines: str) -> None:
        """Print error lines (empty ones left out) and CUCM's failure trailer."""
        self._shell.write_lines([line for line in lines if line] + [FAILED])

    async def run_job(self, work):
        """Run `work(emit)` as a task of its own and print what it emits as it comes.

        The server goes on with what it started when the SSH session goes away (a dropped
        connection, a client timeout), as CUCM does: the job is not cancelled with the session
        and always leaves the model in a final state. `emit(text)` never blocks or raises.
        Returns the job's result.
        """
        queue: asyncio.Queue = asyncio.Queue()
        job = asyncio.get_running_loop().create_task(work(queue.put_nowait))
        _BACKGROUND.add(job)
        job.add_done_callback(_log_job_failure)
        getter = None
        try:
            while True:  # ends with the job, whose steps are bounded
                getter = asyncio.ensure_future(queue.get())
                done, unused_pending = await asyncio.wait({getter, job}, return_when=asyncio.FIRST_COMPLETED)
                if getter not in done:
                    break
                self.write(getter.result())
            while not queue.empty():
                self.write(queue.get_nowait())
        finally:
            if getter is not None and not getter.done():
                getter.cancel()
        return job.result()

    def end_session(self) -> None:
        self._shell.end_session()
