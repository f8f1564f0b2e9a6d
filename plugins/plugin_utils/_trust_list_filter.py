# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the parse_show_itl and parse_show_ctl filters share: accept what cli_command returns.

Private to cucm.trust: used by plugins/filter/parse_show_itl.py and plugins/filter/parse_show_ctl.py
only (and their tests); not an API.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.cucm.trust.plugins.module_utils.parsers import ParserError
from ansible_collections.cucm.trust.plugins.module_utils.trust_facts import summarize


def parse_trust_list(parser, name, data, with_summary):
    """``parser`` on a string, a list of lines or a registered result (its ``stdout``)."""
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


def trust_list_filter(name, parser):
    """The ``FilterModule`` class of the filter ``name``, which runs ``parser``."""

    def parse(data, summary=False):
        return parse_trust_list(parser, name, data, summary)

    class FilterModule(object):
        def filters(self):
            return {name: parse}

    return FilterModule
