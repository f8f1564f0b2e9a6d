# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filter behind the itl_recovery_backup role: per-host results in, one entry per cluster out."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.cucm.trust.plugins.plugin_utils._backup_report import build_backup_report


def cucm_backup_report(entries, hosts=None, check_mode=False):
    if not isinstance(entries, (list, tuple)):
        raise AnsibleFilterError("backup_report expects a list, got %s" % type(entries).__name__)
    return build_backup_report([dict(e) for e in entries], hosts, check_mode=bool(check_mode))


class FilterModule(object):
    def filters(self):
        return {"backup_report": cucm_backup_report}
