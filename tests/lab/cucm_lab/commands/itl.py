"""`utils itl reset localkey` | `utils itl reset remotekey <host> <user> <path>` (seed 001).

Publisher only (`This is not a Publisher Node` elsewhere, nothing asked). `remotekey` asks for
the SFTP password first; its Enter is not echoed, so the debug noise of seed 001 lands on the
question's line. The p12 is fetched at once (sftp_client.download, port: node setting
`remotekey_sftp_port`), then the CCM Administrator password is asked. Every refusal happens
before anything changes. The reset itself (itlreset.py, over lab time) survives a dropped
session.

Layouts: 10.x/11.x print seed 001's lines; 12.0+ (profile `itl_reset_layout` "ruled") the
12.5 layout of cucm-cli-behaviour.md, whose exact form is GUESSED.
"""

from __future__ import annotations

from .. import itlreset, pki, sftp_client
from ..model import SERVICE_TFTP
from ..servicectl import ServiceControl
from .files import sftp_failure_text
from .registry import command

NOT_PUBLISHER = "This is not a Publisher Node"
SFTP_PASSWORD = "Enter Sftp password :"
CCM_ADMIN_PASSWORD = "Enter CCM Administrator password :"
# Seed 001 prints this twice, right after the SFTP password.
REMOTEKEY_NOISE = ["Processing token in else 0 tac", "count is 1"] * 2
RULE = "=" * 30  # GUESSED width of the 12.5 node list's rules


@command("utils", "itl", "reset")
async def utils_itl_reset(ctx, args):
    mode = args[0].lower() if args else ""
    if mode not in ("localkey", "remotekey") or len(args) != (1 if mode == "localkey" else 4):
        ctx.fail(ctx.text("itl_reset_usage"))
        return
    if not ctx.node.publisher:
        ctx.write_lines([NOT_PUBLISHER])
        return
    remote = None
    if mode == "remotekey":
        remote = await _fetch_remote_key(ctx, *args[1:4])
        if remote is None:
            return
    password = await ctx.ask(CCM_ADMIN_PASSWORD, secret=True)
    if password != ctx.cluster.app_admin_password:
        ctx.fail(ctx.text("ccm_admin_password_wrong"))
        return
    key = None
    if remote is not None:
        try:
            key = itlreset.open_remote_key(remote[1], ctx.cluster)
        except pki.Pkcs12Error:
            ctx.fail(ctx.text("remotekey_p12_unreadable", path=remote[0]))
            return
    if not await ctx.run_job(lambda emit: _reset(ctx, emit, key, remote[1] if remote else None)):
        ctx.fail()


async def _fetch_remote_key(ctx, host, user, path):
    """(path, p12 bytes) from the SFTP server, or None after printing why not."""
    sftp_password = await ctx.ask(SFTP_PASSWORD, secret=True, echo_enter=False)
    ctx.write_lines(REMOTEKEY_NOISE)
    try:
        data = await sftp_client.download(host, ctx.settings.remotekey_sftp_port, user, sftp_password, path)
    except sftp_client.SftpClientError as error:
        ctx.fail(sftp_failure_text(ctx, error))
        return None
    return path, data


async def _reset(ctx, emit, remote_key, p12_data):
    """The reset over lab time; True when every Tftp came back up."""
    cluster = ctx.cluster
    step = ctx.settings.command_step_seconds
    ruled = cluster.release.itl_reset_layout == "ruled"
    with cluster.lock:
        pub = cluster.publisher
        nodes = cluster.tftp_nodes
    names = [node.hostname for node in nodes]

    emit("\n")
    if ruled:
        emit("Generating the reset ITL file.....\n")
        await ctx.sleep(step)
    emit("Locating active Tftp servers in the cluster.....\n\n")
    await ctx.sleep(step)
    emit("Following is the list of Active tftp servers in the cluster\n\n")
    if ruled:
        emit("".join("%s\n" % line for line in [RULE] + names + [RULE]))
        emit("Number of Active TFTP servers in the cluster : %d\n\n" % len(names))
    else:
        emit("%s\n" % names)  # Python's list repr is seed 001's `['test10pub', 'test10sub']`

    with cluster.lock:
        if remote_key is not None:
            replaced = itlreset.install_remote_key(cluster, remote_key, p12_data)
            data = itlreset.build_reset_itl(cluster, remote_key, replaced=replaced)
        else:
            data = itlreset.build_reset_itl(cluster, itlreset.reset_signer(cluster))
    if not ruled:
        emit("The reset ITL file was generated successfully\n\n")
    emit("Transferring new reset ITL file to the TFTP server nodes in the cluster.....\n\n")

    all_up = True
    for node in nodes:
        await ctx.sleep(step)
        itlreset.install_reset_itl(cluster, node, data)
        if node is not pub:
            emit("Successfully transferred reset ITL to node %s\n\n" % node.hostname)
        emit("Restarting Cisco Tftp service on host %s\n" % node.hostname)
        control = ServiceControl(cluster, node, settings=ctx.services.settings.get(node.hostname),
                                 faults=ctx.faults, sleep=ctx.sleep, command=ctx.line)
        if await control.restart(SERVICE_TFTP):
            emit("Cisco Tftp service restarted on host %s\n" % node.hostname)
        else:
            all_up = False
            emit(ctx.text("itl_reset_tftp_failed", host=node.hostname) + "\n")
    return all_up
