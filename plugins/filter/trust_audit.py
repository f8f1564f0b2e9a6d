# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The trust_audit filter: what every node of a trust_audit play recorded in, findings per cluster
out (documentation: trust_audit.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.cucm.trust.plugins.plugin_utils._trust_audit import build_audit


def cucm_trust_audit(entries, hosts=None, now=None, backups=None, previous=None, expiry_days=None,
                     expiry_critical_days=None, tvs_cache_seconds=None, max_itl_bytes=None, max_itl_certificates=None):
    if not isinstance(entries, (list, tuple)):
        raise AnsibleFilterError("trust_audit expects a list of node entries, got %s" % type(entries).__name__)
    return build_audit([dict(e) for e in entries], now=now, backups=backups, previous=previous, hosts=hosts,
                       expiry_days=expiry_days, expiry_critical_days=expiry_critical_days,
                       tvs_cache_seconds=tvs_cache_seconds, max_itl_bytes=max_itl_bytes,
                       max_itl_certificates=max_itl_certificates)


class FilterModule(object):
    def filters(self):
        return {"trust_audit": cucm_trust_audit}
