"""Faults a test can inject through the control API (`POST /faults`).

A fault targets one node (or `*`), optionally only commands matching a regex, and fires `count`
times (null = until `DELETE /faults`). The shell asks the registry at the moment a fault could
apply (`take`), which consumes one firing. `corrupt_itl` is not registered: it changes the
node's file at once (see control.py). The nodes' TFTP HTTP servers (tftphttp.py) ask for
`tftp_http_down` and `tftp_http_tamper`; for those, `command` is matched against the request path.
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass, field
from typing import Optional

# kind -> {param: default}
TRIGGERED = {
    # Extra seconds before the welcome block of a new session.
    "slow_login": {"seconds": 10.0},
    # The prompt of new sessions: "" draws no prompt at all (a host that never shows it).
    "wrong_prompt": {"prompt": "admin>"},
    # Send `after_lines` lines of the command's output, then close the connection (or only the
    # channel).
    "drop_mid_command": {"after_lines": 2, "close": "connection"},
    # Never return the prompt: wait `seconds` (bounded by MAX_HANG) or until the client leaves,
    # then close the session ("close") or run the command after all ("finish": late output,
    # the stale-output case).
    "hang_command": {"seconds": 60.0, "then": "close"},
    # The question (matching `question`, a regex; any if null) keeps only the first character
    # of every burst of input.
    "drop_burst_input": {"question": None},
    # The service (any if null) does not come up when it is started on the node: it ends
    # STOPPED and the command prints a failure (`utils service`, the Tftp restarts of `utils
    # itl reset`). `command` matches the command that starts it, on whichever node it runs.
    "service_start_fails": {"service": "Cisco Tftp"},
    # Replace output line `line` (1-based) of the command with `text`: output a parser cannot
    # read, as from a release whose layout changed or a garbled session.
    "garble_output": {"line": 6, "text": "%%% unexpected output: 0x7f3a 0x0000 segment 12 %%%"},
    # The node's TFTP HTTP service (tftphttp.py) answers 503, or ("close") reads the request and
    # closes the connection without an answer. `command` (a regex), if given, matches the path.
    "tftp_http_down": {"mode": "503"},
    # The HTTP copy of `file` (a GET of exactly that name) has the byte at `offset` (default:
    # the middle, len // 2) XOR 0xFF; the node's stored file, what `show itl` / `show ctl` render,
    # stays intact. A file shorter than offset + 1 is served intact and does not consume a firing.
    "tftp_http_tamper": {"file": "ITLFile.tlv", "offset": None},
}
IMMEDIATE = {
    # Flip one byte of a node's trust file so that its signature no longer verifies.
    "corrupt_itl": {"offset": None, "file": "ITLFile.tlv"},
}
KINDS = tuple(TRIGGERED) + tuple(IMMEDIATE)
MAX_HANG = 600.0


@dataclass
class Fault:
    id: int
    kind: str
    node: str  # hostname or "*"
    command: Optional[str] = None  # regex searched in the command line
    count: Optional[int] = None  # firings left; None = unlimited
    params: dict = field(default_factory=dict)
    fired: int = 0

    def to_json(self) -> dict:
        return {"id": self.id, "fault": self.kind, "node": self.node, "command": self.command,
                "count": self.count, "params": dict(self.params), "fired": self.fired}


def parse_fault(body: dict) -> dict:
    """Validate a `POST /faults` body; return {kind, node, command, count, params}."""
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    kind = body.get("fault")
    if kind not in KINDS:
        raise ValueError("fault must be one of %s" % ", ".join(KINDS))
    node = body.get("node", "*")
    if not isinstance(node, str) or not node:
        raise ValueError("node must be a hostname or '*'")
    command = body.get("command")
    if command is not None:
        try:
            re.compile(command)
        except (re.error, TypeError) as exc:
            raise ValueError("command is not a valid regex: %s" % exc)
    count = body.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise ValueError("count must be null or an integer >= 1")
    defaults = TRIGGERED.get(kind) or IMMEDIATE[kind]
    params = dict(defaults)
    given = body.get("params") or {}
    if not isinstance(given, dict):
        raise ValueError("params must be an object")
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise ValueError("unknown params for %s: %s" % (kind, ", ".join(unknown)))
    params.update(given)
    _check_params(kind, params)
    return {"kind": kind, "node": node, "command": command, "count": count, "params": params}


def _check_params(kind: str, params: dict) -> None:
    def number(name, low=0.0, high=None):
        value = params[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low:
            raise ValueError("%s.%s must be a number >= %s" % (kind, name, low))
        if high is not None and value > high:
            raise ValueError("%s.%s must be <= %s" % (kind, name, high))

    if kind == "slow_login":
        number("seconds", high=MAX_HANG)
    elif kind == "wrong_prompt" and not isinstance(params["prompt"], str):
        raise ValueError("wrong_prompt.prompt must be a string ('' = no prompt)")
    elif kind == "drop_mid_command":
        number("after_lines")
        if params["close"] not in ("connection", "channel"):
            raise ValueError("drop_mid_command.close must be 'connection' or 'channel'")
    elif kind == "hang_command":
        number("seconds", high=MAX_HANG)
        if params["then"] not in ("close", "finish"):
            raise ValueError("hang_command.then must be 'close' or 'finish'")
    elif kind == "drop_burst_input" and params["question"] is not None:
        re.compile(params["question"])
    elif kind == "service_start_fails" and not isinstance(params["service"], (str, type(None))):
        raise ValueError("service_start_fails.service must be a service name or null")
    elif kind == "tftp_http_down" and params["mode"] not in ("503", "close"):
        raise ValueError("tftp_http_down.mode must be '503' or 'close'")
    elif kind == "tftp_http_tamper":
        if not isinstance(params["file"], str) or not params["file"]:
            raise ValueError("tftp_http_tamper.file must be a file name")
        offset = params["offset"]
        if offset is not None and (isinstance(offset, bool) or not isinstance(offset, int) or offset < 0):
            raise ValueError("tftp_http_tamper.offset must be null or an integer >= 0")
    elif kind == "corrupt_itl":
        if params["offset"] is not None and (not isinstance(params["offset"], int) or params["offset"] < 0):
            raise ValueError("corrupt_itl.offset must be null or an integer >= 0")


def _tamper_fits(params: dict, file: Optional[str], size: int) -> bool:
    offset = params["offset"]
    return params["file"] == file and size > 0 and (offset is None or offset < size)


class FaultRegistry:
    """Registered faults of one lab process; shared by the event loop and the control thread."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []
        self._ids = itertools.count(1)

    def add(self, kind, node, command=None, count=None, params=None) -> Fault:
        if kind not in TRIGGERED:
            raise ValueError("%s is applied at once, not registered" % kind)
        with self._lock:
            fault = Fault(next(self._ids), kind, node, command, count, dict(params or {}))
            self._faults.append(fault)
            return fault

    def take(self, kind: str, hostname: str, command: Optional[str] = None,
             question: Optional[str] = None, service: Optional[str] = None,
             file: Optional[str] = None, size: int = 0) -> Optional[Fault]:
        """The first live fault of `kind` that applies here; consumes one firing. `file` and
        `size`: the file a `tftp_http_tamper` would change and its length."""
        with self._lock:
            for fault in self._faults:
                if fault.kind != kind or fault.node not in ("*", hostname):
                    continue
                if fault.command is not None and not re.search(fault.command, command or ""):
                    continue
                pattern = fault.params.get("question") if kind == "drop_burst_input" else None
                if pattern is not None and not re.search(pattern, question or ""):
                    continue
                wanted = fault.params.get("service") if kind == "service_start_fails" else None
                if wanted is not None and wanted.lower() != (service or "").lower():
                    continue
                if kind == "tftp_http_tamper" and not _tamper_fits(fault.params, file, size):
                    continue
                fault.fired += 1
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                return fault
        return None

    def clear(self, node: Optional[str] = None, kind: Optional[str] = None) -> int:
        """Remove faults (all, or those of one node / kind); return how many went."""
        with self._lock:
            keep = [f for f in self._faults
                    if (node is not None and f.node != node) or (kind is not None and f.kind != kind)]
            removed = len(self._faults) - len(keep)
            self._faults = keep
            return removed

    def to_json(self) -> list:
        with self._lock:
            return [f.to_json() for f in self._faults]
