# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The parse_show_ctl filter: `show ctl` text into data, for people using cli_command
(documentation: parse_show_ctl.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_show_ctl
from ansible_collections.cucm.trust.plugins.plugin_utils._trust_list_filter import trust_list_filter

FilterModule = trust_list_filter("parse_show_ctl", parse_show_ctl)
