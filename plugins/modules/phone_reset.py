#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: phone_reset
short_description: Reset or restart CUCM phones in paced batches (AXL) and watch them re-register (RisPort70)
version_added: 0.1.0
author: cucm.trust maintainers (@cucm-trust)
description:
  - Selects phones with AXL C(listPhone) - every phone (O(scope=all)), the phones of O(device_pools), or the phones
    named in O(names) - and resets or restarts each with its own AXL C(doDeviceReset) (C(deviceResetType) C(Reset) or
    C(Restart)). Both make a phone download the ITL again, the step that follows ITL and certificate work.
  - Device pools are reset phone by phone too, not with C(resetDevicePool) - that would be one call with no pace inside
    the pool and no list of what was reset; per phone, the task keeps to O(batch_size) and O(batch_interval) and
    returns exactly which phones CUCM accepted and which it refused.
  - Resets go O(batch_size) phones at a time, one request after the other, with O(batch_interval) seconds between
    batches. A phone CUCM refuses (SOAP fault, for example axlcode 5007 for a phone deleted meanwhile) is reported and
    the next one reset; the task fails at the end. Five refusals in a row stop the task (a missing right or a wrong
    schema refuses every phone). HTTP 401, an unreachable node, or throttling beyond O(api_retries) /
    O(api_retry_time) stop it at once; the failed result still lists what was reset.
  - A reset only means CUCM accepted the request. With O(wait_for_registered), the task then reads RisPort70 every
    O(wait_interval) seconds until that share of the reset phones is C(Registered) with a status change after its
    reset (C(TimeStamp) newer than the reset, both on the node's clock), or O(wait_timeout) has passed; it names the
    phones that did not come back and fails (or warns, O(below_threshold=warn)) below the share.
  - Cisco advises resetting many phones, device pools above all, only in maintenance windows.
options:
  scope:
    description:
      - C(all) - every phone of the cluster. C(device_pools) - the phones of O(device_pools). C(names) - the phones in
        O(names).
    type: str
    choices: [all, device_pools, names]
    required: true
  names:
    description:
      - Device names for O(scope=names); C(*) and C(?) wildcards select every matching phone. Each entry is one AXL
        C(listPhone). Entries that match no phone are returned in RV(unmatched) and given as a warning.
    type: list
    elements: str
    default: []
  device_pools:
    description: Device pools for O(scope=device_pools) (exact names, case-insensitive); one AXL C(listPhone) each.
    type: list
    elements: str
    default: []
  action:
    description:
      - C(reset) - the phone reboots (C(deviceResetType=Reset)). C(restart) - a quicker restart that re-reads the
        configuration and re-registers (C(deviceResetType=Restart)). Both make the phone download the ITL.
    type: str
    choices: [reset, restart]
    default: reset
  batch_size:
    description: Phones reset one after the other before pausing.
    type: int
    default: 100
  batch_interval:
    description: Seconds between two batches.
    type: int
    default: 30
  wait_for_registered:
    description:
      - Share of the reset phones (more than 0, at most 1, for example C(0.95)) that must re-register after their reset.
        Not set - do not wait.
    type: float
  wait_timeout:
    description: Seconds to wait for that share, counted from the end of the last batch.
    type: int
    default: 900
  wait_interval:
    description:
      - Seconds between two reads of RisPort70 while waiting. Each read asks only for the phones not back yet, 1000 per
        request, spaced by O(risport_rate_limit).
    type: int
    default: 20
  below_threshold:
    description: What to do when the share is not reached in time - C(fail) the task or C(warn) and succeed.
    type: str
    choices: [fail, warn]
    default: fail
extends_documentation_fragment:
  - cucm.trust.attributes
  - cucm.trust.attributes.STATE_MODULE
  - cucm.trust.cucm.API
attributes:
  check_mode:
    support: full
    details:
      - Lists the phones it would reset (from AXL C(listPhone)) and the batches; resets nothing and reads no registration.
  diff_mode:
    support: none
  idempotent:
    support: none
    details:
      - Every run resets the phones again.
notes:
  - Run it once per cluster, against the publisher - for example in a play over the publishers, or with C(run_once).
  - The application user needs C(Standard AXL API Access) (a read-only AXL user gets HTTP 401 on C(doDeviceReset)) and,
    to wait, RisPort70 access.
  - Raise the task's time budget accordingly (AWX job timeout) - 5000 phones in batches of 100 every 30 seconds take
    about 25 minutes before the wait.
seealso:
  - module: cucm.trust.phone_info
  - module: cucm.trust.itl_reset
"""

EXAMPLES = r"""
# After an ITL reset: reset every phone, 200 at a time, and wait until 95% are back.
- name: Reset all phones of the cluster
  cucm.trust.phone_reset:
    scope: all
    batch_size: 200
    batch_interval: 60
    wait_for_registered: 0.95
    wait_timeout: 1800
  when: inventory_hostname == groups['cucm_publishers'][0]
  register: phone_reset

- name: Phones that did not come back
  ansible.builtin.debug:
    msg: "{{ phone_reset.wait.stragglers | map(attribute='name') | list }}"
  when: phone_reset is not skipped

- name: What a reset of two device pools would touch
  cucm.trust.phone_reset:
    scope: device_pools
    device_pools: [DP_SITE_A, DP_SITE_B]
    action: restart
  check_mode: true
  run_once: true

- name: Restart two phones, only warn when one stays away
  cucm.trust.phone_reset:
    scope: names
    names: [SEP001122334455, SEP0011223344AA]
    action: restart
    wait_for_registered: 1.0
    wait_timeout: 300
    below_threshold: warn
  run_once: true
"""

RETURN = r"""
action:
  description: O(action).
  returned: always
  type: str
  sample: reset
phones:
  description: The phones the scope selected (what would be reset in check mode), sorted.
  returned: success
  type: list
  elements: str
  sample: [SEP001122334455, SEP0011223344AA]
reset:
  description: Phones whose reset CUCM accepted, in the order they were reset; empty in check mode.
  returned: always
  type: list
  elements: str
refused:
  description: Phones CUCM refused to reset, with its message.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The phone.
      type: str
    error:
      description: What CUCM said (the SOAP fault's C(faultstring)).
      type: str
    axlcode:
      description: The AXL error code, when CUCM gave one.
      type: int
unmatched:
  description: Entries of O(names) or O(device_pools) that selected no phone.
  returned: success
  type: list
  elements: str
batches:
  description: Number of batches (planned, in check mode).
  returned: success
  type: int
  sample: 12
batches_done:
  description: Batches sent.
  returned: always
  type: int
reset_time:
  description: Time of the first accepted reset, Unix time on the node's clock.
  returned: when a phone was reset
  type: int
  sample: 1757300000
wait:
  description: The wait for re-registration.
  returned: when O(wait_for_registered) is set and a phone was reset
  type: dict
  contains:
    threshold:
      description: O(wait_for_registered).
      type: float
    timeout:
      description: O(wait_timeout).
      type: int
    total:
      description: Phones reset.
      type: int
    needed:
      description: Phones that had to come back for the threshold.
      type: int
    registered:
      description: Phones registered again after their reset.
      type: int
    share:
      description: RV(wait.registered) / RV(wait.total).
      type: float
    reached:
      description: Whether the threshold was reached in time.
      type: bool
    waited:
      description: Seconds waited.
      type: float
    polls:
      description: Rounds of RisPort70 reads.
      type: int
    stragglers:
      description:
        - Reset phones not registered again when the wait ended (when the threshold was reached, those still out), with
          what RisPort70 last said - C(status) (C(NotFound) when it has no entry), C(status_reason), C(timestamp),
          C(node), their C(reset_time) and C(why) in words.
      type: list
      elements: dict
  sample:
    threshold: 0.95
    total: 100
    needed: 95
    registered: 97
    share: 0.97
    reached: true
    stragglers:
      - name: SEP001122334455
        status: UnRegistered
        status_reason: 9
        why: UnRegistered (status reason 9) since 2025-09-08T02:53:20Z
elapsed:
  description: Seconds the task took, waits included.
  returned: always
  type: float
api_calls:
  description: HTTP requests sent to AXL and RisPort70, retries included.
  returned: always
  type: int
waited:
  description: Seconds spent keeping RisPort70's rate (C(pacing)) and waiting on throttling (C(throttling)).
  returned: always
  type: dict
api_host:
  description: The node asked.
  returned: always
  type: str
"""

from ansible_collections.cucm.trust.plugins.module_utils._phone_reset import (
    ResetRun,
    describe_stragglers,
    plan_batches,
    reset_phones,
    select_targets,
    watch,
)
from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError, run_module
from ansible_collections.cucm.trust.plugins.module_utils.cucm_api import API_ARGUMENT_SPEC, client_for

ARGUMENT_SPEC = dict(
    API_ARGUMENT_SPEC,
    scope=dict(type="str", choices=["all", "device_pools", "names"], required=True),
    names=dict(type="list", elements="str", default=[]),
    device_pools=dict(type="list", elements="str", default=[]),
    action=dict(type="str", choices=["reset", "restart"], default="reset"),
    batch_size=dict(type="int", default=100),
    batch_interval=dict(type="int", default=30),
    wait_for_registered=dict(type="float"),
    wait_timeout=dict(type="int", default=900),
    wait_interval=dict(type="int", default=20),
    below_threshold=dict(type="str", choices=["fail", "warn"], default="fail"),
)


def check_arguments(params):
    problems = []
    scope = params["scope"]
    if scope == "names" and not params["names"]:
        problems.append("scope=names needs names")
    if scope == "device_pools" and not params["device_pools"]:
        problems.append("scope=device_pools needs device_pools")
    if scope != "names" and params["names"]:
        problems.append("names is only for scope=names")
    if scope != "device_pools" and params["device_pools"]:
        problems.append("device_pools is only for scope=device_pools")
    if params["batch_size"] < 1:
        problems.append("batch_size must be at least 1")
    if params["batch_interval"] < 0 or params["wait_timeout"] < 0:
        problems.append("batch_interval and wait_timeout must not be negative")
    if params["wait_interval"] < 1:
        problems.append("wait_interval must be at least 1 second")
    share = params["wait_for_registered"]
    if share is not None and not 0 < share <= 1:
        problems.append("wait_for_registered is a share: more than 0 and at most 1 (0.95 for 95%)")
    if problems:
        raise CucmError("; ".join(problems), reason="arguments")


def reset(module):
    params = module.params
    check_arguments(params)
    client = client_for(module)
    started = client.clock.monotonic()
    run = ResetRun()

    def stats():
        return dict(action=params["action"], elapsed=round(client.clock.monotonic() - started, 3),
                    api_calls=client.api_calls, api_host=client.host,
                    waited={"pacing": round(client.paced, 3), "throttling": round(client.throttle_waits, 3)})

    try:
        phones, unmatched = select_targets(client, params["scope"], params["names"], params["device_pools"])
    except CucmError as exc:
        exc.details.update(stats(), changed=False)
        raise
    if unmatched:
        module.warn("no phone matched: %s" % ", ".join(unmatched))
    names = [phone["name"] for phone in phones]
    result = dict(changed=bool(names), phones=names, unmatched=unmatched, reset=[], refused=[], batches_done=0,
                  batches=len(plan_batches(names, params["batch_size"])))
    if not names or module.check_mode:
        result.update(stats())
        return result

    try:
        reset_phones(client, names, params["action"], params["batch_size"], params["batch_interval"], run)
    except CucmError as exc:
        exc.details.update(stats(), phones=names, unmatched=unmatched, batches=result["batches"])
        raise
    result.update(run.details())
    if run.reset_times:
        result["reset_time"] = min(run.reset_times.values())

    problems = []
    if run.refused:
        problems.append("CUCM refused to %s %d of %d phones: %s" % (
            params["action"], len(run.refused), len(names),
            "; ".join("%s (%s)" % (f["name"], f["error"]) for f in run.refused[:20])))
    if params["wait_for_registered"] is not None and run.reset_times:
        try:
            wait = watch(client, run.reset_times, params["wait_for_registered"], params["wait_timeout"],
                         params["wait_interval"])
        except CucmError as exc:
            exc.details.update(result, **stats())
            raise
        result["wait"] = wait
        if not wait["reached"]:
            message = ("only %d of %d reset phones (%.1f%%) registered again within %s s, %d needed (%.0f%%); not back: %s"
                       % (wait["registered"], wait["total"], 100.0 * wait["share"], params["wait_timeout"],
                          wait["needed"], 100.0 * wait["threshold"], describe_stragglers(wait["stragglers"])))
            if params["below_threshold"] == "fail":
                problems.append(message)
            else:
                module.warn(message)
    result.update(stats())
    if problems:
        raise CucmError("; ".join(problems), "AXL doDeviceReset", "not_registered" if not run.refused else "refused",
                        **result)
    return result


def main():
    run_module(ARGUMENT_SPEC, reset)


if __name__ == "__main__":
    main()
