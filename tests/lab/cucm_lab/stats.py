"""Counters a test reads through `GET /stats`: logins, commands and answers per node.

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
                                answers=collections.deque(maxlen=HISTORY))

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

    def to_json(self) -> dict:
        """`{"nodes": {hostname: {logins, commands, sessions (open now), history, answers}}}`."""
        with self._lock:
            return {"nodes": {
                h: {"logins": c["logins"], "commands": c["commands"], "sessions": c["sessions"],
                    "history": list(c["history"]), "answers": list(c["answers"])}
                for h, c in self._nodes.items()
            }}
