# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Parsers for the CUCM admin CLI output that cucm.trust reads.

Pure Python, standard library only: importable without Ansible, by modules, filters, the lab and
tests. Every parser takes the raw text as the CLI printed it (prompt, command echo, CRLF or LF
included) and returns plain data, or raises ParserError quoting the line it could not read.

``show itl`` / ``show ctl`` are strict: a trust decision depends on every line, so a line
they do not know raises. The inventory parsers (``show network cluster``, ``utils service
list``, ``show version active``, ``run sql``) are tolerant where the meaning cannot change:
status, notice and pager lines they do not know go to an ``unparsed`` list, never into the data,
and modules show them as warnings. The parsers of state-changing commands (``utils itl reset``,
``utils ctl``, ``utils service``, ``file get``, ``file delete``, ``set cert regen``) read a
transcript with the questions and typed answers in it; their wording varies, so unknown lines
are returned in ``other`` (or ``errors`` when they read like a failure) and only empty output
raises.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .cert_regen import parse_cert_regen
from .errors import ParserError
from .file_delete import parse_file_delete
from .file_get import parse_file_get
from .itl_reset import parse_itl_reset
from .run_sql import parse_run_sql
from .service_control import parse_service_control
from .show_network_cluster import parse_show_network_cluster
from .show_trust_list import parse_show_ctl, parse_show_itl
from .show_version import parse_show_version_active
from .trust_list_sizes import trust_list_size_errors
from .utils_ctl import parse_utils_ctl
from .utils_service_list import parse_utils_service_list

__all__ = (
    "ParserError",
    "parse_cert_regen",
    "parse_file_delete",
    "parse_file_get",
    "parse_itl_reset",
    "parse_run_sql",
    "parse_service_control",
    "parse_show_ctl",
    "parse_show_itl",
    "parse_show_network_cluster",
    "parse_show_version_active",
    "parse_utils_ctl",
    "parse_utils_service_list",
    "trust_list_size_errors",
)
