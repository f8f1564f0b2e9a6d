# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``phone_info``: which phones, their registration row, the counts.

Private to cucm.trust: used by plugins/modules/phone_info.py only (and its tests); not an API.

The phones come from AXL ``listPhone`` (by name pattern, by device pool), the model filter is
applied to what AXL reports, and the registration of exactly those names is read from RisPort70
``selectCmDeviceExt`` at most 1000 names per request (``cucm_api.registration``). A phone RisPort
has no entry for (not registered since its CallManager started) gets the status ``NotFound``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import fnmatch

from ansible_collections.cucm.trust.plugins.module_utils.cucm_api import find_phones, registration

NOT_FOUND = "NotFound"
NO_NODE = "(none)"


def matches_model(phone, models):
    """True when the phone's AXL ``model`` or ``product`` matches one of ``models`` (``*``
    wildcards, case-insensitive); every phone when ``models`` is empty."""
    if not models:
        return True
    values = [(phone.get("model") or "").upper(), (phone.get("product") or "").upper()]
    return any(fnmatch.fnmatchcase(value, model.upper()) for model in models for value in values if value)


def iso_time(timestamp):
    if not isinstance(timestamp, int) or timestamp <= 0:
        return None
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def phone_row(phone, device):
    """What the module returns for one phone: AXL's configuration and RisPort's registration."""
    device = device or {}
    return {
        "name": phone["name"],
        "status": device.get("status") or NOT_FOUND,
        "status_reason": device.get("status_reason"),
        "timestamp": device.get("timestamp"),
        "last_change": iso_time(device.get("timestamp")),
        "node": device.get("node"),
        "ip_address": device.get("ip_address"),
        "ipv6_address": device.get("ipv6_address"),
        "model": phone.get("model"),
        "model_code": device.get("model_code"),
        "protocol": device.get("protocol") or phone.get("protocol"),
        "device_pool": phone.get("device_pool"),
        "description": phone.get("description"),
        "active_load": device.get("active_load"),
    }


def counts(rows):
    """Phones per status, per node and per model."""
    result = {"status": {}, "node": {}, "model": {}}
    for row in rows:
        for key, value in (("status", row["status"]), ("node", row["node"] or NO_NODE),
                           ("model", row["model"] or NO_NODE)):
            result[key][value] = result[key].get(value, 0) + 1
    return result


def phone_info(client, names, device_pools, models):
    """``(rows, counts, unmatched)`` for the filters."""
    phones, unmatched = find_phones(client, names, device_pools)
    selected = [phone for phone in phones if matches_model(phone, models)]
    if models:
        unmatched += ["model %s" % model for model in models
                      if not any(matches_model(phone, [model]) for phone in selected)]
    devices = registration(client, [phone["name"] for phone in selected]) if selected else {}
    rows = [phone_row(phone, devices.get(phone["name"].upper())) for phone in selected]
    return rows, counts(rows), unmatched
