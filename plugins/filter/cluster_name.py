# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The cluster_name filter: which cluster an inventory host belongs to (documentation: cluster_name.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.cucm.trust.plugins.plugin_utils._cluster_name import cluster_name


def cucm_cluster_name(group_names, default=None):
    if not isinstance(group_names, (list, tuple)):
        raise AnsibleFilterError("cluster_name expects group_names (a list), got %s" % type(group_names).__name__)
    return cluster_name(group_names, default)


class FilterModule(object):
    def filters(self):
        return {"cluster_name": cucm_cluster_name}
