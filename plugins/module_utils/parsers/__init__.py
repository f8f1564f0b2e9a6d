# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Parsers for the CUCM admin CLI output that cucm.trust reads.

Pure Python, standard library only: importable without Ansible, by modules, filters, the lab and
tests. Every parser takes the raw text as the CLI printed it (prompt, command echo, CRLF or LF
included) and returns plain data, or raises ParserError quoting the line it could not read.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .errors import ParserError
from .run_sql import parse_run_sql
from .show_network_cluster import parse_show_network_cluster
from .show_trust_list import parse_show_ctl, parse_show_itl
from .show_version import parse_show_version_active
from .utils_service_list import parse_utils_service_list

__all__ = (
    "ParserError",
    "parse_run_sql",
    "parse_show_ctl",
    "parse_show_itl",
    "parse_show_network_cluster",
    "parse_show_version_active",
    "parse_utils_service_list",
)
