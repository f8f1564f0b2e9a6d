# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters that turn `show itl` / `show ctl` text into data, for people using cli_command."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.cucm.trust.plugins.module_utils.parsers import (
    ParserError,
    parse_show_ctl,
    parse_show_itl,
)
from ansible_collections.cucm.trust.plugins.module_utils.trust_facts import summarize


def _parse(parser, name, data, with_summary):
    if isinstance(data, dict) and "stdout" in data:
        data = data["stdout"]
    if isinstance(data, (list, tuple)):
        data = "\n".join(to_text(item) for item in data)
    try:
        parsed = parser(to_text(data, errors="surrogate_then_replace"))
    except ParserError as exc:
        raise AnsibleFilterError("%s: %s" % (name, exc))
    if with_summary:
        parsed = dict(parsed, summary=summarize(parsed))
    return parsed


def cucm_parse_show_itl(data, summary=False):
    return _parse(parse_show_itl, "parse_show_itl", data, summary)


def cucm_parse_show_ctl(data, summary=False):
    return _parse(parse_show_ctl, "parse_show_ctl", data, summary)


class FilterModule(object):
    def filters(self):
        return {
            "parse_show_itl": cucm_parse_show_itl,
            "parse_show_ctl": cucm_parse_show_ctl,
        }
