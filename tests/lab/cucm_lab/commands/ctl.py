"""`utils ctl set-cluster mixed-mode | set-cluster non-secure-mode | update CTLFile |
reset localkey` (seed 002, cucm-cli-behaviour.md "utils ctl").

Publisher only. Each asks `... Do you want to continue? (y/n):`; on `y` the cluster changes at
once (actions.py: the CTL on every node, ClusterSecurityMode) and the progress lines and the
restart reminders follow. Mixed mode needs export-controlled licensing where the release says
so (`mixed_mode_needs_licence` and the cluster's `export_controlled_allowed`). GUESSED: the
refusals, the `reset localkey` question, what `n` prints, and that a repeated
`set-cluster` simply rebuilds the CTL.
"""

from __future__ import annotations

from .. import actions
from ..model import SECURITY_MODE_MIXED
from .registry import command

MIXED_QUESTION = "This operation sets the cluster to Mixed mode. Do you want to continue? (y/n):"
MIXED_AUTO_REGISTRATION_QUESTION = (
    "This operation will set the cluster to Mixed mode.  Auto-registration is enabled on at least"
    " one CM node. Do you want to continue? (y/n):")
NON_SECURE_QUESTION = ("This operation will set the cluster to non secure mode. Do you want to continue?"
                       " (y/n):")
UPDATE_QUESTION = "This operation updates the CTLFile. Do you want to continue? (y/n):"
RESTART_REMINDER = ("Please Restart the TFTP and Cisco CallManager services on all nodes in the cluster"
                    " that run these services")
RESET_PHONES_REMINDER = "You must reset all phones to ensure they received the updated CTL file."
CTIMANAGER_REMINDER = ("You must restart Cisco CTIManager services on all the nodes in the cluster that"
                       " have the service activated.")


@command("utils", "ctl", "set-cluster", "mixed-mode")
async def utils_ctl_mixed(ctx, args):
    if not _publisher(ctx) or not _licensed(ctx):
        return
    question = MIXED_AUTO_REGISTRATION_QUESTION if ctx.cluster.auto_registration else MIXED_QUESTION
    await _operation(ctx, question, "Moving Cluster to Mixed Mode", "Cluster set to Mixed Mode",
                     lambda: actions.set_cluster_mode(ctx.cluster, mixed=True))


@command("utils", "ctl", "set-cluster", "non-secure-mode")
async def utils_ctl_non_secure(ctx, args):
    if not _publisher(ctx):
        return
    await _operation(ctx, NON_SECURE_QUESTION, "Moving Cluster to Non Secure Mode",
                     "Cluster set to Non Secure Mode",
                     lambda: actions.set_cluster_mode(ctx.cluster, mixed=False))


@command("utils", "ctl", "update", "CTLFile")
async def utils_ctl_update(ctx, args):
    if not _publisher(ctx) or not _mixed(ctx):
        return
    await _operation(ctx, UPDATE_QUESTION, "Updating CTL file", "CTL file Updated",
                     lambda: actions.update_ctl(ctx.cluster))


@command("utils", "ctl", "reset", "localkey")
async def utils_ctl_reset_localkey(ctx, args):
    if not _publisher(ctx) or not _mixed(ctx):
        return
    await _operation(ctx, ctx.text("ctl_reset_question"), "Updating CTL file", "CTL file Updated",
                     lambda: actions.reset_ctl_localkey(ctx.cluster))


@command("utils", "ctl")
async def utils_ctl_usage(ctx, args):
    ctx.fail(ctx.text("ctl_usage"))


def _publisher(ctx):
    if ctx.node.publisher:
        return True
    ctx.fail(ctx.text("ctl_not_publisher"))
    return False


def _licensed(ctx):
    cluster = ctx.cluster
    if not cluster.release.mixed_mode_needs_licence or cluster.export_controlled_allowed:
        return True
    ctx.fail(ctx.text("ctl_licence_missing"))
    return False


def _mixed(ctx):
    if ctx.cluster.security_mode == SECURITY_MODE_MIXED:
        return True
    ctx.fail(ctx.text("ctl_not_mixed"))
    return False


async def _operation(ctx, question, progress, done, change):
    answer = await ctx.ask(question)
    if answer.strip().lower() not in ("y", "yes"):
        aborted = ctx.text("ctl_aborted")
        if aborted:
            ctx.write_lines([aborted])
        return
    with ctx.cluster.lock:
        change()
    ctx.write_lines([progress])
    await ctx.sleep(ctx.settings.command_step_seconds)
    reminders = [RESTART_REMINDER]
    if ctx.cluster.release.ctl_reminds_ctimanager:
        reminders += [RESET_PHONES_REMINDER, CTIMANAGER_REMINDER]
    ctx.write_lines([done] + reminders)
