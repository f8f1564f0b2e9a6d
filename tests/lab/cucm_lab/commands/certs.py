"""`set cert regen CallManager|TVS|CAPF|ITLRecovery` (seed 001).

A new self-signed key and certificate (bootstrap.regenerate_certificate), in the `run sql`
tables at once; the ITL follows only when Cisco Tftp restarts and the CTL only after `utils
ctl update CTLFile` (nothing here touches the trust files). Within the release's hold time
(5 minutes) of a regeneration on the same node, any unit is refused with seed 001's message;
`POST /clock/advance` lifts the hold. GUESSED: the ITLRecovery warning, the hold for a repeat
of the same unit, the unknown-unit refusal and what `no` prints.
"""

from __future__ import annotations

import asyncio
import datetime

from .. import bootstrap, pki
from ..model import CERT_ITLRECOVERY, CERT_UNITS
from .registry import command

QUESTION = "Proceed with regeneration (yes|no)? "


def warning_lines(unit):
    return ["WARNING: This operation will overwrite any CA signed certificate",
            "previously imported for %s" % unit]


def success_lines(unit):
    # Wrapped as seed 001 prints them.
    return ["Successfully Regenerated Certificate for %s." % unit,
            "Please do a backup of the server as soon as possible. Failure to do",
            "so can stale the cluster in case of a crash.",
            "You must restart services related to %s for the regenerated" % unit,
            "certificates to become active."]


def hold_lines(blocking, requested, minutes):
    return ["%s certificate was modified in the last %d minutes. Please re-try" % (blocking, minutes),
            "regenerating %s certificate at a later time" % requested]


@command("set", "cert", "regen")
async def set_cert_regen(ctx, args):
    wanted = args[0] if len(args) == 1 else ""
    unit = next((u for u in CERT_UNITS if u.lower() == wanted.lower()), None)
    if unit is None:
        ctx.fail(ctx.text("cert_unit_unknown", unit=" ".join(args)))
        return
    cluster, node = ctx.cluster, ctx.node
    minutes = cluster.release.cert_regen_hold_minutes
    with cluster.lock:
        last = node.last_cert_regen
    if last and cluster.clock.now() - last[1] < datetime.timedelta(minutes=minutes):
        ctx.write_lines(hold_lines(last[0], unit, minutes))
        return
    if unit == CERT_ITLRECOVERY:
        ctx.write_lines([ctx.text("cert_regen_itlrecovery_warning")])
    ctx.write_lines(warning_lines(unit))
    if (await ctx.ask(QUESTION)).strip().lower() != "yes":
        aborted = ctx.text("cert_regen_aborted")
        if aborted:
            ctx.write_lines([aborted])
        return
    # Key generation is slow: in a worker thread, so that other sessions go on meanwhile.
    with cluster.lock:
        key_size = node.certs[unit].key.key_size
    key = (await asyncio.get_running_loop().run_in_executor(None, pki.generate_keys, 1, key_size))[0]
    with cluster.lock:
        bootstrap.regenerate_certificate(cluster, node, unit, key=key)
        node.last_cert_regen = (unit, cluster.clock.now())
    await ctx.sleep(ctx.settings.command_step_seconds)
    ctx.write_lines(success_lines(unit))
