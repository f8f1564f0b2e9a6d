"""Counters a test reads through `GET /stats`: logins, commands and answers per node, and the
requests to the node's TFTP HTTP server (tftphttp.py).

`answers` keeps what was typed at each question, secrets included: the lab is a test tool, and
tests use it to prove an answer (a password) never reached the wrong question.
"""

from __future__ import annotations

import collections
import threading

HISTORY = 200  # command lines remembered per node (bounded)


class Stats:
    def __init__(self, hostnames):
        self._lock = threading.Lock()
        self._nodes = {h: {"sessions": 0} for h in hostnames}
        self.reset()

    def reset(self) -> None:
        """Zero the counters; open sessions stay counted."""
        with self._lock:
            for counters in self._nodes.values():
                counters.update(logins=0, commands=0, history=collections.deque(maxlen=HISTORY),
                                answers=collections.deque(maxlen=HISTORY),
                                tftp_http={"requests": 0, "refused": 0, "by_status": {},
                                           "history": collections.deque(maxlen=HISTORY)})

    def login(self, hostname: str) -> None:
        with self._lock:
            self._nodes[hostname]["logins"] += 1

    def session(self, hostname: str, delta: int) -> None:
        with self._lock:
            self._nodes[hostname]["sessions"] += delta

    def command(self, hostname: str, line: str) -> None:
        with self._lock:
            self._nodes[hostname]["commands"] += 1
            self._nodes[hostname]["history"].append(line)

    def answer(self, hostname: str, question: str, answer: str) -> None:
        with self._lock:
            self._nodes[hostname]["answers"].append({"question": question.strip(), "answer": answer})

    def tftp_http(self, hostname: str, method, path, status) -> None:
        """A request to the node's TFTP HTTP server: `status` an HTTP status, "closed" (closed
        without an answer) or "refused" (Cisco Tftp not running: the connection was reset; not a
        request, method and path None when it was refused before one was read)."""
        with self._lock:
            counters = self._nodes[hostname]["tftp_http"]
            if status == "refused":
                counters["refused"] += 1
            else:
                counters["requests"] += 1
                counters["by_status"][str(status)] = counters["by_status"].get(str(status), 0) + 1
            counters["history"].append({"method": method, "path": path, "status": status})

    def to_json(self) -> dict:
        """`{"nodes": {hostname: {logins, commands, sessions (open now), history, answers,
        tftp_http: {requests, refused, by_status, history: [{method, path, status}]}}}}`."""
        with self._lock:
            return {"nodes": {
                h: {"logins": c["logins"], "commands": c["commands"], "sessions": c["sessions"],
                    "history": list(c["history"]), "answers": list(c["answers"]),
                    "tftp_http": dict(c["tftp_http"], by_status=dict(c["tftp_http"]["by_status"]),
                                      history=list(c["tftp_http"]["history"]))}
                for h, c in self._nodes.items()
            }}
