#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: phone_info
short_description: Read the registration of CUCM phones (RisPort70), with counts per status, node and model
version_added: 0.1.0
author: cucm.trust maintainers (@cucm-trust)
description:
  - Lists the phones the cluster's database knows with AXL C(listPhone) - all of them, or those whose name matches
    O(names), those of the device pools in O(device_pools), those of the models in O(models) - and reads their
    registration from RisPort70 C(selectCmDeviceExt), which gives one entry per phone, consolidated over the nodes.
  - RisPort70 is asked by explicit names, at most 1000 per request (its limit per answer); more phones take more
    requests. Its C(StateInfo) is change detection, not paging, and is not used.
  - RisPort70 allows few requests per minute for the whole cluster (O(risport_rate_limit), 15 by default); requests
    are spaced accordingly, so 5000 phones take about 20 seconds. When CUCM still answers with its rate-limit fault,
    the task waits and retries within O(api_retries) / O(api_retry_time) and says so in a warning.
  - A phone RisPort70 has no entry for (not registered since the CallManager service started on its node) is returned
    with status C(NotFound).
options:
  names:
    description:
      - Device names or patterns (C(*) any characters, C(?) one character), case-insensitive, for example C(SEP*).
        A phone matching any of them is selected. Empty - every phone.
    type: list
    elements: str
    default: []
  device_pools:
    description:
      - Only phones of these device pools (exact names, case-insensitive). Each pool is one AXL C(listPhone) query
        (C(searchCriteria/devicePoolName)).
    type: list
    elements: str
    default: []
  models:
    description:
      - Only phones of these models, as AXL reports them (C(model) or C(product), for example C(Cisco 8845)); C(*)
        wildcards allowed, case-insensitive.
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - cucm.trust.attributes
  - cucm.trust.attributes.INFO_MODULE
  - cucm.trust.cucm.API
notes:
  - The application user needs AXL read access (the phone list) and RisPort70 access (registration); see O(api_user).
  - RisPort70 status reason codes (C(status_reason)) are informational; Cisco publishes no table. Codes seen in the
    field include 9 (CallManagerReset), 15 (CallManagerRestart) and 13 (KeepAliveTimeout).
seealso:
  - module: cucm.trust.phone_reset
"""

EXAMPLES = r"""
# Inventory (group_vars of the cluster): cucm_api_user, cucm_api_password (vaulted) and, per node in
# host_vars, cucm_tomcat_fingerprint - or cucm_api_ca_path for a CA-signed Tomcat certificate.
- name: Registration of every phone of the cluster
  cucm.trust.phone_info:
  register: phones
  when: inventory_hostname == 'cucm-pub'

- name: Show the counts
  ansible.builtin.debug:
    var: phones.counts
  when: phones is not skipped

- name: 88xx phones of two sites, settings given on the task
  cucm.trust.phone_info:
    api_host: cucm-pub.example.com
    api_user: axl-ansible
    api_password: "{{ vault_axl_password }}"
    ca_path: /etc/pki/cucm/tomcat-ca.pem
    device_pools: [DP_SITE_A, DP_SITE_B]
    models: ["Cisco 88*"]
  delegate_to: localhost
  run_once: true
  register: sites

- name: Phones that are not registered
  ansible.builtin.debug:
    msg: "{{ sites.phones | rejectattr('status', 'equalto', 'Registered') | map(attribute='name') | list }}"
"""

RETURN = r"""
phones:
  description: One entry per selected phone, sorted by name.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: Device name.
      type: str
      sample: SEP001122334455
    status:
      description:
        - RisPort70 status - C(Registered), C(UnRegistered), C(Rejected), C(PartiallyRegistered), C(Unknown) - or
          C(NotFound) when RisPort70 has no entry for the phone.
      type: str
      sample: Registered
    status_reason:
      description: RisPort70 C(StatusReason) code (informational), null when not found.
      type: int
      sample: 0
    timestamp:
      description: RisPort70 C(TimeStamp) - Unix time of the last status change, on the node's clock.
      type: int
      sample: 1757300000
    last_change:
      description: RV(phones[].timestamp) as UTC ISO 8601.
      type: str
      sample: "2025-09-08T02:53:20Z"
    node:
      description: The CUCM node the phone is (or was last) registered to.
      type: str
      sample: cucm-sub1
    ip_address:
      description: IPv4 address RisPort70 reports.
      type: str
      sample: 10.1.1.10
    ipv6_address:
      description: IPv6 address RisPort70 reports, if any.
      type: str
    model:
      description: Model as AXL reports it.
      type: str
      sample: Cisco 8845
    model_code:
      description: RisPort70 numeric model code.
      type: int
    protocol:
      description: C(SIP) or C(SCCP).
      type: str
    device_pool:
      description: Device pool (AXL).
      type: str
      sample: DP_SITE_A
    description:
      description: Device description (AXL).
      type: str
    active_load:
      description: Firmware load RisPort70 reports.
      type: str
total:
  description: Number of selected phones.
  returned: success
  type: int
  sample: 1200
counts:
  description: Phones per status, per node (C((none)) for phones without one) and per model.
  returned: success
  type: dict
  sample:
    status: {Registered: 1180, UnRegistered: 15, NotFound: 5}
    node: {cucm-sub1: 600, cucm-sub2: 595, "(none)": 5}
    model: {Cisco 8845: 1000, Cisco 7841: 200}
unmatched:
  description: Entries of O(names), O(device_pools) and O(models) that selected no phone (also given as a warning).
  returned: success
  type: list
  elements: str
elapsed:
  description: Seconds the task took, waits included.
  returned: always
  type: float
  sample: 8.4
api_calls:
  description: HTTP requests sent to AXL and RisPort70, retries included.
  returned: always
  type: int
  sample: 4
waited:
  description: Seconds spent keeping RisPort70's rate (C(pacing)) and waiting on throttling (C(throttling)).
  returned: always
  type: dict
  sample: {pacing: 8.0, throttling: 0.0}
api_host:
  description: The node asked.
  returned: always
  type: str
  sample: cucm-pub.example.com
"""

from ansible_collections.cucm.trust.plugins.module_utils._phone_info import phone_info
from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError, run_module
from ansible_collections.cucm.trust.plugins.module_utils.cucm_api import API_ARGUMENT_SPEC, client_for

ARGUMENT_SPEC = dict(
    API_ARGUMENT_SPEC,
    names=dict(type="list", elements="str", default=[]),
    device_pools=dict(type="list", elements="str", default=[]),
    models=dict(type="list", elements="str", default=[]),
)


def read_phones(module):
    params = module.params
    client = client_for(module)
    started = client.clock.monotonic()

    def stats():
        return dict(elapsed=round(client.clock.monotonic() - started, 3), api_calls=client.api_calls,
                    waited={"pacing": round(client.paced, 3), "throttling": round(client.throttle_waits, 3)},
                    api_host=client.host)

    try:
        rows, counts, unmatched = phone_info(client, params["names"], params["device_pools"], params["models"])
    except CucmError as exc:
        exc.details.update(stats())
        raise
    if unmatched:
        module.warn("no phone matched: %s" % ", ".join(unmatched))
    result = dict(changed=False, phones=rows, total=len(rows), counts=counts, unmatched=unmatched)
    result.update(stats())
    return result


def main():
    run_module(ARGUMENT_SPEC, read_phones)


if __name__ == "__main__":
    main()
