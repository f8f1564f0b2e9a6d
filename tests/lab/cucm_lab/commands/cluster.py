"""`show network cluster`, `show version active`, `show myself`."""

from __future__ import annotations

from .registry import command

PROCESSNODE_HEADING = "Server Table (processnode) Entries"
ENTERPRISE_WIDE = "EnterpriseWideData"  # the processnode row every cluster has

# GUESSED: CUCM 15 reformatted `show network cluster` (primer section 8) but no transcript of
# the new layout exists. Ours: a header row, a dash row, then aligned columns; the local node
# says `local` in the Connection column instead of `TCP since <date>`.
V15_COLUMNS = ("Node ID", "Hostname", "FQDN", "IP Address", "Role", "Product", "DB Role",
               "Status", "Connection")


def _since(ctx):
    started = getattr(ctx.services, "started_at", None) or ctx.cluster.clock.now()
    return started.strftime(ctx.text("since_format"))  # GUESSED date format


def _classic_lines(ctx):
    lines = []
    for node in ctx.cluster.nodes:
        role, db_role = ("Publisher", "DBPub") if node.publisher else ("Subscriber", "DBSub")
        line = "%s %s %s %s callmanager %s authenticated" % (node.ip, node.fqdn, node.hostname, role, db_role)
        if node is not ctx.node:
            line += " using TCP since %s" % _since(ctx)
        lines.append(line)
    return lines


def _v15_lines(ctx):
    rows = []
    for number, node in enumerate(ctx.cluster.nodes, 1):
        role, db_role = ("Publisher", "DBPub") if node.publisher else ("Subscriber", "DBSub")
        connection = "local" if node is ctx.node else "TCP since %s" % _since(ctx)
        rows.append((str(number), node.hostname, node.fqdn, node.ip, role, "callmanager", db_role,
                     "authenticated", connection))
    widths = [max(len(row[i]) for row in rows + [V15_COLUMNS]) for i in range(len(V15_COLUMNS))]

    def aligned(cells):
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()

    return [aligned(V15_COLUMNS), aligned("-" * w for w in widths)] + [aligned(row) for row in rows]


@command("show", "network", "cluster")
async def show_network_cluster(ctx, args):
    with ctx.cluster.lock:
        if ctx.cluster.release.network_cluster_layout == "v15":
            lines = _v15_lines(ctx)
        else:
            lines = _classic_lines(ctx)
        if ctx.node.publisher:
            lines += ["", PROCESSNODE_HEADING, "-" * len(PROCESSNODE_HEADING), ENTERPRISE_WIDE]
            lines += [node.hostname for node in ctx.cluster.nodes]
    await ctx.write_paged("".join("%s\n" % line for line in lines))


@command("show", "version", "active")
async def show_version_active(ctx, args):
    ctx.write_lines([
        "Active Master Version: %s" % ctx.cluster.release.version,
        "Active Version Installed Software Options:",
        "No Installed Software Options Found.",
    ])


@command("show", "myself")
async def show_myself(ctx, args):
    # GUESSED layout: no transcript of `show myself` in the seeds or references.
    ctx.write(ctx.text("show_myself", hostname=ctx.node.hostname, username=ctx.username) + "\n")
