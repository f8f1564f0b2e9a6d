"""`utils service list` (layout: cucm-cli-behaviour.md, "Services")."""

from __future__ import annotations

from .registry import command


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
