# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The trust_audit_history filter: the audit archive's previous entries and what retention removes
(documentation: trust_audit_history.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.cucm.trust.plugins.plugin_utils._trust_audit import plan_history


def cucm_trust_audit_history(paths, archive_dir, stamp, keep, clusters=None):
    if not isinstance(paths, (list, tuple)):
        raise AnsibleFilterError("trust_audit_history expects a list of paths, got %s" % type(paths).__name__)
    return plan_history([str(p) for p in paths], str(archive_dir), str(stamp), keep,
                        None if clusters is None else [str(c) for c in clusters])


class FilterModule(object):
    def filters(self):
        return {"trust_audit_history": cucm_trust_audit_history}
