"""Session commands: pagination and leaving the CLI (cucm-cli-behaviour.md, "Session")."""

from __future__ import annotations

from .registry import command


@command("set", "cli", "pagination")
async def set_cli_pagination(ctx, args):
    if [a.lower() for a in args] == ["off"]:
        # pagination_sticks: the node says so but keeps paging (a GUESSED failure mode).
        ctx.shell.pagination = ctx.settings.pagination_sticks
        ctx.write("Automatic pagination is turned off\n")
    elif [a.lower() for a in args] == ["on"]:
        ctx.shell.pagination = True
        ctx.write(ctx.text("pagination_on") + "\n")
    else:
        ctx.fail(ctx.text("pagination_usage"))


@command("show", "cli", "pagination")
async def show_cli_pagination(ctx, args):
    ctx.write("Automatic Pagination : %s.\n" % ("On" if ctx.shell.pagination else "Off"))


@command("exit")
@command("quit")
async def leave(ctx, args):
    ctx.end_session()
