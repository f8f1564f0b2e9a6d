"""Command registry: handlers keyed by their command words, found by longest match.

A command family is a module in this package that decorates its handlers::

    @command("show", "itl")
    async def show_itl(ctx, args):
        ...

`args` are the words after the matched ones; `ctx.arg_text` is the same text unsplit (for
`run sql <statement>`). Words match case-insensitively; arguments keep their case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Awaitable, Callable, Dict, List, Optional, Tuple

Handler = Callable[..., Awaitable[None]]


@dataclass(frozen=True)
class Command:
    words: Tuple[str, ...]
    handler: Handler
    test_only: bool = False  # only when the node setting `test_commands` is on


class Registry:
    def __init__(self):
        self._commands: Dict[Tuple[str, ...], Command] = {}

    def add(self, words: Tuple[str, ...], handler: Handler, test_only: bool = False) -> None:
        key = tuple(w.lower() for w in words)
        if not key or key in self._commands:
            raise ValueError("command %r registered twice or empty" % (" ".join(words),))
        self._commands[key] = Command(key, handler, test_only)

    def resolve(self, words: List[str]) -> Optional[Tuple[Command, int]]:
        """(command, number of words it consumed) for the longest registered prefix, or None."""
        lowered = tuple(w.lower() for w in words)
        for size in range(len(lowered), 0, -1):
            found = self._commands.get(lowered[:size])
            if found:
                return found, size
        return None

    def __iter__(self):
        return iter(self._commands.values())


REGISTRY = Registry()


def command(*words: str, test_only: bool = False):
    """Register the decorated coroutine as the handler of `words` (stackable for aliases)."""

    def decorate(handler: Handler) -> Handler:
        REGISTRY.add(words, handler, test_only)
        return handler

    return decorate
