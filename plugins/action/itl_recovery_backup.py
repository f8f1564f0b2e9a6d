# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cucm.trust.plugins.plugin_utils.cucm_action import CucmActionModule


class ActionModule(CucmActionModule):
    """Runs cucm.trust.itl_recovery_backup over the persistent network_cli connection."""
