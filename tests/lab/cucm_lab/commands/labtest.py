"""Test-only commands (node setting `test_commands`): exercise the shell without CUCM state.

`labtest ask [slow] [secret]`   asks `Type a word:` and prints `You typed: <answer>` (the
                                answer is printed even when secret, so a test can check it).
`labtest lines <n>`             prints `line 1` .. `line <n>` through the pager.
`labtest sleep <seconds>`       prints `slept` after ctx.sleep (lab-time-aware).
"""

from __future__ import annotations

from .registry import command

MAX_LINES = 100000


@command("labtest", "ask", test_only=True)
async def labtest_ask(ctx, args):
    words = {a.lower() for a in args}
    answer = await ctx.ask("Type a word:", secret="secret" in words,
                           typed_slowly_required="slow" in words)
    ctx.write("You typed: %s\n" % answer)


@command("labtest", "lines", test_only=True)
async def labtest_lines(ctx, args):
    count = min(int(args[0]) if args and args[0].isdigit() else 10, MAX_LINES)
    await ctx.write_paged("".join("line %d\n" % n for n in range(1, count + 1)))


@command("labtest", "sleep", test_only=True)
async def labtest_sleep(ctx, args):
    await ctx.sleep(float(args[0]) if args else 1.0)
    ctx.write("slept\n")
