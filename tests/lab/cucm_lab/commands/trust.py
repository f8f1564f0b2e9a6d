"""`show itl` / `show ctl`: rendered from the bytes the node holds right now."""

from __future__ import annotations

from .. import render
from ..model import CTL_FILE, ITL_FILE
from .registry import command


def _stored(ctx, name):
    with ctx.cluster.lock:
        return ctx.node.tftp_files.get(name)


@command("show", "itl")
async def show_itl(ctx, args):
    await ctx.write_paged(render.render_show_itl(_stored(ctx, ITL_FILE), wrap=ctx.settings.wrap))


@command("show", "ctl")
async def show_ctl(ctx, args):
    await ctx.write_paged(render.render_show_ctl(_stored(ctx, CTL_FILE), wrap=ctx.settings.wrap))
