"""`utils service list` and `utils service restart|start|stop <name>` (cucm-cli-behaviour.md,
"Services").

A restart prints the banner (old or new wording per release profile `restart_banner_style`),
`Service Manager is running`, then `<name>[STOPPING]` / `<name>[STARTING]` once per poll while
the service really goes through those states (servicectl.py), and `<name>[STARTED]` unless
the node setting `service_prints_started` is off. The banners of start and stop, the refusals
and the failure line are GUESSED texts.
"""

from __future__ import annotations

from ..servicectl import STARTED, STOPPED, ServiceControl, find_service
from .registry import command

# The documented restart banners (cucm-cli-behaviour.md); start/stop: GUESSED_TEXTS.
RESTART_BANNERS = {
    "old": (" Don't press Ctrl-c while the service is getting RESTARTED.If Service has not Restarted"
            " Properly, execute the same Command Again"),
    "new": ("Do not press Ctrl+C while the service is restarting. If the service has not restarted"
            " properly, execute the same command again."),
}
SERVICE_MANAGER = "Service Manager is running"


def service_line(name, state):
    if not state.activated:
        return "%s[STOPPED]  Service Not Activated" % name
    if state.state == "STOPPED":
        return "%s[STOPPED]  Component is not running" % name
    return "%s[%s]" % (name, state.state)


@command("utils", "service", "list")
async def utils_service_list(ctx, args):
    ctx.write("Requesting service status, please wait...\n")
    await ctx.sleep(0.1)  # GUESSED pause: the real list takes a few seconds
    with ctx.cluster.lock:
        services = list(ctx.node.services.items())  # bootstrap keeps them in print order
        publisher = ctx.node.publisher
    # Platform services print a space before the bracket (`System SSH [STARTED]`) and come
    # before the service manager lines; the list is the GUESSED text `platform_services`.
    lines = ["%s [STARTED]" % name for name in ctx.text("platform_services").splitlines()]
    lines += ["Service Manager is running", "Getting list of all services", ">> Return code = 0"]
    lines += [service_line(name, state) for name, state in services]
    if publisher:
        lines.append("Primary Node =true")
    await ctx.write_paged("".join("%s\n" % line for line in lines))


@command("utils", "service", "restart")
async def utils_service_restart(ctx, args):
    await _control(ctx, "restart")


@command("utils", "service", "start")
async def utils_service_start(ctx, args):
    await _control(ctx, "start")


@command("utils", "service", "stop")
async def utils_service_stop(ctx, args):
    await _control(ctx, "stop")


def _banner(ctx, action):
    style = ctx.cluster.release.restart_banner_style
    if action == "restart":
        return RESTART_BANNERS[style]
    return ctx.text("service_banner_%s_%s" % (style, action))


async def _control(ctx, action):
    requested = ctx.arg_text
    with ctx.cluster.lock:
        name = find_service(ctx.node, requested) if requested else None
        activated = name is not None and ctx.node.services[name].activated
    if name is None:
        ctx.fail(ctx.text("service_unknown", service=requested))
        return
    if not activated:
        ctx.fail(ctx.text("service_not_activated", service=name))
        return
    ctx.write_lines([_banner(ctx, action), SERVICE_MANAGER])
    control = ServiceControl(ctx.cluster, ctx.node, settings=ctx.settings, faults=ctx.faults,
                             sleep=ctx.sleep, command=ctx.line)

    async def job(emit):
        def report(state):
            emit("%s[%s]\n" % (name, state))

        if action == "stop":
            await control.stop(name, report)
            report(STOPPED)
            return True
        started = await (control.restart if action == "restart" else control.start)(name, report)
        if started and ctx.settings.service_prints_started:
            report(STARTED)
        elif not started:
            report(STOPPED)
        return started

    if not await ctx.run_job(job):
        ctx.fail(ctx.text("service_start_failed", service=name))
